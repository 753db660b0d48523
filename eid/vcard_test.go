package eid_test

// Tests against the module's virtual card (package eid/vcard), in process:
// both profiles read fully and verify (INTERNAL AUTHENTICATE included on
// applet 1.8), the PIN down to blocked, signing, a TLS client certificate,
// a card pulled out mid-read, and a dump served by the virtual card.

import (
	"bytes"
	"context"
	"crypto"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/csam-go/csam/eid"
	"github.com/csam-go/csam/eid/vcard"
)

var vcardProfiles = []struct {
	name    string
	profile vcard.Profile
	ec      bool
}{{"applet 1.7", vcard.Applet17, false}, {"applet 1.8", vcard.Applet18, true}}

func newVCard(t testing.TB, p vcard.Profile) *vcard.Card {
	t.Helper()
	c, err := vcard.New(vcard.Options{Profile: p, Seed: []byte(fmt.Sprintf("eid tests %d", p))})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestVCardFullRead(t *testing.T) {
	ctx := context.Background()
	for _, p := range vcardProfiles {
		t.Run(p.name, func(t *testing.T) {
			vc := newVCard(t, p.profile)
			ct := &countingTransport{t: vc}
			card := eid.New(ct, nil)
			c, err := eid.ReadContents(ctx, card, nil)
			if err != nil {
				t.Fatal(err)
			}
			files := fullReadFiles(p.ec)
			wantReads := 0
			for _, id := range files {
				f := vc.File(uint16(id))
				wantReads += expectedReads(id, f, false)
				got := c.Raw[id]
				if id >= eid.FileAuthCert && id <= eid.FileRRNCert {
					f = bytes.TrimRight(f, "\x00")
				}
				if !bytes.Equal(got, f) {
					t.Errorf("file %s: read %d bytes, the card has %d", id, len(got), len(f))
				}
			}
			if ct.byINS[0xA4] != len(files) || ct.byINS[0xB0] != wantReads || ct.byINS[0xE4] != 1 {
				t.Errorf("APDUs by instruction %X; want %d SELECT, %d READ BINARY, 1 GET CARD DATA",
					ct.byINS, len(files), wantReads)
			}
			if ct.total != vc.APDUCount() {
				t.Errorf("the card saw %d APDUs, we sent %d", vc.APDUCount(), ct.total)
			}
			t.Logf("full read (%s): %d APDUs = 1 GET CARD DATA + %d SELECT + %d READ BINARY for %d files",
				p.name, ct.total, ct.byINS[0xA4], ct.byINS[0xB0], len(files))

			cd := c.CardData
			if cd == nil || int(cd.AppletVersion) != int(p.profile/10)<<4|int(p.profile%10) {
				t.Errorf("card data %+v", cd)
			}
			if !bytes.Equal(cd.Raw[:28], vc.CardData()[:28]) {
				t.Error("card data differs from the card's")
			}
			if c.Identity.NationalNumber.Check() != nil || c.Identity.Name == "" || c.Address.Zip == "" {
				t.Errorf("identity %+v, address %+v", c.Identity, c.Address)
			}
			if !c.Certificates.Authentication.Equal(vc.PKI().Auth) || !c.Certificates.RRN.Equal(vc.PKI().RRN) {
				t.Error("certificates differ from the card's PKI")
			}

			in, err := eid.Verify(ctx, card, c, &eid.VerifyOptions{TrustedRoots: []*x509.Certificate{vc.PKI().Root}})
			if err != nil {
				t.Fatal(err)
			}
			if !in.OK() {
				t.Fatal(in.Err())
			}
			for _, ch := range in.Checks() {
				skip := !p.ec && (ch.Name == "basic key" || ch.Name == "internal authenticate")
				if skip != (ch.Status == eid.CheckSkipped) || (!skip && !ch.OK()) {
					t.Errorf("%v", ch)
				}
			}
		})
	}
}

func TestVCardRemovedMidRead(t *testing.T) {
	for _, n := range []int{1, 5, 20} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			vc := newVCard(t, vcard.Applet18)
			vc.RemoveAfter(n)
			c, err := eid.ReadContents(context.Background(), eid.New(vc, nil), nil)
			if err == nil || c != nil {
				t.Fatalf("card pulled after %d APDUs: contents %v, err %v", n, c != nil, err)
			}
			if err == nil || !strings.HasSuffix(err.Error(), "vcard: card removed") {
				t.Errorf("err = %v, want the transport's removal error", err)
			}
		})
	}
}

