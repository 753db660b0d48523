package vcard_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/rsa"
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

// TestRekeyed17 reads a re-keyed applet 1.7 card with package eid: RSA card
// keys, SHA-256 photo hash, but an EC RRN certificate and ECDSA SHA-384
// identity and address signatures. The reader must pick the algorithm from
// the RRN certificate's key, not from the applet version.
func TestRekeyed17(t *testing.T) {
	ctx := context.Background()
	vc, err := vcard.New(vcard.Options{Profile: vcard.Applet17, Seed: []byte("vcard unit tests"), Rekeyed: true})
	if err != nil {
		t.Fatal(err)
	}
	k := vc.PKI()
	if _, ok := k.RRN.PublicKey.(*ecdsa.PublicKey); !ok {
		t.Fatalf("RRN key %T, want EC", k.RRN.PublicKey)
	}
	if _, ok := k.Auth.PublicKey.(*rsa.PublicKey); !ok || k.Auth.SignatureAlgorithm != x509.ECDSAWithSHA384 {
		t.Fatalf("auth certificate: %T signed with %v", k.Auth.PublicKey, k.Auth.SignatureAlgorithm)
	}
	card := eid.New(vc, nil)
	c, err := eid.ReadContents(ctx, card, nil)
	if err != nil {
		t.Fatal(err)
	}
	in, err := eid.Verify(ctx, card, c, &eid.VerifyOptions{TrustedRoots: []*x509.Certificate{k.Root}})
	if err != nil {
		t.Fatal(err)
	}
	for _, ch := range in.Checks() {
		t.Logf("%v", ch)
	}
	for _, ch := range []eid.Check{in.Photo, in.IdentitySignature, in.AddressSignature, in.RRNCertificate, in.Root} {
		if !ch.OK() {
			t.Errorf("%v", ch)
		}
	}
	if len(c.Identity.PhotoHash) != 32 {
		t.Errorf("photo hash of %d bytes, want SHA-256", len(c.Identity.PhotoHash))
	}
}
