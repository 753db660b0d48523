package eid_test

import (
	"bytes"
	"context"
	"crypto/x509"
	"maps"
	"os"
	"path/filepath"
	"testing"

	"github.com/csam-go/csam/eid"
	"github.com/csam-go/csam/eid/vcard"
)

// fullRead is what a full read of a card gives: the contents, the raw card
// data, and the integrity checks (INTERNAL AUTHENTICATE included).
type fullRead struct {
	raw      map[eid.FileID][]byte
	cardData []byte
	in       *eid.Integrity
}

func readFully(ctx context.Context, t vcard.Transmitter, roots []*x509.Certificate) (*fullRead, error) {
	card := eid.New(t, nil)
	c, err := eid.ReadContents(ctx, card, nil)
	if err != nil {
		return nil, err
	}
	in, err := eid.Verify(ctx, card, c, &eid.VerifyOptions{TrustedRoots: roots})
	if err != nil {
		return nil, err
	}
	r := &fullRead{raw: c.Raw, in: in}
	if c.CardData != nil {
		r.cardData = c.CardData.Raw
	}
	return r, nil
}

// Every fault of vcard.Faults at every APDU of a full read (contents,
// card data, integrity checks with INTERNAL AUTHENTICATE) of both
// profiles: the read fails, or its integrity checks fail, or it gives
// exactly the card's data. Never different data reported as sound.
func TestFaultAtEveryAPDU(t *testing.T) {
	ctx := context.Background()
	for _, p := range vcardProfiles {
		t.Run(p.name, func(t *testing.T) {
			vc := newVCard(t, p.profile)
			roots := []*x509.Certificate{vc.PKI().Root}
			ct := &countingTransport{t: vc}
			want, err := readFully(ctx, ct, roots)
			if err != nil || !want.in.OK() {
				t.Fatalf("fault-free read: %v %v", err, want.in.Err())
			}
			for _, c := range want.in.Checks() {
				if c.Status == eid.CheckFailed {
					t.Fatalf("fault-free read: %v", c)
				}
			}
			n := ct.total
			var refused, flagged, same, silentRead, silent int
			for i := range n {
				for _, f := range vcard.Faults() {
					vc.Reset()
					got, err := readFully(ctx, vcard.FaultAt(vc, i, f), roots)
					switch {
					case err != nil:
						refused++
					case maps.EqualFunc(got.raw, want.raw, bytes.Equal) && bytes.Equal(got.cardData, want.cardData):
						same++
					case !got.in.OK():
						flagged++
						silentRead++
					default:
						silentRead++
						silent++
						var diff []string
						for id, b := range want.raw {
							if !bytes.Equal(got.raw[id], b) {
								diff = append(diff, id.String())
							}
						}
						if !bytes.Equal(got.cardData, want.cardData) {
							diff = append(diff, "card data")
						}
						t.Errorf("%s at APDU %d: different data (%v), and every check passed", f, i, diff)
					}
				}
			}
			t.Logf("%d APDUs × %d faults: %d reads failed, %d gave the card's data, %d gave other data with failed checks, %d other data with all checks passed",
				n, len(vcard.Faults()), refused, same, flagged, silent)
			if silentRead > 0 {
				t.Logf("%d reads returned other data without an error from ReadContents (caught by Verify: %d)", silentRead, flagged)
			}
		})
	}
}

// WriteDump writes a private folder (0700, files 0600) whole or not at all.
func TestWriteDumpWholeAndPrivate(t *testing.T) {
	ctx := context.Background()
	vc := newVCard(t, vcard.Applet18)
	dir := filepath.Join(t.TempDir(), "dump")
	if err := eid.WriteDump(ctx, eid.New(vc, nil), dir); err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(dir)
	if err != nil || st.Mode().Perm() != 0o700 {
		t.Fatalf("dump folder: %v, %v; want 0700", st.Mode(), err)
	}
	ents, _ := os.ReadDir(dir)
	if len(ents) != len(eid.DumpFiles)+1 {
		t.Errorf("%d files in the dump, want %d", len(ents), len(eid.DumpFiles)+1)
	}
	for _, e := range ents {
		if i, _ := e.Info(); i.Mode().Perm() != 0o600 {
			t.Errorf("%s: %v, want 0600", e.Name(), i.Mode())
		}
	}
	// A card pulled out in the middle: no folder, no leftovers.
	parent := t.TempDir()
	vc.Reset()
	vc.RemoveAfter(20)
	if err := eid.WriteDump(ctx, eid.New(vc, nil), filepath.Join(parent, "dump")); err == nil {
		t.Fatal("WriteDump of a card pulled out succeeded")
	}
	if ents, _ := os.ReadDir(parent); len(ents) != 0 {
		t.Errorf("an interrupted dump left %v", ents)
	}
	vc.Insert()
	// A folder that holds files is not replaced.
	if err := eid.WriteDump(ctx, eid.New(vc, nil), dir); err == nil {
		t.Error("WriteDump replaced a full folder")
	}
}
