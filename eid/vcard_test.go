package eid_test

// Tests against the module's virtual card (package eid/vcard), in process,
// of what only it does: a card pulled out mid-read, a dump served by the
// virtual card, holder fields. The card tests of card_test.go run on it
// too.

import (
	"bytes"
	"context"
	"crypto/x509"
	"errors"
	"fmt"
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
	ct := vcard.Record(vc)
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
