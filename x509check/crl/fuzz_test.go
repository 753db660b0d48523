package crl_test

import (
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"math/big"
	"testing"

	"github.com/csam-go/csam/x509check/crl"
)

// seedCRLs returns CRLs of many shapes for the fuzz corpora.
func seedCRLs(t testing.TB, ca *goCA) [][]byte {
	other := newGoCA(t, "Other")
	return [][]byte{
		ca.makeCRL(t, 1, nil),
		ca.makeCRL(t, 2, []x509.RevocationListEntry{entry(1, 1), entry(0x80, 6), entry(-5, 0), entry(1<<40, 8)}),
		ca.makeCRL(t, 3, []x509.RevocationListEntry{entry(7, 1, certIssuerExt(t, other.cert))}, idpExt(t, idp{indir: true, uris: []string{"http://x.test/c.crl"}})),
		ca.makeCRL(t, 4, []x509.RevocationListEntry{entry(9, 4)}, deltaExt(t, 3), idpExt(t, idp{user: true, reasons: []byte{0x07, 0x80}})),
		ca.makeCRL(t, 5, []x509.RevocationListEntry{entry(11, 0, pkix.Extension{Id: unknownExt, Critical: true, Value: []byte{5, 0}})}),
		pem.EncodeToMemory(&pem.Block{Type: "X509 CRL", Bytes: ca.makeCRL(t, 6, []x509.RevocationListEntry{entry(3, 5)})}),
	}
}

// FuzzIndex: BuildIndex never panics, fails only with a MalformedError, and
// when x509.ParseRevocationList also accepts the input both list the same
// serials in the same order, each found by Lookup.
func FuzzIndex(f *testing.F) {
	for _, s := range seedCRLs(f, newGoCA(f, "Fuzz CA")) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		ix, err := crl.BuildIndex(data)
		if err != nil {
			if !errors.Is(err, errMalformed) {
				t.Fatalf("error %v is not malformed-response", err)
			}
			return
		}
		// Lookup finds every serial, and for a serial listed twice (an
		// indirect CRL may list one serial per issuer) its first entry.
		n := 0
		first := map[string]crl.Entry{}
		for serial, e := range ix.All() {
			n++
			if _, dup := first[string(serial)]; !dup {
				first[string(serial)] = e
			}
			got, ok := ix.LookupBytes(serial)
			if !ok || !got.RevocationTime.Equal(first[string(serial)].RevocationTime) {
				t.Fatalf("entry %x: LookupBytes gives %v %v, want the first entry %v", serial, ok, got, first[string(serial)])
			}
		}
		if n != ix.Len() {
			t.Fatalf("All yields %d entries, Len says %d", n, ix.Len())
		}
		rl, gerr := x509.ParseRevocationList(data)
		if gerr != nil {
			return
		}
		if len(rl.RevokedCertificateEntries) != ix.Len() {
			t.Fatalf("%d entries, crypto/x509 reads %d", ix.Len(), len(rl.RevokedCertificateEntries))
		}
		i := 0
		for serial := range ix.All() {
			want := rl.RevokedCertificateEntries[i].SerialNumber
			if got := twosComplement(serial); got.Cmp(want) != 0 {
				t.Fatalf("entry %d: serial %v, crypto/x509 reads %v", i, got, want)
			}
			if _, ok := ix.Lookup(want); !ok {
				t.Fatalf("serial %v not found by Lookup", want)
			}
			i++
		}
	})
}

// twosComplement reads DER INTEGER content octets.
func twosComplement(b []byte) *big.Int {
	n := new(big.Int).SetBytes(b)
	if len(b) > 0 && b[0]&0x80 != 0 {
		n.Sub(n, new(big.Int).Lsh(big.NewInt(1), uint(8*len(b))))
	}
	return n
}

// FuzzParseVerify: Parse, Verify and Check never panic on arbitrary input
// and fail with this package's errors only.
func FuzzParseVerify(f *testing.F) {
	ca := newGoCA(f, "Fuzz CA")
	leaf := ca.leaf(f, 9, false, []string{"http://x.test/c.crl"})
	for _, s := range seedCRLs(f, ca) {
		f.Add(s)
	}
	sentinels := []error{errIssuerMismatch, errNotCRLSigner, errBadSignature, errUnknownCriticalExtension,
		errStale, errNotYetValid, errScope, errMalformed}
	ours := func(err error) bool {
		for _, s := range sentinels {
			if errors.Is(err, s) {
				return true
			}
		}
		return false
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := crl.Parse(data)
		if err != nil {
			if !errors.Is(err, errMalformed) {
				t.Fatalf("error %v is not malformed-response", err)
			}
			return
		}
		if err := c.Verify(ca.cert, crl.VerifyOptions{CurrentTime: now}); err != nil && !ours(err) {
			t.Fatalf("Verify: foreign error %v", err)
		}
		res, err := c.Check(leaf)
		if err != nil && !ours(err) {
			t.Fatalf("Check: foreign error %v", err)
		}
		if err == nil && res.Status == crl.StatusGood && c.IDP != nil && c.IDP.OnlySomeReasons != 0 &&
			c.IDP.OnlySomeReasons&crl.AllReasons != crl.AllReasons {
			t.Fatal("good from a CRL covering only some reasons")
		}
		_, _ = c.CheckWithDelta(leaf, c)
	})
}
