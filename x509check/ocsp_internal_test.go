package x509check

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/base64"
	"errors"
	"io"
	"math/big"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/csam-go/csam/internal/testpki"
	"github.com/csam-go/csam/x509check/crl"
	"github.com/csam-go/csam/x509check/internal/ocspasn"
	"github.com/csam-go/csam/x509check/ocsp"
)

// respSpec describes an OCSP response for the test responder to build.
type respSpec struct {
	respStatus int // OCSPResponseStatus; 0 successful
	status     Status
	revokedAt  time.Time
	reason     Reason
	thisUpdate time.Time
	nextUpdate time.Time // zero: absent
	producedAt time.Time
	signer     *testpki.Cert // signs the response
	ridCert    *x509.Certificate
	ridByKey   bool
	embed      []*x509.Certificate
	echoNonce  bool
	nonce      []byte // a nonce to put instead of the echo
	respExts   []pkix.Extension
	singleExts []pkix.Extension
	serial     *big.Int    // override the serial
	nameHash   []byte      // override the issuer name hash
	hash       crypto.Hash // CertID hash (SHA-1 by default)
	corruptSig bool
	sha1Sig    bool // sign with ecdsa-with-SHA1 instead of SHA-256
}

// buildResponse encodes spec about cert issued by issuer, in answer to the
// request reqDER (for the nonce).
func buildResponse(t testing.TB, spec respSpec, cert, issuer *x509.Certificate, reqNonce []byte) []byte {
	t.Helper()
	if spec.respStatus != 0 {
		b, err := ocspasn.MarshalStatus(spec.respStatus)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	h := spec.hash
	if h == 0 {
		h = crypto.SHA1
	}
	id, err := ocspasn.NewCertID(h, issuer, cert.SerialNumber)
	if err != nil {
		t.Fatal(err)
	}
	if spec.serial != nil {
		id.Serial = spec.serial
	}
	if spec.nameHash != nil {
		id.NameHash = spec.nameHash
	}
	// A zero NextUpdate is left out of the encoding.
	s := ocspasn.SingleResponse{CertID: id, ThisUpdate: spec.thisUpdate.UTC(), NextUpdate: spec.nextUpdate.UTC(), Extensions: spec.singleExts}
	switch spec.status {
	case StatusGood:
		s.Good = true
	case StatusUnknown:
		s.Unknown = true
	default:
		s.Revoked = ocspasn.RevokedInfo{Time: spec.revokedAt.UTC(), Reason: asn1.Enumerated(spec.reason)}
	}
	rc := spec.ridCert
	if rc == nil {
		rc = spec.signer.Cert
	}
	rid := ocspasn.ResponderName(rc.RawSubject)
	if spec.ridByKey {
		if rid, err = ocspasn.ResponderKey(rc); err != nil {
			t.Fatal(err)
		}
	}
	exts := spec.respExts
	nonce := spec.nonce
	if spec.echoNonce && nonce == nil {
		nonce = reqNonce
	}
	if nonce != nil {
		exts = append(exts, ocspasn.NonceExtension(nonce))
	}
	pa := spec.producedAt
	if pa.IsZero() {
		pa = spec.thisUpdate
	}
	rd := ocspasn.ResponseData{ResponderID: rid, ProducedAt: pa.UTC(), Responses: []ocspasn.SingleResponse{s}, Extensions: exts}
	tbs, err := asn1.Marshal(rd)
	if err != nil {
		t.Fatal(err)
	}
	sigHash, sigOID := crypto.SHA256, asn1.ObjectIdentifier{1, 2, 840, 10045, 4, 3, 2}
	if spec.sha1Sig {
		sigHash, sigOID = crypto.SHA1, asn1.ObjectIdentifier{1, 2, 840, 10045, 4, 1}
	}
	sig, err := spec.signer.Key.Sign(rand.Reader, ocspasn.HashBytes(sigHash, tbs), sigHash)
	if err != nil {
		t.Fatal(err)
	}
	if spec.corruptSig {
		sig[len(sig)-3] ^= 0x55
	}
	out, err := ocspasn.MarshalBasic(tbs, pkix.AlgorithmIdentifier{Algorithm: sigOID}, sig, spec.embed)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// requestNonce extracts the nonce of an OCSP request sent by GET or POST.
func requestNonce(r *http.Request) ([]byte, error) {
	var der []byte
	if r.Method == http.MethodPost {
		b, err := io.ReadAll(r.Body)
		if err != nil {
			return nil, err
		}
		der = b
	} else {
		p, err := url.PathUnescape(strings.TrimPrefix(r.URL.EscapedPath(), "/"))
		if err != nil {
			return nil, err
		}
		if der, err = base64.StdEncoding.DecodeString(p); err != nil {
			return nil, err
		}
	}
	var req ocspasn.OCSPRequest
	if _, err := asn1.Unmarshal(der, &req); err != nil {
		return nil, err
	}
	n, _, err := ocspasn.Nonce(req.TBS.Extensions)
	return n, err
}

// pool lists cs as Options.Roots and Options.Intermediates take them.
func pool(cs ...*x509.Certificate) []*x509.Certificate { return cs }

// TestOCSPResponderCases runs a Go responder answering what openssl
// cannot produce: each case must give its own typed error and never good.
func TestOCSPResponderCases(t *testing.T) {
	p := testpki.New(t, testpki.Options{})
	now := time.Now()
	good := func() respSpec {
		return respSpec{status: StatusGood, thisUpdate: now.Add(-time.Minute), nextUpdate: now.Add(time.Hour),
			signer: p.Responder, embed: []*x509.Certificate{p.Responder.Cert}, echoNonce: true}
	}
	expired := p.Issue(t, "expired-responder", p.CA, &x509.Certificate{
		Subject: pkix.Name{CommonName: "Expired Responder"}, NotBefore: now.Add(-48 * time.Hour), NotAfter: now.Add(-24 * time.Hour),
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageOCSPSigning}, KeyUsage: x509.KeyUsageDigitalSignature,
	})
	noEKU := p.Issue(t, "noeku-responder", p.CA, &x509.Certificate{
		Subject: pkix.Name{CommonName: "Responder Without EKU"}, NotBefore: now.Add(-time.Hour), NotAfter: now.Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature,
	})
	critical := []pkix.Extension{{Id: asn1.ObjectIdentifier{1, 2, 3, 4, 5}, Critical: true, Value: []byte{5, 0}}}

	tests := []struct {
		name    string
		spec    func() respSpec
		opts    func(*Options, *ocsp.Options)
		handler http.HandlerFunc // overrides spec
		want    error
	}{
		{name: "wrong responder", want: errBadResponder, spec: func() respSpec {
			s := good()
			s.signer, s.embed = p.Other, []*x509.Certificate{p.Other.Cert}
			return s
		}},
		{name: "responder not in response", want: errBadResponder, spec: func() respSpec {
			s := good()
			s.embed = nil
			return s
		}},
		{name: "expired delegated responder", want: errBadResponder, spec: func() respSpec {
			s := good()
			s.signer, s.embed = expired, []*x509.Certificate{expired.Cert}
			return s
		}},
		{name: "delegated responder without OCSPSigning", want: errBadResponder, spec: func() respSpec {
			s := good()
			s.signer, s.embed = noEKU, []*x509.Certificate{noEKU.Cert}
			return s
		}},
		{name: "responder id names another key", want: errBadResponder, spec: func() respSpec {
			s := good()
			s.ridCert, s.ridByKey = p.Other.Cert, true
			return s
		}},
		{name: "bad signature", want: errBadSignature, spec: func() respSpec {
			s := good()
			s.corruptSig = true
			return s
		}},
		{name: "bad signature by the CA itself", want: errBadSignature, spec: func() respSpec {
			s := good()
			s.signer, s.embed, s.corruptSig = p.CA, nil, true
			return s
		}},
		{name: "stale nextUpdate", want: errStaleResponse, spec: func() respSpec {
			s := good()
			s.thisUpdate, s.nextUpdate = now.Add(-3*time.Hour), now.Add(-2*time.Hour)
			return s
		}},
		{name: "stale without nextUpdate", want: errStaleResponse, spec: func() respSpec {
			s := good()
			s.thisUpdate, s.nextUpdate = now.Add(-48*time.Hour), time.Time{}
			return s
		}},
		{name: "future thisUpdate", want: errFutureResponse, spec: func() respSpec {
			s := good()
			s.thisUpdate, s.nextUpdate = now.Add(time.Hour), now.Add(2*time.Hour)
			return s
		}},
		{name: "missing nonce", want: errNonceMismatch, spec: func() respSpec {
			s := good()
			s.echoNonce = false
			return s
		}},
		{name: "wrong nonce", want: errNonceMismatch, spec: func() respSpec {
			s := good()
			s.nonce = []byte("0123456789abcdef")
			return s
		}},
		{name: "unknown critical response extension", want: errCriticalExtension, spec: func() respSpec {
			s := good()
			s.respExts = critical
			return s
		}},
		{name: "unknown critical single extension", want: errCriticalExtension, spec: func() respSpec {
			s := good()
			s.singleExts = critical
			return s
		}},
		{name: "wrong serial", want: errCertIDMismatch, spec: func() respSpec {
			s := good()
			s.serial = big.NewInt(999999)
			return s
		}},
		{name: "wrong issuer name hash", want: errCertIDMismatch, spec: func() respSpec {
			s := good()
			s.nameHash = make([]byte, 20)
			return s
		}},
		{name: "unknown", want: ErrUnknown, spec: func() respSpec {
			s := good()
			s.status = StatusUnknown
			return s
		}},
		{name: "malformedRequest", want: errResponderStatus, spec: func() respSpec { return respSpec{respStatus: 1} }},
		{name: "internalError", want: errResponderStatus, spec: func() respSpec { return respSpec{respStatus: 2} }},
		{name: "tryLater", want: errResponderStatus, spec: func() respSpec { return respSpec{respStatus: 3} }},
		{name: "sigRequired", want: errResponderStatus, spec: func() respSpec { return respSpec{respStatus: 5} }},
		{name: "unauthorized", want: errResponderStatus, spec: func() respSpec { return respSpec{respStatus: 6} }},
		{name: "garbage", want: errMalformedResponse, handler: func(w http.ResponseWriter, r *http.Request) {
			w.Write([]byte("<html>this is not OCSP</html>"))
		}},
		{name: "HTTP 500", want: errFetch, handler: func(w http.ResponseWriter, r *http.Request) {
			http.Error(w, "down", http.StatusInternalServerError)
		}},
		{name: "slow", want: errTimeout, opts: func(_ *Options, oo *ocsp.Options) { oo.Timeout = 100 * time.Millisecond },
			handler: func(w http.ResponseWriter, r *http.Request) {
				select {
				case <-r.Context().Done():
				case <-time.After(5 * time.Second):
				}
			}},
		{name: "oversize", want: errResponseTooLarge, opts: func(_ *Options, oo *ocsp.Options) { oo.MaxResponseSize = 1024 },
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.Write(make([]byte, 64<<10))
			}},
		{name: "oversize without length", want: errResponseTooLarge, opts: func(_ *Options, oo *ocsp.Options) { oo.MaxResponseSize = 1024 },
			handler: func(w http.ResponseWriter, r *http.Request) {
				for range 64 {
					w.Write(make([]byte, 1024))
					w.(http.Flusher).Flush()
				}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := tt.handler
			if h == nil {
				h = func(w http.ResponseWriter, r *http.Request) {
					n, err := requestNonce(r)
					if err != nil {
						http.Error(w, err.Error(), 400)
						return
					}
					w.Header().Set("Content-Type", "application/ocsp-response")
					w.Write(buildResponse(t, tt.spec(), p.Auth.Cert, p.CA.Cert, n))
				}
			}
			srv := httptest.NewServer(h)
			defer srv.Close()
			o := Options{Roots: pool(p.Root.Cert), Intermediates: pool(p.CA.Cert), Revocation: OCSPOnly, Usage: UsageAuthentication}
			oo := ocsp.Options{Server: srv.URL, Nonce: true}
			if tt.opts != nil {
				tt.opts(&o, &oo)
			}
			o.OCSP = ocsp.NewChecker(oo)
			v, err := NewValidator(o)
			if err != nil {
				t.Fatal(err)
			}
			res, err := v.Validate(context.Background(), p.Auth.Cert)
			if !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
			if res.Valid || res.Revocation == StatusGood {
				t.Fatalf("valid=%v revocation=%v: must never be good", res.Valid, res.Revocation)
			}
			if tt.want != ErrUnknown && !errors.Is(err, ErrRevocationUnavailable) {
				t.Fatalf("err = %v, want it to wrap ErrRevocationUnavailable", err)
			}
			if len(res.Sources) < 1 || res.Sources[0].URL != srv.URL || res.Sources[0].Status == StatusGood {
				t.Fatalf("sources = %+v", res.Sources)
			}
			if Code(err) == "error" {
				t.Fatalf("no code for %v", err)
			}
			// Soft fail accepts what could not be determined, never an unknown.
			o.SoftFail = true
			v2, _ := NewValidator(o)
			res2, err2 := v2.Validate(context.Background(), p.Auth.Cert)
			if tt.want == ErrUnknown {
				if res2.Valid || !errors.Is(err2, ErrUnknown) {
					t.Fatalf("soft fail accepted unknown: %v", err2)
				}
			} else if !res2.Valid || res2.Revocation != StatusUndetermined {
				t.Fatalf("soft fail: valid=%v revocation=%v err=%v", res2.Valid, res2.Revocation, err2)
			}
		})
	}
}

