package eid_test

import (
	"bytes"
	"context"
	"crypto/x509"
	"fmt"
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
// profiles, on the card as it is and on one answering short chunks: the
// read (ReadContents, then Verify) fails, or it gives exactly the card's
// data. A garbled answer with 9000 makes the card's files disagree, which
// ReadContents sees and reads again.
func TestFaultAtEveryAPDU(t *testing.T) {
	ctx := context.Background()
	for _, p := range vcardProfiles {
		for _, short := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/short reads %v", p.name, short), func(t *testing.T) {
				var vc interface {
					vcard.Transmitter
					Reset()
				} = newVCard(t, p.profile)
				roots := []*x509.Certificate{newVCard(t, p.profile).PKI().Root}
				if short {
					vc = resettable{vcard.ShortReads(vc), vc.Reset}
				}
				ct := vcard.Record(vc)
				want, err := readFully(ctx, ct, roots)
				if err != nil || !want.in.OK() {
					t.Fatalf("fault-free read: %v %v", err, want.in.Err())
				}
				for _, c := range want.in.Checks() {
					if c.Status == eid.CheckFailed {
						t.Fatalf("fault-free read: %v", c)
					}
				}
				n := ct.Len()
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
}

type resettable struct {
	vcard.Transmitter
	reset func()
}

func (r resettable) Reset() { r.reset() }

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

// The card behaviours of the decorators (short chunks instead of 6Cxx,
// SELECT by identifier only) read the same data as the plain card.
func TestBehaviourDecorators(t *testing.T) {
	ctx := context.Background()
	for _, p := range vcardProfiles {
		vc := newVCard(t, p.profile)
		roots := []*x509.Certificate{vc.PKI().Root}
		want, err := readFully(ctx, vc, roots)
		if err != nil {
			t.Fatal(err)
		}
		for name, dec := range map[string]func(vcard.Transmitter) vcard.Transmitter{
			"short reads":       vcard.ShortReads,
			"select by ID only": vcard.SelectByIDOnly,
			"both":              func(t vcard.Transmitter) vcard.Transmitter { return vcard.ShortReads(vcard.SelectByIDOnly(t)) },
		} {
			vc.Reset()
			ct := vcard.Record(dec(vc))
			got, err := readFully(ctx, ct, roots)
			if err != nil {
				t.Fatalf("%s, %s: %v", p.name, name, err)
			}
			if !maps.EqualFunc(got.raw, want.raw, bytes.Equal) || !bytes.Equal(got.cardData, want.cardData) || !got.in.OK() {
				t.Errorf("%s, %s: other data or failed checks: %v", p.name, name, got.in.Err())
			}
			if name != "short reads" && ct.Count(0xA4) <= len(want.raw) {
				t.Errorf("%s, %s: %d SELECT for %d files: not walking by identifier", p.name, name, ct.Count(0xA4), len(want.raw))
			}
		}
	}
}
