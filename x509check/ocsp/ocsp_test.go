package ocsp_test

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"fmt"
	"math/big"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"
	"time"

	xocsp "golang.org/x/crypto/ocsp"

	"github.com/csam-go/csam/x509check"
	"github.com/csam-go/csam/x509check/ocsp"
)

type pki struct {
	ca, leaf *x509.Certificate
	caKey    *ecdsa.PrivateKey
}

func newPKI(t testing.TB) pki {
	t.Helper()
	now := time.Now()
	caKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	caTmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "OCSP Test CA"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(time.Hour), IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageCRLSign}
	der, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	ca, _ := x509.ParseCertificate(der)
	leafKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	der, err = x509.CreateCertificate(rand.Reader, &x509.Certificate{SerialNumber: big.NewInt(42),
		Subject: pkix.Name{CommonName: "Leaf"}, NotBefore: now.Add(-time.Hour), NotAfter: now.Add(time.Hour)},
		ca, &leafKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	leaf, _ := x509.ParseCertificate(der)
	return pki{ca: ca, leaf: leaf, caKey: caKey}
}

// respond builds a response signed by the CA with x/crypto/ocsp.
func (p pki) respond(t testing.TB, status int, thisUpdate time.Time) []byte {
	t.Helper()
	der, err := xocsp.CreateResponse(p.ca, p.ca, xocsp.Response{Status: status, SerialNumber: p.leaf.SerialNumber,
		ThisUpdate: thisUpdate, NextUpdate: thisUpdate.Add(time.Hour), RevokedAt: thisUpdate.Add(-time.Minute),
		RevocationReason: xocsp.KeyCompromise}, p.caKey)
	if err != nil {
		t.Fatal(err)
	}
	return der
}

func TestParseResponse(t *testing.T) {
	p := newPKI(t)
	now := time.Now()
	tests := []struct {
		name   string
		der    []byte
		status ocsp.Status
		want   error
	}{
		{"good", p.respond(t, xocsp.Good, now.Add(-time.Minute)), ocsp.Good, nil},
		{"revoked", p.respond(t, xocsp.Revoked, now.Add(-time.Minute)), ocsp.Revoked, nil},
		{"unknown", p.respond(t, xocsp.Unknown, now.Add(-time.Minute)), ocsp.Unknown, nil},
		{"future", p.respond(t, xocsp.Good, now.Add(time.Hour)), 0, errFutureResponse},
		{"stale", p.respond(t, xocsp.Good, now.Add(-3*time.Hour)), 0, errStaleResponse},
		{"garbage", []byte("not OCSP"), 0, errMalformedResponse},
		{"tryLater", xocsp.TryLaterErrorResponse, 0, errResponderStatus},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := ocsp.ParseResponse(tt.der, p.leaf, p.ca, ocsp.VerifyOptions{})
			if tt.want != nil {
				if !errors.Is(err, tt.want) || x509check.Code(err) == "error" {
					t.Fatalf("err = %v, want %v", err, tt.want)
				}
				return
			}
			if err != nil || r.Status != tt.status || r.Responder != nil {
				t.Fatalf("response %+v, %v; want %v", r, err, tt.status)
			}
		})
	}
	// The ocsp package's errors are x509check's.
	var se *x509check.SourceError
	if _, err := ocsp.ParseResponse([]byte{0x30, 0x00}, p.leaf, p.ca, ocsp.VerifyOptions{}); !errors.As(err, &se) || se.Source != "ocsp" ||
		x509check.Code(err) != "malformed-response" || !errors.Is(err, x509check.ErrRevocationUnavailable) {
		t.Fatalf("malformed response: %v", err)
	}
	var rse *ocsp.ResponderStatusError
	if _, err := ocsp.ParseResponse(xocsp.TryLaterErrorResponse, p.leaf, p.ca, ocsp.VerifyOptions{}); !errors.As(err, &rse) || rse.Status != 3 {
		t.Fatalf("tryLater: %v", err)
	}
}

