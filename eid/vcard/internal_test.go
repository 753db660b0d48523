package vcard

import (
	"bytes"
	"testing"
	"time"
)

// TestDeterministicBuild generates the same card twice, bypassing the
// per-process cache: every file must come out identical.
func TestDeterministicBuild(t *testing.T) {
	for _, p := range []Profile{Applet18} {
		t.Run(p.String(), func(t *testing.T) {
			o := Options{Profile: p, Issued: time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC), PIN: DefaultPIN}
			a, err := build(o, []byte("seed"))
			if err != nil {
				t.Fatal(err)
			}
			b, err := build(o, []byte("seed"))
			if err != nil {
				t.Fatal(err)
			}
			if len(a.files) != len(b.files) {
				t.Fatal("different file sets")
			}
			for id, f := range a.files {
				if !bytes.Equal(f, b.files[id]) {
					t.Errorf("file %04X differs between two builds with the same seed", id)
				}
			}
			if !bytes.Equal(a.cardData, b.cardData) {
				t.Error("card data differs")
			}
		})
	}
}

func TestTLVLength(t *testing.T) {
	for _, tc := range []struct {
		n    int
		want []byte
	}{{0, []byte{0}}, {254, []byte{254}}, {255, []byte{0xFF, 0}}, {300, []byte{0xFF, 45}}, {510, []byte{0xFF, 0xFF, 0}}} {
		got := tlvAppend(nil, 0x07, make([]byte, tc.n))
		if !bytes.Equal(got[1:1+len(tc.want)], tc.want) || len(got) != 1+len(tc.want)+tc.n {
			t.Errorf("length %d encoded as % X", tc.n, got[1:1+len(tc.want)])
		}
	}
}

// TestDeterministicRSA checks the RSA key derivation of the applet 1.7
// profile (the whole 1.7 card is too slow to build twice under -race).
func TestDeterministicRSA(t *testing.T) {
	a, err := rsaKey(drbg([]byte("seed"), "k"), 1024)
	if err != nil {
		t.Fatal(err)
	}
	b, err := rsaKey(drbg([]byte("seed"), "k"), 1024)
	if err != nil {
		t.Fatal(err)
	}
	c, err := rsaKey(drbg([]byte("seed"), "other"), 1024)
	if err != nil {
		t.Fatal(err)
	}
	if !a.Equal(b) || a.Equal(c) || a.N.BitLen() != 1024 {
		t.Fatal("RSA key derivation is not a function of the seed")
	}
	if err := a.Validate(); err != nil {
		t.Fatal(err)
	}
}
