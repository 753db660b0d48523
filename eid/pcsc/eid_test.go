package pcsc_test

// Full reads with package eid through pcscd, vpcd and this transport.

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/csam-go/csam/eid"
	"github.com/csam-go/csam/eid/pcsc"
	"github.com/csam-go/csam/eid/vcard"
	"github.com/csam-go/csam/internal/testenv"
	"github.com/csam-go/csam/internal/vpcdtest"
)

// The PC/SC card is an eid.Transport.
var _ eid.Transport = (*pcsc.Card)(nil)

func TestEIDFullRead(t *testing.T) {
	pc := vpcdtest.Establish(t)
	for _, p := range []vcard.Profile{vcard.Applet17, vcard.Applet18} {
		t.Run(p.String(), func(t *testing.T) {
			vc := newCard(t, p)
			attach(t, pc, vc, vpcdAddr, readerName, vcard.VPCDOptions{})
			tr := connect(t, pc, readerName)
			ctx := context.Background()
			rec := vcard.Record(tr)
			card := eid.New(rec, nil)
			start := time.Now()
			c, err := eid.ReadContents(ctx, card, nil)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("full read with eid: %d APDUs in %v", rec.Len(), time.Since(start))
			if c.CardData == nil || c.Identity == nil || c.Address == nil || len(c.Photo) == 0 {
				t.Fatalf("incomplete contents: %+v", c)
			}
			if !bytes.Equal(c.Photo, vc.File(uint16(eid.FilePhoto))) {
				t.Error("photo differs from the card's")
			}
			k := vc.PKI()
			for name, pair := range map[string][2][]byte{
				"auth": {certRaw(c.Certificates.Authentication), k.Auth.Raw},
				"sign": {certRaw(c.Certificates.Signing), k.Sign.Raw},
				"ca":   {certRaw(c.Certificates.CA), k.CA.Raw},
				"root": {certRaw(c.Certificates.Root), k.Root.Raw},
				"rrn":  {certRaw(c.Certificates.RRN), k.RRN.Raw},
			} {
				if !bytes.Equal(pair[0], pair[1]) {
					t.Errorf("%s certificate differs", name)
				}
			}
			in, err := eid.Verify(ctx, card, c, &eid.VerifyOptions{TrustedRoots: []*x509.Certificate{k.Root}})
			if err != nil {
				t.Fatal(err)
			}
			for _, ch := range in.Checks() {
				t.Logf("%v", ch)
			}
			if !in.OK() {
				t.Fatalf("integrity: %v", in.Err())
			}
			if p == vcard.Applet18 && !in.InternalAuthenticate.OK() {
				t.Error("INTERNAL AUTHENTICATE not checked on applet 1.8")
			}
		})
	}
}

func TestEIDRemovedMidRead(t *testing.T) {
	pc := vpcdtest.Establish(t)
	vc := newCard(t, vcard.Applet17)
	attach(t, pc, vc, vpcdAddr, readerName, vcard.VPCDOptions{})
	tr := connect(t, pc, readerName)
	vc.RemoveAfter(20) // in the middle of the photo or a certificate
	c, err := eid.ReadContents(context.Background(), eid.New(tr, nil), nil)
	if err == nil {
		t.Fatal("read of a card pulled out mid-read succeeded")
	}
	if c != nil {
		t.Error("contents returned with the error")
	}
	if !errors.Is(err, pcsc.ErrCardRemoved) {
		t.Errorf("error %v: want it to wrap ErrCardRemoved", err)
	}
}