func TestVCardPINToBlocked(t *testing.T) {
	ctx := context.Background()
	for _, p := range vcardProfiles {
		t.Run(p.name, func(t *testing.T) {
			vc, err := vcard.New(vcard.Options{Profile: p.profile, Seed: []byte(fmt.Sprintf("eid tests %d", p.profile)), PIN: "4321"})
			if err != nil {
				t.Fatal(err)
			}
			card := eid.New(vc, nil)
			if n, err := card.PINTriesLeft(ctx); err != nil || n != 3 {
				t.Fatalf("tries left %d %v", n, err)
			}
			if err := card.VerifyPIN(ctx, []byte("4321")); err != nil {
				t.Fatal(err)
			}
			if err := card.ChangePIN(ctx, []byte("4321"), []byte("56789012")); err != nil {
				t.Fatal(err)
			}
			for left := 2; left >= 0; left-- {
				err := card.VerifyPIN(ctx, []byte("4321"))
				var pe *eid.PINError
				if !errors.As(err, &pe) || pe.TriesLeft != left {
					t.Fatalf("wrong PIN: %v, want %d tries left", err, left)
				}
				if vc.PINTriesLeft() != left {
					t.Errorf("card has %d tries left, we said %d", vc.PINTriesLeft(), left)
				}
				n, err := card.PINTriesLeft(ctx)
				if err != nil || n != left {
					t.Errorf("PINTriesLeft = %d %v, want %d", n, err, left)
				}
			}
			st, err := card.PINStatus(ctx)
			if err != nil || !st.Blocked() {
				t.Errorf("status %+v %v", st, err)
			}
			if err := card.VerifyPIN(ctx, []byte("56789012")); !pinBlocked(err) {
				t.Errorf("right PIN on a blocked card: %v", err)
			}
			key, _ := card.PrivateKey(ctx, eid.SigningKey, eid.KeyAuth{
				PINPrompt: func(context.Context, eid.KeyRole) ([]byte, error) { return []byte("56789012"), nil },
			})
			h := sha256.Sum256([]byte("x"))
			if _, err := key.SignContext(ctx, h[:], crypto.SHA256); !pinBlocked(err) {
				t.Errorf("signing with a blocked PIN: %v", err)
			}
		})
	}
}

func TestVCardSigningAndTLS(t *testing.T) {
	ctx := context.Background()
	for _, p := range vcardProfiles {
		t.Run(p.name, func(t *testing.T) {
			vc := newVCard(t, p.profile)
			card := eid.New(vc, nil)
			prompts := 0
			auth := eid.KeyAuth{PINPrompt: func(context.Context, eid.KeyRole) ([]byte, error) {
				prompts++
				return []byte(vcard.DefaultPIN), nil
			}}
			h, d := crypto.SHA256, sha256.Sum256([]byte("signed by the card"))
			digest := d[:]
			if p.ec {
				d384 := sha512.Sum384([]byte("signed by the card"))
				h, digest = crypto.SHA384, d384[:]
			}
			for _, role := range []eid.KeyRole{eid.AuthenticationKey, eid.SigningKey} {
				key, err := card.PrivateKey(ctx, role, auth)
				if err != nil {
					t.Fatal(err)
				}
				sig, err := key.SignContext(ctx, digest, h)
				if err != nil {
					t.Fatalf("%v: %v", role, err)
				}
				verifySig(t, key.Public(), digest, sig, h)
			}
			if prompts != 2 {
				t.Errorf("%d PIN prompts, want 2 (one per key)", prompts)
			}

			key, err := card.PrivateKey(ctx, eid.AuthenticationKey, auth)
			if err != nil {
				t.Fatal(err)
			}
			pool := x509.NewCertPool()
			pool.AddCert(vc.PKI().CA)
			srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				fmt.Fprint(w, r.TLS.PeerCertificates[0].Subject.SerialNumber)
			}))
			srv.TLS = &tls.Config{ClientAuth: tls.RequireAndVerifyClientCert, ClientCAs: pool}
			srv.StartTLS()
			defer srv.Close()
			client := srv.Client()
			client.Transport.(*http.Transport).TLSClientConfig.Certificates = []tls.Certificate{key.TLSCertificate(vc.PKI().CA)}
			resp, err := client.Get(srv.URL)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			body, _ := io.ReadAll(resp.Body)
			if string(body) != vc.PKI().Auth.Subject.SerialNumber || len(body) == 0 {
				t.Errorf("server saw %q, want the holder's %q", body, vc.PKI().Auth.Subject.SerialNumber)
			}
		})
	}
}