// TestOCSPResponderGood checks the accepted shapes: the CA signing itself
// or a delegated responder, ResponderID by name or key, SHA-1 or SHA-256
// CertIDs, GET or POST, with and without nonce, revoked and on hold.
func TestOCSPResponderGood(t *testing.T) {
	p := testpki.New(t, testpki.Options{})
	now := time.Now()
	tests := []struct {
		name   string
		spec   respSpec
		opts   func(*Options, *ocsp.Options)
		want   Status
		method string
		ahead  time.Duration // thisUpdate this far after now
		noNext bool          // omit nextUpdate
	}{
		{name: "delegated by key, nonce, GET", method: http.MethodGet, want: StatusGood,
			spec: respSpec{status: StatusGood, signer: p.Responder, embed: []*x509.Certificate{p.Responder.Cert}, ridByKey: true, echoNonce: true}},
		{name: "CA itself by name, POST", method: http.MethodPost, want: StatusGood,
			opts: func(_ *Options, oo *ocsp.Options) { oo.GetLimit = -1; oo.Nonce = false },
			spec: respSpec{status: StatusGood, signer: p.CA}},
		{name: "SHA-256 CertID", method: http.MethodGet, want: StatusGood,
			opts: func(_ *Options, oo *ocsp.Options) { oo.Hash = crypto.SHA256 },
			spec: respSpec{status: StatusGood, signer: p.CA, hash: crypto.SHA256, echoNonce: true}},
		{name: "revoked", method: http.MethodGet, want: StatusRevoked,
			spec: respSpec{status: StatusRevoked, revokedAt: now.Add(-time.Hour), reason: crl.ReasonKeyCompromise, signer: p.CA, echoNonce: true}},
		{name: "thisUpdate ahead within the skew", method: http.MethodGet, want: StatusGood, ahead: 2 * time.Minute,
			spec: respSpec{status: StatusGood, signer: p.CA, echoNonce: true}},
		{name: "without nextUpdate, within max age", method: http.MethodGet, want: StatusGood, noNext: true,
			spec: respSpec{status: StatusGood, signer: p.CA, echoNonce: true}},
		{name: "on hold", method: http.MethodGet, want: StatusSuspended,
			spec: respSpec{status: StatusRevoked, revokedAt: now.Add(-time.Hour), reason: crl.ReasonCertificateHold, signer: p.CA, echoNonce: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var method string
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				method = r.Method
				n, err := requestNonce(r)
				if err != nil {
					http.Error(w, err.Error(), 400)
					return
				}
				s := tt.spec
				s.thisUpdate, s.nextUpdate = now.Add(-time.Minute), now.Add(time.Hour)
				if tt.ahead != 0 {
					s.thisUpdate, s.producedAt = now.Add(tt.ahead), now
				}
				if tt.noNext {
					s.nextUpdate = time.Time{}
				}
				w.Write(buildResponse(t, s, p.Auth.Cert, p.CA.Cert, n))
			}))
			defer srv.Close()
			o := Options{Roots: pool(p.Root.Cert), Intermediates: pool(p.CA.Cert), Revocation: OCSPOnly}
			oo := ocsp.Options{Server: srv.URL, Nonce: true}
			if tt.opts != nil {
				tt.opts(&o, &oo)
			}
			o.OCSP = ocsp.NewChecker(oo)
			res, err := validate(context.Background(), p.Auth.Cert, o)
			if res.Revocation != tt.want {
				t.Fatalf("revocation = %v (%v), want %v", res.Revocation, err, tt.want)
			}
			if method != tt.method {
				t.Fatalf("method = %s, want %s", method, tt.method)
			}
			s := res.Sources[0]
			if s.ThisUpdate.IsZero() || s.NextUpdate.IsZero() != tt.noNext || s.ProducedAt.IsZero() || s.URL != srv.URL {
				t.Fatalf("source = %+v", s)
			}
			switch tt.want {
			case StatusGood:
				if err != nil || !res.Valid {
					t.Fatalf("err = %v", err)
				}
			case StatusRevoked:
				var re *RevokedError
				if !errors.As(err, &re) || !errors.Is(err, ErrRevoked) || re.Reason != crl.ReasonKeyCompromise || res.Reason != crl.ReasonKeyCompromise {
					t.Fatalf("err = %v", err)
				}
			case StatusSuspended:
				if !errors.Is(err, ErrSuspended) || errors.Is(err, ErrRevoked) {
					t.Fatalf("err = %v", err)
				}
			}
		})
	}
}

