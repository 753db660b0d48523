package eid_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/csam-go/csam/eid"
	"github.com/csam-go/csam/internal/testenv"
)

// seedFiles adds the real specimen TLV files the repository carries to a
// fuzz corpus.
func seedFiles(f *testing.F, names ...string) {
	dir := testenv.RealData(f, "eid-specimen", "tlv")
	for _, n := range names {
		if b, err := os.ReadFile(filepath.Join(dir, n)); err == nil {
			f.Add(b)
		}
	}
}

func FuzzParseTLV(f *testing.F) {
	f.Add([]byte{0x01, 0x02, 'a', 'b', 0x00, 0x00})
	f.Add([]byte{0x05, 0xFF, 0x01, 'x'})
	f.Add([]byte{0x00, 0x02, 0x00, 0x05, 0x01, 0xFF})
	seedFiles(f, "test-identity.tlv", "test-address.tlv")
	f.Fuzz(func(t *testing.T, b []byte) {
		fields, err := eid.ParseTLV(b)
		if err != nil {
			if !errors.Is(err, eid.ErrMalformed) {
				t.Fatalf("error %v does not match ErrMalformed", err)
			}
			return
		}
		// Re-encoding gives back the file up to its zero padding.
		var enc []byte
		total := 0
		for _, fl := range fields {
			enc = eid.AppendTLV(enc, fl.Tag, fl.Value)
			total += len(fl.Value)
		}
		if total > len(b) {
			t.Fatalf("values of %d bytes from %d", total, len(b))
		}
		again, err := eid.ParseTLV(enc)
		if err != nil || len(again) > len(fields) {
			t.Fatalf("re-parse: %v", err)
		}
	})
}

func FuzzParseIdentity(f *testing.F) {
	f.Add(identityFile(eid.TLV{Tag: 0x06, Value: []byte("71715100070")}, eid.TLV{Tag: 0x0C, Value: []byte("01.MÄR.1971")}))
	f.Add(identityFile(eid.TLV{Tag: 0x0C, Value: []byte("1971")}, eid.TLV{Tag: 0x15, Value: []byte("03.04.2022-UA")}))
	seedFiles(f, "test-identity.tlv", "id-alice.tlv", "white-cane.tlv", "test-address.tlv", "address-alice.tlv")
	f.Fuzz(func(t *testing.T, b []byte) {
		id, err := eid.ParseIdentity(b)
		if err != nil {
			if !errors.Is(err, eid.ErrMalformed) {
				t.Fatalf("error %v does not match ErrMalformed", err)
			}
		} else {
			if id.NationalNumber != "" && id.NationalNumber.Check() != nil {
				t.Fatalf("accepted a bad national number %q", id.NationalNumber)
			}
			if !bytes.Equal(id.Raw, b) {
				t.Fatal("raw not kept")
			}
			_ = id.BirthDate.String()
		}
		if _, err := eid.ParseAddress(b); err != nil && !errors.Is(err, eid.ErrMalformed) {
			t.Fatalf("address error %v does not match ErrMalformed", err)
		}
	})
}

func FuzzParseCardData(f *testing.F) {
	f.Add(make([]byte, 28))
	f.Add(bytes.Repeat([]byte{0x18}, 31))
	f.Add([]byte{1, 2, 3})
	f.Fuzz(func(t *testing.T, b []byte) {
		cd, err := eid.ParseCardData(b)
		if err != nil {
			if len(b) >= 28 || !errors.Is(err, eid.ErrMalformed) {
				t.Fatalf("%d bytes: %v", len(b), err)
			}
			return
		}
		if len(cd.SerialString()) != 32 || !bytes.Equal(cd.Raw, b) {
			t.Fatalf("serial %q", cd.SerialString())
		}
		_ = cd.AppletVersionString()
	})
}

// fuzzCard answers every APDU from a script taken from the fuzz input: a
// length byte and that many response bytes, in turn.
type fuzzCard struct{ script []byte }

func (c *fuzzCard) Transmit(_ context.Context, _ []byte) ([]byte, error) {
	if len(c.script) == 0 {
		return nil, errors.New("script over")
	}
	n := min(int(c.script[0]), len(c.script)-1)
	r := c.script[1 : 1+n]
	c.script = c.script[1+n:]
	return r, nil
}

// FuzzResponses drives the APDU layer (T=0 handling, SELECT fallbacks,
// READ BINARY, status words) with arbitrary card answers: it must end, and
// never panic.
func FuzzResponses(f *testing.F) {
	f.Add([]byte{2, 0x90, 0x00, 4, 'a', 'b', 0x90, 0x00})
	f.Add([]byte{2, 0x6A, 0x82, 2, 0x6A, 0x86, 2, 0x90, 0x00, 2, 0x6C, 0x05, 7, 1, 2, 3, 4, 5, 0x90, 0x00})
	f.Add([]byte{2, 0x90, 0x00, 2, 0x61, 0x10, 3, 1, 0x61, 0x01, 0})
	f.Add([]byte{2, 0x90, 0x00, 6, 0x30, 0x82, 0x01, 0x00, 0x90, 0x00})
	f.Fuzz(func(t *testing.T, script []byte) {
		ctx := context.Background()
		card := eid.New(&fuzzCard{script: script}, nil)
		b, err := card.ReadFile(ctx, eid.FileRRNCert)
		if err == nil && len(b) > 0x8000 {
			t.Fatalf("file of %d bytes", len(b))
		}
		card = eid.New(&fuzzCard{script: script}, nil)
		_, _ = card.CardData(ctx)
		_, _ = card.PINStatus(ctx)
		_ = card.VerifyPIN(ctx, []byte("1234"))
		_, _ = eid.ReadContents(ctx, eid.New(&fuzzCard{script: script}, nil), nil)
	})
}