func TestEIDPIN(t *testing.T) {
	pc := vpcdtest.Establish(t)
	vc := newCard(t, vcard.Applet17)
	attach(t, pc, vc, vpcdAddr, readerName, vcard.VPCDOptions{})
	tr := connect(t, pc, readerName)
	ctx := context.Background()
	card := eid.New(tr, nil)

	// Sign with the authentication key through pcscd, PIN asked once.
	asked := 0
	key, err := card.PrivateKey(ctx, eid.AuthenticationKey, eid.KeyAuth{PINPrompt: func(context.Context, eid.KeyRole) ([]byte, error) {
		asked++
		return []byte("1234"), nil
	}})
	if err != nil {
		t.Fatal(err)
	}
	h := sha256.Sum256([]byte("signed through pcscd"))
	sig, err := key.SignContext(ctx, h[:], crypto.SHA256)
	if err != nil {
		t.Fatal(err)
	}
	if err := rsa.VerifyPKCS1v15(vc.PKI().Auth.PublicKey.(*rsa.PublicKey), crypto.SHA256, h[:], sig); err != nil {
		t.Fatalf("signature: %v", err)
	}
	if asked != 1 {
		t.Errorf("PIN asked %d times", asked)
	}
	if err := card.LogOff(ctx); err != nil {
		t.Fatal(err)
	}

	// A wrong PIN down to blocked.
	for _, left := range []int{2, 1, 0} {
		err := card.VerifyPIN(ctx, []byte("9999"))
		var pe *eid.PINError
		if !errors.As(err, &pe) || pe.TriesLeft != left {
			t.Fatalf("wrong PIN: %v, want %d tries left", err, left)
		}
	}
	if err, pe := card.VerifyPIN(ctx, []byte("1234")), (*eid.PINError)(nil); !errors.As(err, &pe) || !pe.Blocked() {
		t.Fatalf("right PIN on a blocked card: %v", err)
	}
	if n, err := card.PINTriesLeft(ctx); err != nil || n != 0 || vc.PINTriesLeft() != 0 {
		t.Fatalf("tries left %d, %v", n, err)
	}
}

func TestEIDSignEC(t *testing.T) {
	pc := vpcdtest.Establish(t)
	vc := newCard(t, vcard.Applet18)
	attach(t, pc, vc, vpcdAddr, readerName, vcard.VPCDOptions{})
	tr := connect(t, pc, readerName)
	ctx := context.Background()
	card := eid.New(tr, nil)
	key, err := card.PrivateKey(ctx, eid.SigningKey, eid.KeyAuth{PINPrompt: func(context.Context, eid.KeyRole) ([]byte, error) {
		return []byte("1234"), nil
	}})
	if err != nil {
		t.Fatal(err)
	}
	h := sha256.Sum256([]byte("qualified signature through pcscd"))
	for range 2 { // VERIFY before each signature with the signing key
		sig, err := key.SignContext(ctx, h[:], crypto.SHA256)
		if err != nil {
			t.Fatal(err)
		}
		if !ecdsa.VerifyASN1(vc.PKI().Sign.PublicKey.(*ecdsa.PublicKey), h[:], sig) {
			t.Fatal("ECDSA signature does not verify")
		}
	}
}

func certRaw(c *x509.Certificate) []byte {
	if c == nil {
		return nil
	}
	return c.Raw
}

// TestEIDSpecimenDump serves the real specimen card (Alice, applet 1.1,
// RSA-1024 and SHA-1), mapped at run time to a dump folder, through pcscd:
// package eid reads it and its signatures verify.
func TestEIDSpecimenDump(t *testing.T) {
	pc := vpcdtest.Establish(t)
	src := testenv.RealData(t, "eid-specimen", "alice")
	dir := t.TempDir()
	for from, to := range map[string]string{
		"Alice_Identity.tlv": "4031", "Alice_IdentitySignature.tlv": "4032", "Alice_Address.tlv": "4033",
		"Alice_AddressSignature.tlv": "4034", "Alice_Photo.tlv": "4035", "Alice_AuthentificationCertificate.tlv": "5038",
		"Alice_SigningCertificate.tlv": "5039", "Alice_CACertificate.tlv": "503A", "Alice_RootCertificate.tlv": "503B",
		"Alice_RRNCertificate.tlv": "503C", "Alice_ATR.bin": "atr",
	} {
		b, err := os.ReadFile(filepath.Join(src, from))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, to), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	vc, err := vcard.FromDump(dir)
	if err != nil {
		t.Fatal(err)
	}
	attach(t, pc, vc, vpcdAddr, readerName, vcard.VPCDOptions{})
	tr := connect(t, pc, readerName)
	atr, _ := os.ReadFile(filepath.Join(src, "Alice_ATR.bin"))
	if !bytes.Equal(tr.ATR(), atr) {
		t.Errorf("ATR % X, want Alice's % X", tr.ATR(), atr)
	}
	ctx := context.Background()
	card := eid.New(tr, nil)
	c, err := eid.ReadContents(ctx, card, nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.Identity.Name != "SPECIMEN" {
		t.Errorf("name %q", c.Identity.Name)
	}
	in, err := eid.Verify(ctx, card, c, &eid.VerifyOptions{TrustedRoots: []*x509.Certificate{c.Certificates.Root}})
	if err != nil {
		t.Fatal(err)
	}
	for _, ch := range []eid.Check{in.Photo, in.IdentitySignature, in.AddressSignature, in.RRNCertificate} {
		if !ch.OK() {
			t.Errorf("%v", ch)
		}
	}
}
