package crl_test

import (
	"crypto/x509"
	"math/big"
	"testing"

	"github.com/csam-go/csam/x509check/crl"
)

// TestLookupSerialForms checks Lookup's conversion of *big.Int serials to
// DER content octets at byte and machine-word boundaries and for negative
// serials (which old CAs produced): every listed serial is found, with the
// serial crypto/x509 reads from the same CRL, and its neighbours are not.
func TestLookupSerialForms(t *testing.T) {
	one := big.NewInt(1)
	pow := func(bits uint) *big.Int { return new(big.Int).Lsh(one, bits) }
	var serials []*big.Int
	for _, bits := range []uint{0, 7, 8, 15, 16, 31, 32, 63, 64, 65, 127, 128, 158} {
		p := pow(bits)
		serials = append(serials, p, new(big.Int).Sub(p, one), new(big.Int).Add(p, big.NewInt(3)))
	}
	serials = append(serials, big.NewInt(0), big.NewInt(-1), big.NewInt(-128), big.NewInt(-129),
		new(big.Int).Neg(pow(64)), new(big.Int).Neg(new(big.Int).Add(pow(64), one)))
	listed := map[string]bool{}
	var entries []x509.RevocationListEntry
	for i, s := range serials {
		if listed[s.String()] {
			continue
		}
		listed[s.String()] = true
		e := entry(0, i%3, nil...)
		e.SerialNumber = s
		entries = append(entries, e)
	}
	der := newGoCA(t, "Serial CA").makeCRL(t, 1, entries)
	rl, err := x509.ParseRevocationList(der)
	if err != nil {
		t.Fatal(err)
	}
	ix, err := crl.BuildIndex(der)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range rl.RevokedCertificateEntries {
		s := e.SerialNumber
		t.Run(s.String(), func(t *testing.T) {
			got, ok := ix.Lookup(new(big.Int).Set(s))
			if !ok {
				t.Fatalf("serial %v not found", s)
			}
			if !got.RevocationTime.Equal(e.RevocationTime) {
				t.Errorf("revocation time %v, want %v", got.RevocationTime, e.RevocationTime)
			}
			for _, d := range []int64{-1, 1} {
				n := new(big.Int).Add(s, big.NewInt(d))
				if _, ok := ix.Lookup(n); ok != listed[n.String()] {
					t.Errorf("neighbour %v: found %v, listed %v", n, ok, listed[n.String()])
				}
			}
		})
	}
}

// TestIndexFindsEveryEntry builds indexes of generated CRLs of sizes
// around the bucket count and larger, and looks up every listed serial
// and as many unlisted ones: the build scatters the entries into buckets
// and inserts them bucket after bucket, which must lose none.
func TestIndexFindsEveryEntry(t *testing.T) {
	for _, n := range []int{1, 2, 3, 1023, 1024, 1025, 4099, 4099, 4099, 4099, 4099, 4099, 200_000, 200_000} {
		// Each build draws a new hash seed: repeated sizes try several
		// layouts (a build that cleared slots a probe run had already
		// filled past its bucket lost entries in about one build in three).
		der, _ := genCRL(t, n)
		ix, err := crl.BuildIndex(der)
		if err != nil || ix.Len() != n {
			t.Fatalf("%d entries: %v, Len %d", n, err, ix.Len())
		}
		for i := range n {
			s := genSerial(i)
			if _, ok := ix.LookupBytes(s[:]); !ok {
				t.Fatalf("%d entries: serial %d (%x) not found", n, i, s)
			}
			u := genSerial(n + i)
			if _, ok := ix.LookupBytes(u[:]); ok {
				t.Fatalf("%d entries: unlisted serial %x found", n, u)
			}
		}
	}
}
