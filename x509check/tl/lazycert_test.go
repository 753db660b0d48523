package tl

import (
	"bytes"
	"sync"
	"testing"
)

// TestCertificatesParsedOnFirstUse checks on the real list that Parse
// leaves the certificates unparsed, that the public key read from the DER
// is the one crypto/x509 reads, and that concurrent first uses agree.
func TestCertificatesParsedOnFirstUse(t *testing.T) {
	data, _ := realListBytes(t)
	l, err := Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	var ids []*Identity
	for _, s := range l.Services() {
		ids = append(ids, s.Identities()...)
	}
	ders := 0
	for _, id := range ids {
		for _, d := range id.ders {
			ders++
			if d.cert != nil || d.err != nil {
				t.Fatal("a certificate was parsed by Parse")
			}
		}
	}
	if ders < 30 {
		t.Fatalf("%d certificates in the real list, want at least 30", ders)
	}
	got := make([][][]byte, 8)
	var wg sync.WaitGroup
	for g := range got {
		wg.Go(func() {
			for _, id := range ids {
				for _, c := range id.Certificates() {
					got[g] = append(got[g], c.Raw)
				}
			}
		})
	}
	wg.Wait()
	for g := range got {
		if len(got[g]) != len(got[0]) {
			t.Fatalf("goroutine %d saw %d certificates, goroutine 0 %d", g, len(got[g]), len(got[0]))
		}
	}
	parsed := 0
	for _, id := range ids {
		for _, d := range id.ders {
			c, err := d.certificate()
			if err != nil {
				continue
			}
			parsed++
			if !bytes.Equal(d.spki, c.RawSubjectPublicKeyInfo) {
				t.Errorf("%s: public key read from the DER differs from crypto/x509's", c.Subject)
			}
		}
	}
	if parsed != len(got[0]) || parsed == 0 {
		t.Errorf("%d certificates parse, Certificates returned %d", parsed, len(got[0]))
	}
}

// TestRawSPKIRefuses checks that what is not a certificate has no public
// key to match.
func TestRawSPKIRefuses(t *testing.T) {
	for _, in := range [][]byte{nil, {0x30}, {0x30, 0x00}, {0x30, 0x02, 0x30, 0x00}, {0x04, 0x01, 0x00}} {
		if got := rawSPKI(in); got != nil {
			t.Errorf("rawSPKI(%x) = %x, want nil", in, got)
		}
	}
}
