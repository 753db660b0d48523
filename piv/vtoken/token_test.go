package vtoken

import (
	"bytes"
	"context"
	"crypto/x509"
	"testing"
)

func tx(t *testing.T, tok *Token, apdu []byte) ([]byte, uint16) {
	t.Helper()
	r, err := tok.Transmit(context.Background(), apdu)
	if err != nil || len(r) < 2 {
		t.Fatalf("transmit %x: %x %v", apdu, r, err)
	}
	return r[:len(r)-2], uint16(r[len(r)-2])<<8 | uint16(r[len(r)-1])
}

func TestAPDUForms(t *testing.T) {
	tok, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, sw := tx(t, tok, []byte{0x00, 0xfd, 0x00, 0x00}); sw != 0x6d00 {
		t.Errorf("before SELECT: %04x", sw)
	}
	if _, sw := tx(t, tok, []byte{0x00, 0xa4, 0x04, 0x00, 0x05, 0xa0, 0x00, 0x00, 0x03, 0x09}); sw != 0x6a82 {
		t.Errorf("SELECT of another AID: %04x", sw)
	}
	if _, sw := tx(t, tok, []byte{0x00, 0xa4, 0x04, 0x00, 0x05, 0xa0, 0x00, 0x00, 0x03, 0x08, 0x00}); sw != 0x9000 {
		t.Fatalf("SELECT: %04x", sw)
	}
	getCert := []byte{0x5c, 0x03, 0x5f, 0xc1, 0x05}
	// Short APDU: 256 bytes then 61xx and GET RESPONSE.
	first, sw := tx(t, tok, append([]byte{0x00, 0xcb, 0x3f, 0xff, 0x05}, getCert...))
	var all []byte
	all = append(all, first...)
	for sw>>8 == 0x61 {
		if len(first) != 256 {
			t.Fatalf("chunk of %d bytes before %04x", len(first), sw)
		}
		first, sw = tx(t, tok, []byte{0x00, 0xc0, 0x00, 0x00, 0x00})
		all = append(all, first...)
	}
	if sw != 0x9000 {
		t.Fatalf("GET DATA: %04x", sw)
	}
	// Extended APDU: all at once, the same object.
	ext, sw := tx(t, tok, append(append([]byte{0x00, 0xcb, 0x3f, 0xff, 0x00, 0x00, 0x05}, getCert...), 0x00, 0x00))
	if sw != 0x9000 || !bytes.Equal(ext, all) {
		t.Fatalf("extended GET DATA: %04x, %d bytes vs %d", sw, len(ext), len(all))
	}
	ts, err := parseTLVs(all)
	if err != nil || len(ts) != 1 || ts[0].tag != 0x53 {
		t.Fatalf("object %x: %v", all, err)
	}
	inner, _ := parseTLVs(ts[0].value)
	der, _ := find(inner, 0x70)
	if c, err := x509.ParseCertificate(der); err != nil || !bytes.Equal(c.Raw, tok.SlotCertificate(0x9a).Raw) {
		t.Fatalf("certificate: %v", err)
	}
	// PUT DATA without management key, RESET while the PIN works.
	if _, sw := tx(t, tok, []byte{0x00, 0xdb, 0x3f, 0xff, 0x07, 0x5c, 0x03, 0x5f, 0xc1, 0x0a, 0x53, 0x00}); sw != 0x6982 {
		t.Errorf("PUT DATA unauthenticated: %04x", sw)
	}
	if _, sw := tx(t, tok, []byte{0x00, 0xfb, 0x00, 0x00}); sw != 0x6985 {
		t.Errorf("RESET with PIN and PUK unblocked: %04x", sw)
	}
	// Chained VERIFY: the PIN in two pieces.
	if _, sw := tx(t, tok, []byte{0x10, 0x20, 0x00, 0x80, 0x04, '1', '2', '3', '4'}); sw != 0x9000 {
		t.Fatalf("chained part: %04x", sw)
	}
	if _, sw := tx(t, tok, []byte{0x00, 0x20, 0x00, 0x80, 0x04, '5', '6', 0xff, 0xff}); sw != 0x9000 {
		t.Fatalf("chained VERIFY: %04x", sw)
	}
	// Wrong PIN and PUK to blocked, then RESET works.
	for i := 0; i < 3; i++ {
		tx(t, tok, []byte{0x00, 0x20, 0x00, 0x80, 0x08, '0', '0', '0', '0', '0', '0', 0xff, 0xff})
		tx(t, tok, append([]byte{0x00, 0x24, 0x00, 0x81, 0x10}, bytes.Repeat([]byte{'0'}, 16)...))
	}
	if _, sw := tx(t, tok, []byte{0x00, 0x20, 0x00, 0x80, 0x00}); sw != 0x6983 {
		t.Errorf("PIN status after three wrong PINs: %04x", sw)
	}
	if _, sw := tx(t, tok, []byte{0x00, 0xfb, 0x00, 0x00}); sw != 0x9000 {
		t.Fatalf("RESET: %04x", sw)
	}
	if tok.SlotCertificate(0x9a) != nil || tok.PINTriesLeft() != 3 {
		t.Error("RESET left the slot 9a certificate or the PIN counter")
	}
}
