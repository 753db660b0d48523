package tl_test

import (
	"bytes"
	"crypto/x509"
	"errors"
	"testing"
	"time"

	dsig "github.com/russellhaering/goxmldsig"

	"github.com/csam-go/csam/internal/testtl"
	"github.com/csam-go/csam/x509check/tl"
)

// TestCache checks that a cached verdict is reused only where it holds:
// same bytes and same signers, with the times checked at every call.
func TestCache(t *testing.T) {
	s := testSigner(t)
	_, signed, _ := smallList(t, s)
	other := newListSigner(t, rawECDSA{PrivateKey: newKey(t)})
	cache := &tl.Cache{Size: 1}
	opts := tl.VerifyOptions{Signers: []*x509.Certificate{s.cert}, Time: testNow, Cache: cache}

	first, err := tl.Verify(signed, opts)
	if err != nil {
		t.Fatal(err)
	}
	again, err := tl.Verify(signed, opts)
	if err != nil || again != first {
		t.Fatalf("second Verify: %v, same list %v", err, again == first)
	}
	for _, tc := range []struct {
		name string
		data []byte
		opts tl.VerifyOptions
		want error
	}{
		{"other signer", signed, tl.VerifyOptions{Signers: []*x509.Certificate{other.cert}, Time: testNow, Cache: cache}, tl.ErrSignature},
		{"after next update", signed, tl.VerifyOptions{Signers: opts.Signers, Time: testNext.Add(time.Hour), Cache: cache}, tl.ErrExpired},
		{"tampered", bytes.Replace(signed, []byte("Test TSP"), []byte("Test TSQ"), 1), opts, tl.ErrSignature},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := tl.Verify(tc.data, tc.opts)
			if !errors.Is(err, tc.want) {
				t.Errorf("err = %v, want %v", err, tc.want)
			}
		})
	}
	// Size 1: a second list drops the first.
	_, signed2, _ := smallList(t, s)
	if _, err := tl.Verify(signed2, opts); err != nil {
		t.Fatal(err)
	}
	if l, err := tl.Verify(signed, opts); err != nil || l == first {
		t.Errorf("after eviction: %v, same list %v", err, l == first)
	}
}

// signWith signs like listSigner.sign but with the given canonicalization
// (for SignedInfo and the reference to the list).
func signWith(t *testing.T, s *listSigner, xmlText string, c dsig.Canonicalizer) []byte {
	t.Helper()
	return (&testtl.Signer{Cert: s.cert, Key: s.key, Canonicalizer: c}).Sign(t, xmlText)
}

// TestCanonicalizationsInterop signs lists with each canonicalization
// (the streaming pass guesses exclusive C14N and passes again for the
// others) and checks that Verify and xmlsec1 both accept them, and both
// refuse a tampered copy.
func TestCanonicalizationsInterop(t *testing.T) {
	s := testSigner(t)
	x, _, _ := smallList(t, s)
	for _, c := range []dsig.Canonicalizer{
		dsig.MakeC14N10ExclusiveCanonicalizerWithPrefixList(""),
		dsig.MakeC14N10ExclusiveWithCommentsCanonicalizerWithPrefixList(""),
		dsig.MakeC14N10RecCanonicalizer(),
		dsig.MakeC14N10WithCommentsCanonicalizer(),
		dsig.MakeC14N11Canonicalizer(),
	} {
		t.Run(string(c.Algorithm()), func(t *testing.T) {
			signed := signWith(t, s, x, c)
			tampered := []byte(string(signed))
			i := len("<?xml") + 300
			for tampered[i] < 'a' || tampered[i] > 'z' {
				i++
			}
			tampered[i]--
			for _, tc := range []struct {
				data []byte
				want bool
			}{{signed, true}, {tampered, false}} {
				peer, out := xmlsecVerify(t, tc.data, s.cert)
				_, err := tl.Verify(tc.data, tl.VerifyOptions{Signers: []*x509.Certificate{s.cert}, Time: testNow})
				if peer != tc.want || (err == nil) != tc.want {
					t.Errorf("want %v: xmlsec1 %v, ours %v\n%s", tc.want, peer, err, out)
				}
			}
		})
	}
}
