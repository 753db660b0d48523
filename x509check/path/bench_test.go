package path_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"math/big"
	"testing"
	"time"

	"github.com/csam-go/csam/x509check/path"
)

var benchNow = time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)

type benchCert struct {
	x   *x509.Certificate
	p   *path.Certificate
	key *ecdsa.PrivateKey
}

// benchIssue issues a certificate for key (a new one when nil) named cn,
// signed by parent's key (self-signed when parent is nil) or by signer
// when given.
func benchIssue(tb testing.TB, cn string, ca bool, key *ecdsa.PrivateKey, parent *benchCert, signer *ecdsa.PrivateKey) *benchCert {
	tb.Helper()
	if key == nil {
		var err error
		if key, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader); err != nil {
			tb.Fatal(err)
		}
	}
	serial, _ := rand.Int(rand.Reader, big.NewInt(1<<62))
	tmpl := &x509.Certificate{
		SerialNumber: serial, Subject: pkix.Name{CommonName: cn, Organization: []string{"Bench"}},
		NotBefore: benchNow.AddDate(-1, 0, 0), NotAfter: benchNow.AddDate(1, 0, 0),
		KeyUsage: x509.KeyUsageDigitalSignature, BasicConstraintsValid: true,
	}
	if ca {
		tmpl.IsCA, tmpl.KeyUsage = true, x509.KeyUsageCertSign|x509.KeyUsageCRLSign
	}
	parentX, sign := tmpl, key
	if parent != nil {
		parentX, sign = parent.x, parent.key
	}
	if signer != nil {
		sign = signer
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parentX, &key.PublicKey, sign)
	if err != nil {
		tb.Fatal(err)
	}
	x, err := x509.ParseCertificate(der)
	if err != nil {
		tb.Fatal(err)
	}
	p, err := path.FromX509(x)
	if err != nil {
		tb.Fatal(err)
	}
	return &benchCert{x: x, p: p, key: key}
}

// BenchmarkChain3 validates a root, intermediate and leaf path (ECDSA
// P-256, no revocation) with crypto/x509's Verify and with this package,
// side by side: compare the two lines of one run.
func BenchmarkChain3(b *testing.B) {
	root := benchIssue(b, "Root", true, nil, nil, nil)
	ca := benchIssue(b, "CA", true, nil, root, nil)
	leaf := benchIssue(b, "Leaf", false, nil, ca, nil)
	roots, inter := x509.NewCertPool(), x509.NewCertPool()
	roots.AddCert(root.x)
	inter.AddCert(ca.x)
	b.Run("crypto-x509", func(b *testing.B) {
		vo := x509.VerifyOptions{Roots: roots, Intermediates: inter, CurrentTime: benchNow,
			KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageAny}}
		for b.Loop() {
			if _, err := leaf.x.Verify(vo); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("path", func(b *testing.B) {
		opts := path.Options{Roots: []*path.Certificate{root.p}, Intermediates: []*path.Certificate{ca.p}, CurrentTime: benchNow}
		for b.Loop() {
			// A new verifier each time: no signature cached.
			if _, err := path.New(opts).Verify(context.Background(), leaf.p); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("path-parse-leaf", func(b *testing.B) {
		opts := path.Options{Roots: []*path.Certificate{root.p}, Intermediates: []*path.Certificate{ca.p}, CurrentTime: benchNow}
		for b.Loop() {
			l, err := path.FromX509(leaf.x)
			if err != nil {
				b.Fatal(err)
			}
			if _, err := path.New(opts).Verify(context.Background(), l); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// crossSigned builds two levels of cross-signed CAs under one root: the
// leaf's issuer "L2" exists as 10 certificates of one key, each signed
// by another key of "L1"; "L1" exists as 10 certificates (one per key),
// only one of which is signed by the root's key (the others by keys of
// another "Root"). Every certificate has key identifiers, all valid at
// the time: only signatures tell the one path from the 99 dead ends, and
// the right candidates come last.
func crossSigned(tb testing.TB) (root, leaf *benchCert, inter []*benchCert) {
	root = benchIssue(tb, "Root", true, nil, nil, nil)
	fake := benchIssue(tb, "Root", true, nil, nil, nil)
	l2key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	var l1s, l2s []*benchCert
	for i := range path.MaxCandidates {
		parent := fake
		if i == path.MaxCandidates-1 {
			parent = root
		}
		l1 := benchIssue(tb, "L1", true, nil, parent, nil)
		l1s = append(l1s, l1)
		l2s = append(l2s, benchIssue(tb, "L2", true, l2key, l1, nil))
	}
	leaf = benchIssue(tb, "Leaf", false, nil, l2s[0], nil)
	return root, leaf, append(l1s, l2s...)
}

// TestCrossSignedBounded: the one valid path among the cross-signed CAs
// is found (crypto/x509's search, bounded by 100 signature checks, may
// give up on such a graph).
func TestCrossSignedBounded(t *testing.T) {
	root, leaf, inter := crossSigned(t)
	var ps []*path.Certificate
	for _, c := range inter {
		ps = append(ps, c.p)
	}
	res, err := path.New(path.Options{Roots: []*path.Certificate{root.p}, Intermediates: ps, CurrentTime: benchNow}).
		Verify(context.Background(), leaf.p)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Chain) != 4 || string(res.Chain[3].Raw) != string(root.p.Raw) {
		t.Fatalf("chain of %d certificates", len(res.Chain))
	}
}

// BenchmarkCrossSigned10 validates through 10 candidate issuers per level
// (see crossSigned), with crypto/x509's Verify and with this package.
func BenchmarkCrossSigned10(b *testing.B) {
	root, leaf, inter := crossSigned(b)
	roots, pool := x509.NewCertPool(), x509.NewCertPool()
	roots.AddCert(root.x)
	var ps []*path.Certificate
	for _, c := range inter {
		pool.AddCert(c.x)
		ps = append(ps, c.p)
	}
	b.Run("crypto-x509", func(b *testing.B) {
		vo := x509.VerifyOptions{Roots: roots, Intermediates: pool, CurrentTime: benchNow,
			KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageAny}}
		found := 0
		for b.Loop() {
			if _, err := leaf.x.Verify(vo); err == nil {
				found++
			}
		}
		b.ReportMetric(float64(found)/float64(b.N), "found/op")
	})
	b.Run("path", func(b *testing.B) {
		opts := path.Options{Roots: []*path.Certificate{root.p}, Intermediates: ps, CurrentTime: benchNow}
		for b.Loop() {
			if _, err := path.New(opts).Verify(context.Background(), leaf.p); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// TestSearchBounded: forty CA certificates sharing one name and one key
// (each verifies every other's signature) and no way to the anchor: the
// search stops at its bounds instead of trying every ordering.
func TestSearchBounded(t *testing.T) {
	root := benchIssue(t, "Unrelated Root", true, nil, nil, nil)
	loopKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	var loop []*path.Certificate
	var first *benchCert
	for range 40 {
		c := benchIssue(t, "Loop CA", true, loopKey, nil, nil)
		if first == nil {
			first = c
		}
		loop = append(loop, c.p)
	}
	leaf := benchIssue(t, "Loop Leaf", false, nil, first, nil)
	start := time.Now()
	_, err := path.New(path.Options{Roots: []*path.Certificate{root.p}, Intermediates: loop, CurrentTime: benchNow}).
		Verify(context.Background(), leaf.p)
	if inv := (*path.InvalidError)(nil); !errors.As(err, &inv) || inv.Reason != path.WorkLimit {
		t.Fatalf("err = %v, want reason WorkLimit", err)
	}
	t.Logf("refused in %s", time.Since(start))
}
