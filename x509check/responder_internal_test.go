package x509check

import (
	"context"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"math/big"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/csam-go/csam/internal/testpki"
	"github.com/csam-go/csam/x509check/crl"
	"github.com/csam-go/csam/x509check/internal/ocspasn"
	"github.com/csam-go/csam/x509check/ocsp"
)

// TestOCSPDelegatedResponderRevocation checks RFC 6960 section 4.2.2.2.1:
// a delegated responder certificate without id-pkix-ocsp-nocheck has its
// own revocation checked through the CRL distribution point it names,
// against the issuing CA, before its answer is used.
func TestOCSPDelegatedResponderRevocation(t *testing.T) {
	p := testpki.New(t, testpki.Options{})
	now := time.Now()
	crlOf := func(t *testing.T, revoked *big.Int, reason int) []byte {
		rl := &x509.RevocationList{Number: big.NewInt(1), ThisUpdate: now.Add(-time.Minute), NextUpdate: now.Add(time.Hour)}
		if revoked != nil {
			rl.RevokedCertificateEntries = []x509.RevocationListEntry{{SerialNumber: revoked, RevocationTime: now.Add(-time.Hour), ReasonCode: reason}}
		}
		der, err := x509.CreateRevocationList(rand.Reader, rl, p.CA.Cert, p.CA.Key)
		if err != nil {
			t.Fatal(err)
		}
		return der
	}
	const (
		serveGood = iota
		serveRevoked
		serveHold
		serveMissing
		noDP
	)
	tests := []struct {
		name  string
		crl   int
		soft  bool
		valid bool
		want  error  // error of the validation
		rev   Status // the result's revocation status
		crlSt Status // the responder's CRL source status (noDP: no source)
		note  string // in the OCSP source's note
	}{
		{"not revoked", serveGood, false, true, nil, StatusGood, StatusGood, "not revoked (CRL)"},
		{"revoked", serveRevoked, false, false, errBadResponder, StatusUndetermined, StatusRevoked, ""},
		{"revoked, soft fail", serveRevoked, true, true, nil, StatusUndetermined, StatusRevoked, ""},
		{"on hold", serveHold, false, false, errBadResponder, StatusUndetermined, StatusSuspended, ""},
		{"CRL unavailable", serveMissing, false, false, errBadResponder, StatusUndetermined, StatusUndetermined, ""},
		{"CRL unavailable, soft fail", serveMissing, true, true, nil, StatusGood, StatusUndetermined, "undetermined (accepted: soft fail)"},
		{"no distribution point", noDP, false, true, nil, StatusGood, 0, "names no CRL distribution point"},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var resp *testpki.Cert
			var crlDER []byte
			var crlFetches atomic.Int32
			mux := http.NewServeMux()
			mux.HandleFunc("/responder.crl", func(w http.ResponseWriter, r *http.Request) {
				crlFetches.Add(1)
				if crlDER == nil {
					http.NotFound(w, r)
					return
				}
				w.Write(crlDER)
			})
			mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
				n, err := requestNonce(r)
				if err != nil {
					http.Error(w, err.Error(), 400)
					return
				}
				s := respSpec{status: StatusGood, thisUpdate: now.Add(-time.Minute), nextUpdate: now.Add(time.Hour),
					signer: resp, embed: []*x509.Certificate{resp.Cert}, echoNonce: true}
				w.Write(buildResponse(t, s, p.Auth.Cert, p.CA.Cert, n))
			})
			srv := httptest.NewServer(mux)
			defer srv.Close()
			tmpl := &x509.Certificate{
				Subject:   pkix.Name{CommonName: "Responder Without NoCheck"},
				NotBefore: now.Add(-time.Hour), NotAfter: now.Add(time.Hour),
				ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageOCSPSigning}, KeyUsage: x509.KeyUsageDigitalSignature,
			}
			if tt.crl != noDP {
				tmpl.CRLDistributionPoints = []string{srv.URL + "/responder.crl"}
			}
			resp = p.Issue(t, "checked-responder-"+string(rune('a'+i)), p.CA, tmpl)
			if ocspasn.HasNoCheck(resp.Cert) {
				t.Fatal("test responder carries id-pkix-ocsp-nocheck")
			}
			switch tt.crl {
			case serveGood:
				crlDER = crlOf(t, big.NewInt(999999), 1)
			case serveRevoked:
				crlDER = crlOf(t, resp.Cert.SerialNumber, int(crl.ReasonKeyCompromise))
			case serveHold:
				crlDER = crlOf(t, resp.Cert.SerialNumber, int(crl.ReasonCertificateHold))
			}
			v, err := NewValidator(Options{Roots: pool(p.Root.Cert), Intermediates: pool(p.CA.Cert),
				OCSP: ocsp.NewChecker(ocsp.Options{Server: srv.URL, Nonce: true}), Revocation: OCSPOnly, Usage: UsageAuthentication, SoftFail: tt.soft})
			if err != nil {
				t.Fatal(err)
			}
			res, err := v.Validate(context.Background(), p.Auth.Cert)
			if tt.want == nil && err != nil || tt.want != nil && !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
			if res.Valid != tt.valid || res.Revocation != tt.rev {
				t.Fatalf("valid=%v revocation=%v, want %v %v (err %v)", res.Valid, res.Revocation, tt.valid, tt.rev, err)
			}
			if tt.crl == serveMissing && !tt.soft && !errors.Is(err, ErrRevocationUnavailable) {
				t.Fatalf("err = %v, want it to wrap ErrRevocationUnavailable", err)
			}
			ocspSrc := res.Sources[0]
			if ocspSrc.Kind != "ocsp" || ocspSrc.Responder != SubjectString(resp.Cert) || !strings.Contains(ocspSrc.Note, tt.note) {
				t.Fatalf("OCSP source = %+v", ocspSrc)
			}
			var crlSrc *Source
			for i := range res.Sources {
				if res.Sources[i].Note == responderNote {
					crlSrc = &res.Sources[i]
				}
			}
			if tt.crl == noDP {
				if crlSrc != nil || crlFetches.Load() != 0 {
					t.Fatalf("a responder naming no CRL was checked: %+v", res.Sources)
				}
				return
			}
			if crlSrc == nil || crlSrc.Kind != "crl" || crlSrc.Status != tt.crlSt ||
				!strings.Contains(crlSrc.Subject, "Responder Without NoCheck") || crlFetches.Load() == 0 {
				t.Fatalf("responder CRL source = %+v (fetches %d)", crlSrc, crlFetches.Load())
			}
			if tt.crl == serveRevoked && res.Reason == crl.ReasonKeyCompromise {
				t.Fatalf("the responder's revocation reason was taken for the certificate's")
			}
		})
	}
}
