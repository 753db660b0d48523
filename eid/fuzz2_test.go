package eid_test

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/asn1"
	"errors"
	"math/big"
	"sync"
	"testing"

	"github.com/csam-go/csam/eid"
	"github.com/csam-go/csam/eid/vcard"
)

// memDump is a dump in memory: the files split from a fuzz input, and an
// INTERNAL AUTHENTICATE that answers the input's last part, as a card
// would.
type memDump struct {
	files  map[eid.FileID][]byte
	answer []byte
}

func (d *memDump) ReadFile(ctx context.Context, id eid.FileID) ([]byte, error) {
	if b, ok := d.files[id]; ok {
		return b, nil
	}
	return nil, eid.ErrFileNotFound
}

func (d *memDump) InternalAuthenticate(ctx context.Context, challenge []byte) ([]byte, error) {
	return d.answer, nil
}

var (
	fuzzCardsOnce sync.Once
	fuzzCards     []*vcard.Card
)

func vcards(t testing.TB) []*vcard.Card {
	fuzzCardsOnce.Do(func() {
		for _, p := range vcardProfiles {
			fuzzCards = append(fuzzCards, newVCard(t, p.profile))
		}
	})
	return fuzzCards
}

// FuzzVerifyDump runs ReadContents and Verify on dumps made from a virtual
// card's files (applet 1.7 or 1.8) with some files dropped, one file cut
// short and patched with arbitrary bytes, and an arbitrary INTERNAL
// AUTHENTICATE answer. (The input is the change, not the files: the fuzzer
// crawls on inputs of tens of kilobytes.) No panic; no check passes
// without its input files; INTERNAL AUTHENTICATE never passes with an
// answer that is not the card's, since the fuzzer cannot sign a fresh
// challenge.
func FuzzVerifyDump(f *testing.F) {
	cards := vcards(f)
	f.Add(false, uint16(0), uint8(0), uint16(0), []byte{}, uint16(0), []byte{})
	f.Add(true, uint16(1<<9), uint8(0), uint16(3), []byte{'X'}, uint16(0), make([]byte, 96))
	f.Add(true, uint16(0), uint8(5), uint16(0), []byte{0, 0}, uint16(40), []byte{1})
	f.Fuzz(func(t *testing.T, ec bool, drop uint16, file uint8, off uint16, patch []byte, cut uint16, answer []byte) {
		ctx := context.Background()
		vc := cards[0]
		if ec {
			vc = cards[1]
		}
		d := &memDump{files: map[eid.FileID][]byte{}, answer: answer}
		for i, id := range eid.DumpFiles {
			if b := vc.File(uint16(id)); b != nil && drop&(1<<i) == 0 {
				d.files[id] = b
			}
		}
		target := eid.DumpFiles[int(file)%len(eid.DumpFiles)]
		if b, ok := d.files[target]; ok && len(patch) <= 4096 {
			b = bytes.Clone(b)
			if int(cut) > 0 && int(cut) < len(b) {
				b = b[:cut]
			}
			o := int(off) % (len(b) + 1)
			b = append(b[:o], append(bytes.Clone(patch), b[min(o+len(patch), len(b)):]...)...)
			d.files[target] = b
		}
		c, err := eid.ReadContents(ctx, d, nil)
		if err != nil {
			return
		}
		for _, id := range c.Absent {
			if _, ok := d.files[id]; ok {
				t.Fatalf("file %s present but listed absent", id)
			}
		}
		in, err := eid.Verify(ctx, d, c, nil)
		if err != nil {
			t.Fatal(err)
		}
		need := map[string][]eid.FileID{
			"photo":                 {eid.FilePhoto},
			"identity signature":    {eid.FileIdentitySignature, eid.FileRRNCert},
			"address signature":     {eid.FileAddressSignature, eid.FileRRNCert},
			"basic key":             {eid.FileBasicKey},
			"internal authenticate": {eid.FileBasicKey},
			"RRN certificate":       {eid.FileRRNCert, eid.FileRootCert},
			"certificates":          {eid.FileRootCert, eid.FileCACert, eid.FileAuthCert},
		}
		for _, ch := range in.Checks() {
			if !ch.OK() {
				continue
			}
			for _, id := range need[ch.Name] {
				if len(d.files[id]) == 0 {
					t.Fatalf("%v passed without file %s", ch, id)
				}
			}
			if ch.Name == "internal authenticate" {
				t.Fatalf("INTERNAL AUTHENTICATE passed with the answer %X", d.answer)
			}
		}
	})
}

