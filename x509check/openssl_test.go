package x509check_test

import (
	"context"
	"crypto"
	"crypto/x509"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/csam-go/csam/internal/checktest"
	"github.com/csam-go/csam/internal/testpki"
	"github.com/csam-go/csam/keys"
	"github.com/csam-go/csam/levels"
	"github.com/csam-go/csam/x509check"
	"github.com/csam-go/csam/x509check/crl"
	"github.com/csam-go/csam/x509check/ocsp"
)

// certPool lists cs as Options.Roots and Options.Intermediates take them.
func certPool(cs ...*x509.Certificate) []*x509.Certificate { return cs }

// TestOpenSSLResponder validates the test PKI's certificates against a
// real `openssl ocsp` responder (POST, delegated responder with
// ocsp-nocheck, nextUpdate 5 minutes ahead).
func TestOpenSSLResponder(t *testing.T) {
	p := testpki.New(t, testpki.Options{})
	p.StartOCSP(t, 5)
	base := x509check.Options{
		Roots:            certPool(p.Root.Cert),
		ExtraBelgianPins: []string{p.RootPin()},
		Intermediates:    certPool(p.CA.Cert),
		Revocation:       x509check.OCSPOnly,
	}
	tests := []struct {
		name    string
		cert    *testpki.Cert
		usage   x509check.Usage
		hash    crypto.Hash
		nonce   bool
		status  x509check.Status
		want    error
		keyType keys.ID
		level   levels.Level
		qual    bool
	}{
		{"auth good", p.Auth, x509check.UsageAuthentication, 0, false, x509check.StatusGood, nil, keys.IDEID, levels.Column3, false},
		{"auth good sha256 nonce", p.Auth, x509check.UsageAuthentication, crypto.SHA256, true, x509check.StatusGood, nil, keys.IDEID, levels.Column3, false},
		{"sign good", p.Sign, x509check.UsageSignature, 0, true, x509check.StatusGood, nil, keys.IDEIDSignature, levels.Column3, true},
		{"auth cert for signing", p.Auth, x509check.UsageSignature, 0, false, x509check.StatusNotChecked, x509check.ErrWrongUsage, keys.IDEID, levels.None, false},
		{"sign cert for auth", p.Sign, x509check.UsageAuthentication, 0, false, x509check.StatusNotChecked, x509check.ErrWrongUsage, keys.IDEIDSignature, levels.None, true},
		{"revoked", p.Revoked, x509check.UsageAuthentication, 0, false, x509check.StatusRevoked, x509check.ErrRevoked, keys.IDEID, levels.None, false},
		{"on hold", p.Held, x509check.UsageSignature, crypto.SHA256, false, x509check.StatusSuspended, x509check.ErrSuspended, keys.IDEIDSignature, levels.None, true},
		{"unknown to the responder", p.RRN, x509check.UsageAny, 0, false, x509check.StatusUndetermined, errNoSource, "", levels.None, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := base
			o.Usage = tt.usage
			// openssl ocsp answers POST only.
			o.OCSP = ocsp.NewChecker(ocsp.Options{GetLimit: -1, Hash: tt.hash, Nonce: tt.nonce})
			res, err := checktest.Validate(context.Background(), tt.cert.Cert, o)
			if tt.want == nil && (err != nil || !res.Valid) {
				t.Fatalf("err = %v", err)
			}
			if tt.want != nil && (!errors.Is(err, tt.want) || res.Valid) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
			if res.Revocation != tt.status || res.KeyType != tt.keyType || res.Level != tt.level {
				t.Fatalf("revocation %v key %q level %v; want %v %q %v", res.Revocation, res.KeyType, res.Level, tt.status, tt.keyType, tt.level)
			}
			if res.Qualified == nil || res.Qualified.Qualified != tt.qual {
				t.Fatalf("qualified = %+v, want %v", res.Qualified, tt.qual)
			}
			if tt.status == x509check.StatusGood || tt.status == x509check.StatusRevoked || tt.status == x509check.StatusSuspended {
				s := res.Sources[0]
				if s.URL != p.OCSPURL || s.NextUpdate.Sub(s.ThisUpdate) != 5*time.Minute || s.ProducedAt.IsZero() {
					t.Fatalf("source = %+v", s)
				}
			}
			if tt.status == x509check.StatusRevoked && res.Reason != crl.ReasonKeyCompromise {
				t.Fatalf("reason = %v", res.Reason)
			}
			pk := res.PresentedKey()
			if pk.Type != string(tt.keyType) || pk.Level != tt.level || pk.Certificate == nil ||
				pk.Certificate.Valid != res.Valid || pk.EIDSignature != (tt.keyType == keys.IDEIDSignature) {
				t.Fatalf("PresentedKey = %+v", pk)
			}
			checkPresentedKey(t, res, pk)
			cs := res.CertificateStatus()
			if cs.Valid != res.Valid || cs.Revoked != (tt.status == x509check.StatusRevoked || tt.status == x509check.StatusSuspended) || cs.Qualified != tt.qual {
				t.Fatalf("CertificateStatus = %+v", cs)
			}
		})
	}
}