// A caller whose context ends stops waiting with errTimeout; the request
// it started still completes for the others and fills the cache.
func TestOCSPCallerCancellation(t *testing.T) {
	p := testpki.New(t, testpki.Options{})
	now := time.Now()
	release := make(chan struct{})
	var hits atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		<-release
		s := respSpec{status: StatusGood, thisUpdate: now.Add(-time.Minute), nextUpdate: now.Add(time.Hour), signer: p.CA}
		w.Write(buildResponse(t, s, p.Auth.Cert, p.CA.Cert, nil))
	}))
	defer srv.Close()
	oc := ocsp.NewChecker(ocsp.Options{Server: srv.URL})
	v, err := NewValidator(Options{Roots: pool(p.Root.Cert), Intermediates: pool(p.CA.Cert),
		OCSP: oc, Revocation: OCSPOnly})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err = v.Validate(ctx, p.Auth.Cert)
	if !errors.Is(err, errTimeout) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want errTimeout", err)
	}
	close(release)
	res, err := v.Validate(context.Background(), p.Auth.Cert)
	if err != nil || res.Revocation != StatusGood {
		t.Fatalf("second validation: %v", err)
	}
	if hits.Load() != 1 || oc.Requests() != 1 {
		t.Fatalf("requests = %d/%d, want 1", hits.Load(), oc.Requests())
	}
}