// FuzzParseCertificateFile: a parsed certificate is the file's DER prefix;
// a file of zeros holds none.
func FuzzParseCertificateFile(f *testing.F) {
	for _, vc := range vcards(f) {
		for _, id := range []uint16{0x5038, 0x503C} {
			f.Add(vc.File(id))
		}
	}
	f.Add(make([]byte, 16))
	f.Add([]byte{0x30, 0x82, 0xFF, 0xFF})
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := eid.ParseCertificateFile(b)
		switch {
		case err != nil:
			if !errors.Is(err, eid.ErrMalformed) {
				t.Fatalf("error %v does not match ErrMalformed", err)
			}
		case c == nil:
			if len(bytes.Trim(b, "\x00")) != 0 {
				t.Fatalf("no certificate in a file that is not all zeros: %X", b)
			}
		case !bytes.HasPrefix(b, c.Raw):
			t.Fatalf("certificate %X is not the prefix of the file", c.Raw)
		}
	})
}

// FuzzParseBasicKey: a parsed key re-encodes to the file's DER prefix.
func FuzzParseBasicKey(f *testing.F) {
	for _, vc := range vcards(f) {
		if b := vc.File(0x4040); b != nil {
			f.Add(b)
		}
	}
	f.Add([]byte{0x30, 0x03, 0x02, 0x01, 0x00})
	f.Fuzz(func(t *testing.T, b []byte) {
		k, err := eid.ParseBasicKey(b)
		if err != nil {
			if !errors.Is(err, eid.ErrMalformed) {
				t.Fatalf("error %v does not match ErrMalformed", err)
			}
			return
		}
		der, err := x509.MarshalPKIXPublicKey(k)
		if err != nil {
			t.Fatalf("parsed key does not re-encode: %v", err)
		}
		if !bytes.HasPrefix(b, der) {
			t.Fatalf("key re-encodes as %X, not a prefix of %X", der, b)
		}
	})
}

// scriptedAfter passes commands to the card until armed, then answers from
// the fuzz script.
type scriptedAfter struct {
	card  vcard.Transmitter
	armed bool
	fuzzCard
}

func (s *scriptedAfter) Transmit(ctx context.Context, apdu []byte) ([]byte, error) {
	if !s.armed {
		return s.card.Transmit(ctx, apdu)
	}
	return s.fuzzCard.Transmit(ctx, apdu)
}

// FuzzSignAnswers gives signing (MSE SET, VERIFY, PSO) and INTERNAL
// AUTHENTICATE arbitrary card answers: no panic; a signature returned
// has the key's size (RSA) or is an ASN.1 pair of integers (ECDSA).
func FuzzSignAnswers(f *testing.F) {
	f.Add([]byte{2, 0x90, 0x00, 2, 0x90, 0x00, 2, 0x90, 0x00}, false)
	f.Add(append([]byte{2, 0x90, 0x00, 98}, append(make([]byte, 96), 0x90, 0x00)...), true)
	f.Add([]byte{2, 0x69, 0x82, 2, 0x90, 0x00, 2, 0x90, 0x00, 4, 1, 2, 0x90, 0x00}, true)
	cards := vcards(f)
	f.Fuzz(func(t *testing.T, script []byte, ec bool) {
		ctx := context.Background()
		vc := cards[0]
		if ec {
			vc = cards[1]
		}
		vc.Reset()
		tr := &scriptedAfter{card: vc, fuzzCard: fuzzCard{script: script}}
		card := eid.New(tr, nil)
		key, err := card.PrivateKey(ctx, eid.AuthenticationKey, eid.KeyAuth{PINPrompt: func(context.Context, eid.KeyRole) ([]byte, error) {
			return []byte("1234"), nil
		}})
		if err != nil {
			t.Fatal(err)
		}
		tr.armed = true
		digest := sha256.Sum256([]byte("fuzz"))
		sig, err := key.SignContext(ctx, digest[:], crypto.SHA256)
		if err == nil {
			switch pub := key.Public().(type) {
			case *ecdsa.PublicKey:
				var rs struct{ R, S *big.Int }
				if rest, err := asn1.Unmarshal(sig, &rs); err != nil || len(rest) != 0 {
					t.Fatalf("ECDSA signature %X is not an ASN.1 pair: %v", sig, err)
				}
			default:
				if len(sig) != (pub.(interface{ Size() int })).Size() {
					t.Fatalf("RSA signature of %d bytes", len(sig))
				}
			}
		}
		// INTERNAL AUTHENTICATE answers: whatever comes back is returned
		// or refused without a panic (FuzzVerifyDump checks that no answer
		// passes the check).
		challenge := sha256.Sum256(script)
		_, _ = card.InternalAuthenticate(ctx, append(challenge[:], challenge[:16]...))
	})
}
