package vcard_test

import (
	"context"
	"crypto/x509"
	"testing"

	"github.com/csam-go/csam/eid"
	"github.com/csam-go/csam/eid/vcard"
)

// TestCopiedCard writes a virtual card's files with eid.WriteDump and
// serves them again with FromDump: package eid reads the same contents, the
// signatures still verify, but INTERNAL AUTHENTICATE unmasks the copy (it
// has the files, not the card's basic private key).
func TestCopiedCard(t *testing.T) {
	ctx := context.Background()
	orig := newCard(t, vcard.Applet18)
	dir := t.TempDir()
	if err := eid.WriteDump(ctx, eid.New(orig, nil), dir); err != nil {
		t.Fatal(err)
	}
	cp, err := vcard.FromDump(dir)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := cp.CardData(), orig.CardData(); string(got) != string(want) {
		t.Errorf("card data % X, want % X", got, want)
	}
	roots := &eid.VerifyOptions{TrustedRoots: []*x509.Certificate{orig.PKI().Root}}
	for _, tc := range []struct {
		name     string
		card     *vcard.Card
		genuine  bool
		wantName string
	}{{"original", orig, true, "Specimen"}, {"copy", cp, false, "Specimen"}} {
		t.Run(tc.name, func(t *testing.T) {
			card := eid.New(tc.card, nil)
			c, err := eid.ReadContents(ctx, card, nil)
			if err != nil {
				t.Fatal(err)
			}
			if c.Identity.Name != tc.wantName || c.CardData == nil || c.CardData.AppletVersion == 0 {
				t.Fatalf("contents: %+v %+v", c.Identity, c.CardData)
			}
			in, err := eid.Verify(ctx, card, c, roots)
			if err != nil {
				t.Fatal(err)
			}
			for _, ch := range []eid.Check{in.Photo, in.IdentitySignature, in.AddressSignature, in.BasicKey, in.RRNCertificate, in.Root} {
				if !ch.OK() {
					t.Errorf("%v", ch)
				}
			}
			if in.InternalAuthenticate.OK() != tc.genuine {
				t.Errorf("internal authenticate: %v, want passed=%v", in.InternalAuthenticate, tc.genuine)
			}
		})
	}
}
