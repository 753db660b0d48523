package testpki_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"testing"
	"time"

	"github.com/csam-go/csam/internal/beoid"
	"github.com/csam-go/csam/internal/testpki"
)

// The built hierarchy chains as a Belgian one does, with the policies of
// its generation, and a hierarchy without its keys is refused.
func TestHierarchyBuild(t *testing.T) {
	key := func() *ecdsa.PrivateKey {
		k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		return k
	}
	now := time.Now()
	for _, gen := range []string{beoid.CA4, beoid.CA6} {
		h := &testpki.Hierarchy{Keys: testpki.Keys{Root: key(), CA: key(), Auth: key(), Sign: key(), RRN: key()},
			Generation: gen, NotBefore: now.Add(-time.Hour), CANotAfter: now.Add(48 * time.Hour), NotAfter: now.Add(24 * time.Hour)}
		c, err := h.Build()
		if err != nil {
			t.Fatal(err)
		}
		roots, cas := x509.NewCertPool(), x509.NewCertPool()
		roots.AddCert(c.Root)
		cas.AddCert(c.CA)
		for _, leaf := range []*x509.Certificate{c.Auth, c.Sign, c.RRN} {
			if _, err := leaf.Verify(x509.VerifyOptions{Roots: roots, Intermediates: cas, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageAny}}); err != nil {
				t.Errorf("%s %q: %v", gen, leaf.Subject.CommonName, err)
			}
		}
		for _, x := range []struct {
			cert *x509.Certificate
			kind beoid.Kind
		}{{c.CA, beoid.CitizenCA}, {c.Auth, beoid.CitizenAuthentication}, {c.Sign, beoid.CitizenSignature}, {c.RRN, beoid.RRN}} {
			want := testpki.OID(beoid.OID(gen, x.kind))
			if len(x.cert.Policies) == 0 || !x.cert.Policies[0].Equal(want) {
				t.Errorf("%s %q: policies %v, want %v first", gen, x.cert.Subject.CommonName, x.cert.Policies, want)
			}
		}
	}
	if _, err := (&testpki.Hierarchy{}).Build(); err == nil {
		t.Error("a hierarchy without keys was built")
	}
}