func TestCheckerFetchesOnceAndCaches(t *testing.T) {
	p := newPKI(t)
	resp := p.respond(t, xocsp.Good, time.Now().Add(-time.Minute))
	hits := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits++
		w.Write(resp)
	}))
	defer srv.Close()
	c := ocsp.NewChecker(ocsp.Options{Server: srv.URL})
	q := ocsp.Query{Cert: p.leaf, Issuer: p.ca, Leaf: true}
	for i := range 3 {
		r, err := c.Check(context.Background(), q)
		if err != nil || r.Status != ocsp.Good {
			t.Fatalf("check %d: %+v, %v", i, r, err)
		}
		if i > 0 && r.Source != "cache:"+srv.URL {
			t.Fatalf("check %d: source %q, want the cache", i, r.Source)
		}
	}
	if hits != 1 || c.Requests() != 1 {
		t.Fatalf("requests = %d/%d, want 1", hits, c.Requests())
	}
	// Offline, with nothing provided: no source.
	off := ocsp.NewChecker(ocsp.Options{Offline: true})
	if _, err := off.Check(context.Background(), q); !errors.Is(err, errNoSource) {
		t.Fatalf("offline: %v", err)
	}
	// Of provided answers, a revocation stands.
	prov := ocsp.NewChecker(ocsp.Options{Offline: true,
		Responses: [][]byte{p.respond(t, xocsp.Revoked, time.Now().Add(-time.Hour)), resp}})
	if r, err := prov.Check(context.Background(), q); err != nil || r.Status != ocsp.Revoked || r.Source != "provided" {
		t.Fatalf("provided: %+v, %v", r, err)
	}
}

func TestCreateRequest(t *testing.T) {
	p := newPKI(t)
	der, nonce, err := ocsp.CreateRequest(p.leaf, p.ca, crypto.SHA256, false)
	if err != nil || nonce != nil {
		t.Fatal(err)
	}
	req, err := xocsp.ParseRequest(der)
	if err != nil || req.SerialNumber.Cmp(p.leaf.SerialNumber) != 0 || req.HashAlgorithm != crypto.SHA256 {
		t.Fatalf("request %+v, %v", req, err)
	}
	if _, nonce, err = ocsp.CreateRequest(p.leaf, p.ca, 0, true); err != nil || len(nonce) != 32 {
		t.Fatalf("nonce %x, %v", nonce, err)
	}
}

// FuzzParseResponse: whatever the bytes, ParseResponse never panics, every
// error carries a sentinel, and what it accepts is a definite status.
func FuzzParseResponse(f *testing.F) {
	p := newPKI(f)
	now := time.Now()
	f.Add(p.respond(f, xocsp.Good, now.Add(-time.Minute)))
	f.Add(p.respond(f, xocsp.Revoked, now.Add(-time.Minute)))
	f.Add(xocsp.TryLaterErrorResponse)
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, der []byte) {
		r, err := ocsp.ParseResponse(der, p.leaf, p.ca, ocsp.VerifyOptions{CurrentTime: now})
		if err != nil {
			if x509check.Code(err) == "error" {
				t.Fatalf("error without a sentinel: %v", err)
			}
			return
		}
		if r.Status < ocsp.Good || r.Status > ocsp.Unknown || r.ThisUpdate.After(now.Add(ocsp.DefaultClockSkew)) {
			t.Fatalf("accepted %+v", r)
		}
	})
}

// A responder that answered tryLater: the error carries the status and
// matches x509check's sentinel.
func ExampleParseResponse() {
	pemBytes, err := os.ReadFile("../../testdata/realdata/belgium-pki/citizenca-202002.pem")
	if err != nil {
		fmt.Println(err)
		return
	}
	certs, err := x509check.ParseCertificates(pemBytes)
	if err != nil {
		fmt.Println(err)
		return
	}
	var root *x509.Certificate // the Citizen CA's issuer, Belgium Root CA6
	for _, r := range x509check.BelgianRoots() {
		if r.Subject.CommonName == "Belgium Root CA6" {
			root = r
		}
	}
	tryLater := []byte{0x30, 0x03, 0x0a, 0x01, 0x03}
	_, err = ocsp.ParseResponse(tryLater, certs[0], root, ocsp.VerifyOptions{})
	var rse *ocsp.ResponderStatusError
	fmt.Println(errors.As(err, &rse), rse.Status, x509check.Code(err), errors.Is(err, errResponderStatus))
	// Output:
	// true 3 responder-status true
}