// TestVCardServesSpecimenDump: the virtual card serves the specimen dump;
// reading it through APDUs gives what reading the dump gives.
func TestVCardServesSpecimenDump(t *testing.T) {
	ctx := context.Background()
	dir := specimenDump(t)
	vc, err := vcard.FromDump(dir)
	if err != nil {
		t.Fatal(err)
	}
	d, err := eid.OpenDump(dir)
	if err != nil {
		t.Fatal(err)
	}
	fromDump, err := eid.ReadContents(ctx, d, nil)
	if err != nil {
		t.Fatal(err)
	}
	card := eid.New(vc, nil)
	fromCard, err := eid.ReadContents(ctx, card, nil)
	if err != nil {
		t.Fatal(err)
	}
	if fromCard.Identity.NationalNumber != fromDump.Identity.NationalNumber ||
		!bytes.Equal(fromCard.Photo, fromDump.Photo) || !bytes.Equal(fromCard.Identity.Raw, fromDump.Identity.Raw) {
		t.Error("card and dump read differently")
	}
	in, err := eid.Verify(ctx, card, fromCard, nil)
	if err != nil || !in.OK() || !in.IdentitySignature.OK() {
		t.Errorf("specimen through the virtual card: %v %v", err, in.Err())
	}
}

// BenchmarkFullRead reads card data, identity, address, photo and the five
// certificates (and the basic key on 1.8) from a fresh session on the
// virtual card in process; apdus/op is the number of command APDUs.
func BenchmarkFullRead(b *testing.B) {
	for _, p := range vcardProfiles {
		b.Run(p.name, func(b *testing.B) {
			vc := newVCard(b, p.profile)
			b.ReportAllocs()
			apdus := 0
			for b.Loop() {
				card := eid.New(vc, nil)
				if _, err := eid.ReadContents(context.Background(), card, nil); err != nil {
					b.Fatal(err)
				}
				apdus = card.APDUCount()
			}
			b.ReportMetric(float64(apdus), "apdus/op")
		})
	}
}

// TestVCardHolderFields reads a virtual foreigner card whose identity file
// uses the optional v5 tags, a German birth date and a national number of
// someone born after 2000, as the virtual card writes them.
func TestVCardHolderFields(t *testing.T) {
	ctx := context.Background()
	nn := vcard.NationalNumber(time.Date(2003, 3, 14, 0, 0, 0, 0, time.UTC), 17)
	vc, err := vcard.New(vcard.Options{Profile: vcard.Applet18, Seed: []byte("eid holder"), NoSignCert: true, Holder: vcard.Holder{
		NationalNumber: nn, BirthDate: "14.MÄR.2003", Sex: "W", DocumentType: "32", SpecialStatus: "4",
		MemberOfFamily: true, DateCountryProtect: "01.02.2022-UA", WorkPermit: "8", EURegistrationDate: "15.06.2021",
		Mention1D: "D", Nationality: "Deutsch",
	}})
	if err != nil {
		t.Fatal(err)
	}
	ct := &countingTransport{t: vc}
	card := eid.New(ct, nil)
	c, err := eid.ReadContents(ctx, card, nil)
	if err != nil {
		t.Fatal(err)
	}
	id := c.Identity
	got := []string{id.NationalNumber.String(), id.BirthDate.String(), string(id.Sex), id.DocumentType.String(),
		id.SpecialStatus.String(), id.ProtectionDate.String(), id.ProtectionCountry, id.WorkPermit,
		id.EURegistrationDate.String(), id.Mention1D, id.Nationality}
	want := []string{nn, "2003-03-14", "F", "EU+ card", "yellow cane", "2022-02-01", "UA", "8", "2021-06-15", "D", "Deutsch"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("got  %q\nwant %q", got, want)
	}
	if !id.MemberOfFamily || !id.NationalNumber.BornFrom2000() {
		t.Errorf("member of family %v, born from 2000 %v", id.MemberOfFamily, id.NationalNumber.BornFrom2000())
	}
	// No signing certificate: file 5039 holds zeros, read with one READ
	// BINARY, and the signing key has no certificate.
	if c.Certificates.Signing != nil || len(c.Raw[eid.FileSigningCert]) != 0 {
		t.Errorf("signing certificate %v", c.Certificates.Signing)
	}
	if _, err := card.PrivateKey(ctx, eid.SigningKey, eid.KeyAuth{}); !errors.Is(err, eid.ErrFileNotFound) {
		t.Errorf("signing key without certificate: %v", err)
	}
	in, err := eid.Verify(ctx, card, c, &eid.VerifyOptions{TrustedRoots: []*x509.Certificate{vc.PKI().Root}})
	if err != nil || !in.OK() {
		t.Errorf("verify: %v %v", err, in.Err())
	}
}
