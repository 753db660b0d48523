package tlsauth_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/ocsp"

	"github.com/csam-go/csam/internal/testpki"
	"github.com/csam-go/csam/tlsauth"
	"github.com/csam-go/csam/x509check"
)

func pool(cs ...*x509.Certificate) *x509.CertPool {
	p := x509.NewCertPool()
	for _, c := range cs {
		p.AddCert(c)
	}
	return p
}

// serve starts an HTTPS test server whose handler reports the validation
// result, configured by tlsauth.Server.
func serve(t *testing.T, p *testpki.PKI, opts tlsauth.Options) *httptest.Server {
	t.Helper()
	ts := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		res, ok := tlsauth.FromRequest(r)
		if !ok {
			fmt.Fprint(w, "none")
			return
		}
		fmt.Fprintf(w, "valid=%v key=%s code=%s", res.Valid, res.KeyType, x509check.Code(tlsauth.Err(r.Context())))
	}))
	ts.Config.ErrorLog = log.New(io.Discard, "", 0) // refused handshakes are expected
	ts.Config.TLSConfig = &tls.Config{Certificates: []tls.Certificate{serverCert(t, p)}}
	if err := tlsauth.Server(ts.Config, opts); err != nil {
		t.Fatal(err)
	}
	ts.TLS = ts.Config.TLSConfig
	ts.StartTLS()
	t.Cleanup(ts.Close)
	return ts
}

func get(t *testing.T, ts *httptest.Server, cert *testpki.Cert, chain ...*x509.Certificate) (string, error) {
	t.Helper()
	cfg := &tls.Config{RootCAs: pool(ts.Config.TLSConfig.Certificates[0].Leaf)}
	if cert != nil {
		tc := tls.Certificate{PrivateKey: cert.Key, Leaf: cert.Cert, Certificate: [][]byte{cert.Cert.Raw}}
		for _, c := range chain {
			tc.Certificate = append(tc.Certificate, c.Raw)
		}
		cfg.Certificates = []tls.Certificate{tc}
	}
	c := &http.Client{Transport: &http.Transport{TLSClientConfig: cfg}, Timeout: 30 * time.Second}
	defer c.CloseIdleConnections()
	resp, err := c.Get(ts.URL)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return string(b), err
}

func TestServer(t *testing.T) {
	p := testpki.New(t, testpki.Options{})
	p.StartOCSP(t, 10)
	v, err := x509check.NewValidator(x509check.Options{Roots: []*x509.Certificate{p.Root.Cert}, Revocation: x509check.OCSPOnly,
		Usage: x509check.UsageAuthentication, ExtraBelgianPins: []string{x509check.SPKIPin(p.Root.Cert)}})
	if err != nil {
		t.Fatal(err)
	}
	strict := serve(t, p, tlsauth.Options{Validator: v})
	deferred := serve(t, p, tlsauth.Options{Validator: v, DeferFailures: true, Optional: true})
	for _, tc := range []struct {
		name   string
		ts     *httptest.Server
		cert   *testpki.Cert
		want   string // response body, or "" for a failed handshake
		errSub string
	}{
		{"valid authentication certificate", strict, p.Auth, "valid=true key=eid code=error", ""},
		{"no certificate, required", strict, nil, "", "certificate"},
		{"revoked certificate", strict, p.Revoked, "", "tls"},
		{"signature certificate for authentication", strict, p.Sign, "", "tls"},
		{"revoked, deferred to the handler", deferred, p.Revoked, "valid=false key=eid code=revoked", ""},
		{"wrong usage, deferred to the handler", deferred, p.Sign, "valid=false key=eid-signature code=wrong-usage", ""},
		{"no certificate, optional", deferred, nil, "none", ""},
		{"valid, deferred", deferred, p.Auth, "valid=true key=eid code=error", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			body, err := get(t, tc.ts, tc.cert, p.CA.Cert)
			if tc.want == "" {
				if err == nil || !strings.Contains(strings.ToLower(err.Error()), tc.errSub) {
					t.Fatalf("handshake succeeded or failed otherwise: %q, %v", body, err)
				}
				return
			}
			if err != nil || body != tc.want {
				t.Fatalf("body %q, %v; want %q", body, err, tc.want)
			}
		})
	}
}

// TestStaples validates offline with an OCSP response stapled to the call
// only: the same validator without it cannot decide.
func TestStaples(t *testing.T) {
	p := testpki.New(t, testpki.Options{})
	now := time.Now()
	resp, err := ocsp.CreateResponse(p.CA.Cert, p.CA.Cert, ocsp.Response{Status: ocsp.Good, SerialNumber: p.Auth.Cert.SerialNumber,
		ThisUpdate: now.Add(-time.Minute), NextUpdate: now.Add(time.Hour)}, p.CA.Key)
	if err != nil {
		t.Fatal(err)
	}
	v, err := x509check.NewValidator(x509check.Options{Roots: []*x509.Certificate{p.Root.Cert}, Revocation: x509check.OCSPOnly, Offline: true,
		ExtraBelgianPins: []string{x509check.SPKIPin(p.Root.Cert)}})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := v.Validate(ctx, p.Auth.Cert, p.CA.Cert); !errors.Is(err, x509check.ErrRevocationUnavailable) {
		t.Fatalf("offline without a staple: %v", err)
	}
	res, err := v.Validate(x509check.WithOCSPResponses(ctx, resp), p.Auth.Cert, p.CA.Cert)
	if err != nil || res.Revocation != x509check.StatusGood || res.Sources[0].URL != "stapled" {
		t.Fatalf("stapled: %v %+v", err, res)
	}
	// The staple is not kept for the next call.
	if _, err := v.Validate(ctx, p.Auth.Cert, p.CA.Cert); !errors.Is(err, x509check.ErrRevocationUnavailable) {
		t.Fatalf("the staple outlived its call: %v", err)
	}
	// Through the adapter: Staples gives it to the handshake's validation.
	ts := serve(t, p, tlsauth.Options{Validator: v, Staples: func([]*x509.Certificate) [][]byte { return [][]byte{resp} }})
	if body, err := get(t, ts, p.Auth, p.CA.Cert); err != nil || body != "valid=true key=eid code=error" {
		t.Fatalf("through the adapter: %q, %v", body, err)
	}
}

func TestConfigErrors(t *testing.T) {
	if _, err := tlsauth.Config(&tls.Config{}, tlsauth.Options{}); err == nil || err.Error() != "tlsauth: no validator" {
		t.Fatalf("Config without a validator: %v", err)
	}
	v, err := x509check.NewValidator(x509check.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := tlsauth.Server(&http.Server{}, tlsauth.Options{Validator: v}); err == nil || !strings.HasPrefix(err.Error(), "tlsauth: the TLS configuration has no server certificate") {
		t.Fatalf("Server without a certificate: %v", err)
	}
}

// serverCert issues a server certificate for 127.0.0.1 under p's root.
func serverCert(t *testing.T, p *testpki.PKI) tls.Certificate {
	t.Helper()
	c := p.Issue(t, fmt.Sprintf("server-%d", time.Now().UnixNano()), p.Root, &x509.Certificate{
		Subject: pkix.Name{CommonName: "127.0.0.1"}, IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}})
	return tls.Certificate{Certificate: [][]byte{c.Cert.Raw}, PrivateKey: c.Key, Leaf: c.Cert}
}