// countingDoer counts the HTTP requests it forwards.
type countingDoer struct {
	n    atomic.Int64
	next x509check.Doer
}

func (d *countingDoer) Do(r *http.Request) (*http.Response, error) {
	d.n.Add(1)
	return d.next.Do(r)
}

// TestConcurrentValidationsOneRequest: 1,000 concurrent validations of one
// certificate send exactly one OCSP request to the openssl responder.
func TestConcurrentValidationsOneRequest(t *testing.T) {
	p := testpki.New(t, testpki.Options{})
	responder := p.StartOCSP(t, 5)
	doer := &countingDoer{next: &http.Client{}}
	oc := ocsp.NewChecker(ocsp.Options{GetLimit: -1, HTTP: doer, Timeout: time.Hour})
	v, err := x509check.NewValidator(x509check.Options{
		Roots: certPool(p.Root.Cert), Intermediates: certPool(p.CA.Cert),
		Revocation: x509check.OCSPOnly, OCSP: oc, HTTP: doer,
		// The one request's goroutine shares two cores with 1,000
		// validations (and, in CI, the race detector and other test
		// binaries): on a loaded machine its answer can take longer than
		// the default 10 seconds of wall time to be read, and then all
		// 1,000 validations waiting for it fail with a timeout. What is
		// tested here is coalescing, not speed: the go test timeout bounds
		// the test.
		Tuning: x509check.Tuning{RequestTimeout: time.Hour},
	})
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	var bad atomic.Int64
	var firstErr atomic.Value
	start := make(chan struct{})
	for range 1000 {
		wg.Go(func() {
			<-start
			res, err := v.Validate(context.Background(), p.Auth.Cert)
			if err != nil || res.Revocation != x509check.StatusGood {
				bad.Add(1)
				firstErr.CompareAndSwap(nil, fmt.Sprint(err))
			}
		})
	}
	close(start)
	wg.Wait()
	if bad.Load() != 0 {
		t.Fatalf("%d validations failed, first: %v", bad.Load(), firstErr.Load())
	}
	if n := doer.n.Load(); n != 1 || oc.Requests() != 1 {
		t.Fatalf("OCSP requests sent = %d (validator counted %d), want exactly 1", n, oc.Requests())
	}
	// The responder logs a request line as it reads one.
	deadline := time.Now().Add(30 * time.Second)
	for responder.Requests() < 1 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := responder.Requests(); n != 1 {
		t.Fatalf("openssl ocsp received %d requests, want exactly 1", n)
	}
}

// checkPresentedKey checks that a result's key agrees with the key type
// registry and that an access decision treats it as certificate-based:
// granted for art. 3.4 ((S)FTP) and art. 3.2.e when the certificate is
// valid and qualified, refused otherwise.
func checkPresentedKey(t *testing.T, res *x509check.Result, pk levels.PresentedKey) {
	t.Helper()
	if !pk.UsesCertificate {
		t.Fatalf("PresentedKey.UsesCertificate = false: %+v", pk)
	}
	if kt, ok := keys.NewRegistry().Lookup(res.KeyType); ok {
		want := kt.Presented()
		if pk.Type != want.Type || pk.EIDSignature != want.EIDSignature ||
			pk.UsesCertificate != want.UsesCertificate || fmt.Sprint(pk.Channels) != fmt.Sprint(want.Channels) {
			t.Fatalf("PresentedKey = %+v, registry says %+v", pk, want)
		}
	} else if res.KeyType != "" {
		t.Fatalf("key type %q not in the registry", res.KeyType)
	}
	am := levels.RolesOf(levels.RoleAccessManager)
	for _, req := range []levels.Request{
		{Application: "Dimona", Channel: levels.ChannelFTP, Roles: am, Key: pk},
		{Application: "Belcotax-on-web", Roles: am, Key: pk},
	} {
		d, err := levels.Decide(req)
		if err != nil {
			t.Fatal(err)
		}
		// Over (S)FTP (art. 3.4) the key must work on the channel and the
		// certificate be qualified (art. 7); on the portal art. 11 keeps
		// the eID signature certificate off.
		// Art. 7 asks a valid certificate, qualified or of the eID card,
		// either way.
		art7 := res.Valid && (pk.Certificate.Qualified || res.EID)
		want := art7 && res.KeyType != keys.IDEIDSignature
		if req.Channel == levels.ChannelFTP {
			want = art7 && slices.Contains(pk.Channels, levels.ChannelFTP)
		}
		if d.Allowed != want {
			t.Fatalf("Decide(%s over %v) allowed = %v, want %v: %+v", req.Application, req.Channel, d.Allowed, want, d.Reasons)
		}
	}
}
