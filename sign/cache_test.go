package sign_test

import (
	"context"
	"crypto/x509"
	"errors"
	"testing"
	"time"

	"github.com/csam-go/csam/internal/testpki"
	"github.com/csam-go/csam/sign"
	"github.com/csam-go/csam/x509check"
)

// TestVerifyWarmCaches checks that a Verifier whose caches hold a
// signer's certificate path and status gives, for each signature, the
// verdict a new Verifier gives: the same signer without the CA
// certificate in the signature (none configured) is not trusted, a
// revoked signer under the same CA is refused, and the first signature
// stays valid.
func TestVerifyWarmCaches(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	alice, bob := e.signCert("Alice"), e.signCert("Bob")
	e.revokeAt(bob, e.now.Add(-time.Hour))
	opts := sign.VerifyOptions{Validation: e.crlOptions()}
	sig := func(c *testpki.Cert, withChain bool) []byte {
		o := sign.Options{Certificate: c.Cert, Detached: true, SigningTime: e.now.Add(-time.Minute)}
		if withChain {
			o.Chain = []*x509.Certificate{e.p.CA.Cert}
		}
		s, err := sign.Sign(ctx, msg, c.Key, o)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	warm := e.verifier(opts)
	tests := []struct {
		name string
		sig  []byte
		want error
	}{
		{"with its chain", sig(alice, true), nil},
		{"again", sig(alice, true), nil},
		{"without its chain", sig(alice, false), x509check.ErrUntrusted},
		{"revoked signer, same CA", sig(bob, true), x509check.ErrRevoked},
		{"with its chain, after the others", sig(alice, true), nil},
	}
	for _, tt := range tests {
		res, err := warm.Verify(ctx, tt.sig, msg)
		if !errors.Is(err, tt.want) || (err == nil) != (tt.want == nil) || res.Valid != (tt.want == nil) {
			t.Fatalf("%s: valid %v, err %v; want %v", tt.name, res.Valid, err, tt.want)
		}
		cres, cerr := e.verifier(opts).Verify(ctx, tt.sig, msg)
		if cres.Valid != res.Valid || cres.Verdict != res.Verdict || errors.Is(cerr, tt.want) != errors.Is(err, tt.want) {
			t.Errorf("%s: warm %v %v (%v), new verifier %v %v (%v)", tt.name, res.Valid, res.Verdict, err, cres.Valid, cres.Verdict, cerr)
		}
	}
}

// TestTimestampWarmCache checks that a Verifier that has verified a TSA's
// path still refuses a timestamp from another TSA of the same names (its
// own root and keys, not among TSARoots), and keeps accepting the first.
func TestTimestampWarmCache(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	trusted, other := e.startTSA(), newEnv(t).startTSA()
	c := e.signCert("Stamped")
	opts := sign.VerifyOptions{Validation: e.crlOptions(), TSARoots: []*x509.Certificate{trusted.Root.Cert}}
	stamp := func(ts *tsa) []byte {
		s, err := sign.Sign(ctx, msg, c.Key, sign.Options{Certificate: c.Cert, Chain: []*x509.Certificate{e.p.CA.Cert},
			Detached: true, Timestamper: &sign.TSAClient{URL: ts.URL}})
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	warm := e.verifier(opts)
	tests := []struct {
		name string
		sig  []byte
		want error
	}{
		{"trusted TSA", stamp(trusted), nil},
		{"trusted TSA again", stamp(trusted), nil},
		{"TSA of the same names under another root", stamp(other), &sign.Error{Code: "bad-timestamp"}},
		{"trusted TSA after the other", stamp(trusted), nil},
	}
	for _, tt := range tests {
		res, err := warm.Verify(ctx, tt.sig, msg)
		if !errors.Is(err, tt.want) || (err == nil) != (tt.want == nil) || res.Valid != (tt.want == nil) {
			t.Fatalf("%s: valid %v, err %v; want %v", tt.name, res.Valid, err, tt.want)
		}
		if tt.want == nil && (res.Timestamp == nil || res.TimeSource != sign.TimeFromTimestamp) {
			t.Fatalf("%s: timestamp %+v, time source %s", tt.name, res.Timestamp, res.TimeSource)
		}
		cres, cerr := e.verifier(opts).Verify(ctx, tt.sig, msg)
		if cres.Valid != res.Valid || errors.Is(cerr, tt.want) != errors.Is(err, tt.want) {
			t.Errorf("%s: warm %v (%v), new verifier %v (%v)", tt.name, res.Valid, err, cres.Valid, cerr)
		}
	}
}
