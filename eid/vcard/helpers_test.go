package vcard_test

import (
	"context"
	"encoding/hex"
	"strings"
	"sync"
	"testing"

	"github.com/csam-go/csam/eid/vcard"
	"github.com/csam-go/csam/internal/pinblock"
)

var (
	cardsMu sync.Mutex
)

// newCard returns a fresh deterministic card of the profile (the content
// is generated once per process).
func newCard(t testing.TB, p vcard.Profile) *vcard.Card {
	t.Helper()
	cardsMu.Lock()
	defer cardsMu.Unlock()
	c, err := vcard.New(vcard.Options{Profile: p, Seed: []byte("vcard unit tests")})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func unhex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
	if err != nil {
		t.Fatalf("bad hex %q: %v", s, err)
	}
	return b
}

// tx sends an APDU given in hex and returns the data and the status word.
func tx(t testing.TB, c *vcard.Card, apdu string) ([]byte, uint16) {
	t.Helper()
	return txb(t, c, unhex(t, apdu))
}

func txb(t testing.TB, c *vcard.Card, apdu []byte) ([]byte, uint16) {
	t.Helper()
	r, err := c.Transmit(context.Background(), apdu)
	if err != nil {
		t.Fatalf("transmit % X: %v", apdu, err)
	}
	if len(r) < 2 {
		t.Fatalf("transmit % X: response %d bytes", apdu, len(r))
	}
	n := len(r) - 2
	return r[:n], uint16(r[n])<<8 | uint16(r[n+1])
}

// mustSW sends an APDU and fails unless the status word is want.
func mustSW(t testing.TB, c *vcard.Card, apdu string, want uint16) []byte {
	t.Helper()
	d, sw := tx(t, c, apdu)
	if sw != want {
		t.Fatalf("%s: SW %04X, want %04X", apdu, sw, want)
	}
	return d
}

// readFile selects a file by absolute path and reads it whole, in chunks of
// 0xF0 bytes, following 6Cxx.
func readFile(t testing.TB, c *vcard.Card, path string) []byte {
	t.Helper()
	p := unhex(t, path)
	mustSW(t, c, "00A4080C"+hex.EncodeToString([]byte{byte(len(p))})+path, 0x9000)
	var out []byte
	for {
		off := len(out)
		apdu := []byte{0x00, 0xB0, byte(off >> 8), byte(off), 0xF0}
		d, sw := txb(t, c, apdu)
		switch {
		case sw == 0x9000:
			out = append(out, d...)
			continue
		case sw>>8 == 0x6C:
			apdu[4] = byte(sw)
			d, sw = txb(t, c, apdu)
			if sw != 0x9000 {
				t.Fatalf("read after 6C: %04X", sw)
			}
			return append(out, d...)
		case sw == 0x6B00:
			return out
		}
		t.Fatalf("read binary at %d: SW %04X", off, sw)
	}
}

func pinBlock(t testing.TB, pin string) string {
	t.Helper()
	var b [8]byte
	if !pinblock.Encode(&b, []byte(pin)) {
		t.Fatalf("PIN %q is not 4 to 12 digits", pin)
	}
	return hex.EncodeToString(b[:])
}
