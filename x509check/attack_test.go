package x509check_test

// Attacks of issue 17 on the trust decisions, each built here with
// crypto/x509 (or openssl where said): the validator must refuse them.

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"errors"
	"log/slog"
	"math/big"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/csam-go/csam/internal/checktest"
	"github.com/csam-go/csam/internal/testpki"
	"github.com/csam-go/csam/keys"
	"github.com/csam-go/csam/levels"
	"github.com/csam-go/csam/x509check"
	"github.com/csam-go/csam/x509check/crl"
)

// kc is a certificate and its key.
type kc struct {
	cert *x509.Certificate
	key  *ecdsa.PrivateKey
}

var attackSerial atomic.Int64

// attackNow is the validation time of the Go-made certificates.
var attackNow = time.Now().UTC().Truncate(time.Second)

// issue signs tmpl with parent (nil: self-signed), filling the serial,
// validity (a day around attackNow unless set) and a fresh P-256 key.
func issue(t testing.TB, tmpl *x509.Certificate, parent *kc) *kc {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl.SerialNumber = big.NewInt(0x100 + attackSerial.Add(1))
	if tmpl.NotBefore.IsZero() {
		tmpl.NotBefore, tmpl.NotAfter = attackNow.Add(-time.Hour), attackNow.Add(24*time.Hour)
	}
	signer, pcert := key, tmpl
	if parent != nil {
		signer, pcert = parent.key, parent.cert
	}
	c := testpki.MustIssue(t, tmpl, pcert, &key.PublicKey, signer)
	return &kc{cert: c, key: key}
}

func caTmpl(cn string, mod ...func(*x509.Certificate)) *x509.Certificate {
	c := &x509.Certificate{Subject: pkix.Name{Country: []string{"BE"}, CommonName: cn},
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageCRLSign}
	for _, m := range mod {
		m(c)
	}
	return c
}

func leafTmpl(cn string, ku x509.KeyUsage, mod ...func(*x509.Certificate)) *x509.Certificate {
	c := &x509.Certificate{Subject: pkix.Name{Country: []string{"BE"}, CommonName: cn}, KeyUsage: ku}
	for _, m := range mod {
		m(c)
	}
	return c
}

func withPolicy(oid asn1.ObjectIdentifier) func(*x509.Certificate) {
	return func(c *x509.Certificate) {
		c.PolicyIdentifiers = []asn1.ObjectIdentifier{oid}
		o, _ := x509.OIDFromASN1OID(oid)
		c.Policies = []x509.OID{o}
	}
}

func withEKU(ekus ...x509.ExtKeyUsage) func(*x509.Certificate) {
	return func(c *x509.Certificate) { c.ExtKeyUsage = ekus }
}

func withUnknownEKU(oids ...asn1.ObjectIdentifier) func(*x509.Certificate) {
	return func(c *x509.Certificate) { c.UnknownExtKeyUsage = oids }
}

// Issue 17, item 2: a certificate carrying the Belgian eID authentication
// policy is a Belgian eID only on a path to a pinned Belgian root through
// its Citizen (or Foreigner) CA; any other trusted CA could mint it.
func TestBelgianPolicyFromOtherCA(t *testing.T) {
	pinned := issue(t, caTmpl("Test Belgian Root"), nil)
	citizen := issue(t, caTmpl("Citizen CA"), pinned)
	rogueCA := issue(t, caTmpl("Rogue CA"), pinned)
	other := issue(t, caTmpl("Some Trusted Root"), nil)
	otherCitizen := issue(t, caTmpl("Citizen CA"), other)
	auth := func(parent *kc) *x509.Certificate {
		return issue(t, leafTmpl("Mallory (Authentication)", x509.KeyUsageDigitalSignature, withPolicy(testpki.PolicyCitizenAuth)), parent).cert
	}
	tests := []struct {
		name  string
		leaf  *x509.Certificate
		inter *x509.Certificate
		want  x509check.BelgianType
	}{
		{"pinned root, Citizen CA", auth(citizen), citizen.cert, x509check.CitizenAuthentication},
		{"another trusted root, its own Citizen CA", auth(otherCitizen), otherCitizen.cert, x509check.NotBelgian},
		{"another trusted root, directly", auth(other), nil, x509check.NotBelgian},
		{"pinned root, a CA not named Citizen CA", auth(rogueCA), rogueCA.cert, x509check.NotBelgian},
		{"pinned root, directly", auth(pinned), nil, x509check.NotBelgian},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := x509check.Options{Roots: certPool(pinned.cert, other.cert), Revocation: x509check.NoRevocation,
				Usage: x509check.UsageAuthentication, CurrentTime: attackNow,
				ExtraBelgianPins: []string{x509check.SPKIPin(pinned.cert)}}
			var extra []*x509.Certificate
			if tt.inter != nil {
				extra = append(extra, tt.inter)
			}
			res, err := checktest.Validate(t.Context(), tt.leaf, o, extra...)
			if err != nil {
				t.Fatalf("Validate: %v", err)
			}
			wantKey, wantLevel := keys.ID(""), levels.None
			if tt.want != x509check.NotBelgian {
				wantKey, wantLevel = keys.IDEID, levels.Column3
			}
			if res.Belgian.Type != tt.want || res.KeyType != wantKey || res.Level != wantLevel {
				t.Fatalf("belgian %v key %q level %v; want %v %q %v", res.Belgian.Type, res.KeyType, res.Level, tt.want, wantKey, wantLevel)
			}
			// The eID of art. 7 is the same fact: a root pinned with
			// ExtraBelgianPins counts as the built-in pins do.
			if res.EID != (tt.want != x509check.NotBelgian) {
				t.Fatalf("EID = %v for belgian %v", res.EID, res.Belgian.Type)
			}
		})
	}
}

// Issue 17, item 3: extended key usages are checked on the whole path for
// the intended usage (OpenSSL: "unsuitable certificate purpose").
func TestExtendedKeyUsage(t *testing.T) {
	root := issue(t, caTmpl("EKU Root"), nil)
	ca := issue(t, caTmpl("EKU CA"), root)
	serverCA := issue(t, caTmpl("Server-only CA", withEKU(x509.ExtKeyUsageServerAuth)), root)
	mailCA := issue(t, caTmpl("Client+mail CA", withEKU(x509.ExtKeyUsageClientAuth, x509.ExtKeyUsageEmailProtection)), root)
	both := x509.KeyUsageDigitalSignature | x509.KeyUsageContentCommitment
	leaf := func(parent *kc, mod ...func(*x509.Certificate)) *x509.Certificate {
		return issue(t, leafTmpl("EKU leaf", both, mod...), parent).cert
	}
	auth, sign := x509check.UsageAuthentication, x509check.UsageSignature
	tests := []struct {
		name   string
		leaf   *x509.Certificate
		inter  *kc
		usage  x509check.Usage
		strict bool
		ok     bool
	}{
		{"codeSigning only, for auth", leaf(ca, withEKU(x509.ExtKeyUsageCodeSigning)), ca, auth, false, false},
		{"serverAuth only, for sign", leaf(ca, withEKU(x509.ExtKeyUsageServerAuth)), ca, sign, false, false},
		{"serverAuth only, for auth", leaf(ca, withEKU(x509.ExtKeyUsageServerAuth)), ca, auth, false, false},
		{"codeSigning only, for any", leaf(ca, withEKU(x509.ExtKeyUsageCodeSigning)), ca, x509check.UsageAny, false, true},
		{"no EKU, for auth", leaf(ca), ca, auth, false, true},
		{"no EKU, for sign", leaf(ca), ca, sign, false, true},
		{"no EKU, for auth, strict", leaf(ca), ca, auth, true, false},
		{"clientAuth, for auth, strict", leaf(ca, withEKU(x509.ExtKeyUsageClientAuth)), ca, auth, true, true},
		{"clientAuth, for sign", leaf(ca, withEKU(x509.ExtKeyUsageClientAuth)), ca, sign, false, false},
		{"anyExtendedKeyUsage, for sign", leaf(ca, withEKU(x509.ExtKeyUsageAny)), ca, sign, false, true},
		{"emailProtection, for sign", leaf(ca, withEKU(x509.ExtKeyUsageEmailProtection)), ca, sign, false, true},
		{"emailProtection, for auth", leaf(ca, withEKU(x509.ExtKeyUsageEmailProtection)), ca, auth, false, false},
		{"documentSigning, for sign", leaf(ca, withUnknownEKU(x509check.OIDExtKeyUsageDocumentSigning)), ca, sign, false, true},
		{"Adobe, for sign", leaf(ca, withUnknownEKU(x509check.OIDExtKeyUsageAdobeAuthenticDocuments)), ca, sign, false, true},
		{"Microsoft document signing, for sign", leaf(ca, withUnknownEKU(x509check.OIDExtKeyUsageMSDocumentSigning)), ca, sign, false, true},
		{"no EKU under a serverAuth-only CA, for auth", leaf(serverCA), serverCA, auth, false, false},
		{"clientAuth under a serverAuth-only CA, for auth", leaf(serverCA, withEKU(x509.ExtKeyUsageClientAuth)), serverCA, auth, false, false},
		{"no EKU under a clientAuth+emailProtection CA, for auth", leaf(mailCA), mailCA, auth, false, true},
		{"no EKU under a clientAuth+emailProtection CA, for sign", leaf(mailCA), mailCA, sign, false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := x509check.Options{Roots: certPool(root.cert), Revocation: x509check.NoRevocation,
				Usage: tt.usage, StrictExtKeyUsage: tt.strict, CurrentTime: attackNow}
			res, err := checktest.Validate(t.Context(), tt.leaf, o, tt.inter.cert)
			if tt.ok {
				if err != nil || !res.Valid {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			if !errors.Is(err, x509check.ErrWrongUsage) || res.Valid {
				t.Fatalf("err = %v, valid %v; want ErrWrongUsage", err, res.Valid)
			}
		})
	}
}

// Issue 14: x509check logs nothing unless given a logger (it used to write
// to slog.Default(), e.g. a WARN line per soft-failed check).
func TestSilentByDefault(t *testing.T) {
	var buf bytes.Buffer
	old := slog.Default()
	slog.SetDefault(slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug})))
	t.Cleanup(func() { slog.SetDefault(old) })
	root := issue(t, caTmpl("Silent Root"), nil)
	leaf := issue(t, leafTmpl("Silent leaf", x509.KeyUsageDigitalSignature, func(c *x509.Certificate) {
		c.OCSPServer = []string{"http://127.0.0.1:1/"}
	}), root).cert
	o := x509check.Options{Roots: certPool(root.cert), SoftFail: true, Offline: true, CurrentTime: attackNow}
	res, err := checktest.Validate(t.Context(), leaf, o)
	if err != nil || !res.Valid {
		t.Fatalf("soft fail: %v", err)
	}
	if buf.Len() != 0 {
		t.Fatalf("logged to slog.Default():\n%s", buf.String())
	}
	// With a logger, the soft failure is reported.
	o.Logger = slog.New(slog.NewTextHandler(&buf, nil))
	if _, err := checktest.Validate(t.Context(), leaf, o); err != nil || !bytes.Contains(buf.Bytes(), []byte("soft fail")) {
		t.Fatalf("with a logger: %v\n%s", err, buf.String())
	}
}

// crlBy signs a CRL of ca numbered n with the given entries, valid from a
// minute before attackNow until next.
func crlBy(t testing.TB, ca *kc, n int64, next time.Time, entries ...x509.RevocationListEntry) []byte {
	t.Helper()
	der, err := x509.CreateRevocationList(rand.Reader, &x509.RevocationList{Number: big.NewInt(n),
		ThisUpdate: attackNow.Add(-time.Duration(10-n) * time.Minute), NextUpdate: next,
		RevokedCertificateEntries: entries}, ca.cert, ca.key)
	if err != nil {
		t.Fatal(err)
	}
	return der
}

func revoked(c *x509.Certificate, at time.Time, reason x509check.Reason, exts ...pkix.Extension) x509.RevocationListEntry {
	return x509.RevocationListEntry{SerialNumber: c.SerialNumber, RevocationTime: at, ReasonCode: int(reason), ExtraExtensions: exts}
}

// invalidity is the invalidityDate CRL entry extension (RFC 5280 5.3.2).
func invalidity(t testing.TB, at time.Time) pkix.Extension {
	t.Helper()
	v, err := asn1.MarshalWithParams(at.UTC(), "generalized")
	if err != nil {
		t.Fatal(err)
	}
	return pkix.Extension{Id: asn1.ObjectIdentifier{2, 5, 29, 24}, Value: v}
}

// Items 4 and 5: of the CRLs given, the newest decides (an older one given
// first never masks a newer one listing the certificate), a revocation
// other than a hold stands, and a key compromise applies before its
// revocation date: from its invalidity date, or from the start without
// one.
func TestCRLFreshestAndKeyCompromise(t *testing.T) {
	root := issue(t, caTmpl("CRL Attack Root"), nil)
	ca := issue(t, caTmpl("CRL Attack CA"), root)
	leaf := issue(t, leafTmpl("CRL leaf", x509.KeyUsageDigitalSignature), ca).cert
	next := attackNow.Add(time.Hour)
	empty1 := crlBy(t, ca, 1, next)
	listed2 := crlBy(t, ca, 2, next, revoked(leaf, attackNow.Add(-5*time.Minute), crl.ReasonSuperseded))
	hold1 := crlBy(t, ca, 1, next, revoked(leaf, attackNow.Add(-20*time.Minute), crl.ReasonCertificateHold))
	empty2 := crlBy(t, ca, 2, next)
	later := attackNow.Add(time.Hour)
	kcNoDate := crlBy(t, ca, 3, next, revoked(leaf, later, crl.ReasonKeyCompromise))
	kcBefore := crlBy(t, ca, 3, next, revoked(leaf, later, crl.ReasonKeyCompromise, invalidity(t, attackNow.Add(-time.Hour))))
	kcAfter := crlBy(t, ca, 3, next, revoked(leaf, later, crl.ReasonKeyCompromise, invalidity(t, attackNow.Add(30*time.Minute))))
	caComp := crlBy(t, ca, 3, next, revoked(leaf, later, crl.ReasonCACompromise))
	superseded := crlBy(t, ca, 3, next, revoked(leaf, later, crl.ReasonSuperseded))
	tests := []struct {
		name string
		crls [][]byte
		want x509check.Status
	}{
		{"older CRL first, newer lists it", [][]byte{empty1, listed2}, x509check.StatusRevoked},
		{"newer CRL first, older does not list it", [][]byte{listed2, empty1}, x509check.StatusRevoked},
		{"older hold, newer lifts it", [][]byte{hold1, empty2}, x509check.StatusGood},
		{"newer lifts it, older hold", [][]byte{empty2, hold1}, x509check.StatusGood},
		{"keyCompromise dated later, no invalidity date", [][]byte{kcNoDate}, x509check.StatusRevoked},
		{"keyCompromise dated later, invalid since before", [][]byte{kcBefore}, x509check.StatusRevoked},
		{"keyCompromise dated later, invalid only later", [][]byte{kcAfter}, x509check.StatusGood},
		{"cACompromise dated later", [][]byte{caComp}, x509check.StatusRevoked},
		{"superseded dated later", [][]byte{superseded}, x509check.StatusGood},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			chk, err := x509check.NewCRLChecker(x509check.CRLOptions{CRLs: tt.crls, Offline: true})
			if err != nil {
				t.Fatal(err)
			}
			res, err := checktest.Validate(t.Context(), leaf, x509check.Options{Roots: certPool(root.cert),
				Revocation: x509check.CRLOnly, CRL: chk, Offline: true, CurrentTime: attackNow}, ca.cert)
			if res.Revocation != tt.want || res.Valid != (tt.want == x509check.StatusGood) {
				t.Fatalf("revocation %v valid %v (%v); want %v", res.Revocation, res.Valid, err, tt.want)
			}
			if tt.want == x509check.StatusRevoked && !errors.Is(err, x509check.ErrRevoked) {
				t.Fatalf("err = %v, want ErrRevoked", err)
			}
		})
	}
}

// Item 8: a forged CRL served by a man in the middle (right issuer name,
// another key, nextUpdate in 2125) is never cached: once the real CRL is
// served again, the revoked certificate is found revoked, and a forgery
// served afterwards does not replace the good cached CRL.
func TestCRLCachePoisoning(t *testing.T) {
	root := issue(t, caTmpl("Poison Root"), nil)
	ca := issue(t, caTmpl("Poison CA"), root)
	// Same name and key identifier, its own key.
	forger := issue(t, caTmpl("Poison CA", func(c *x509.Certificate) { c.SubjectKeyId = ca.cert.SubjectKeyId }), nil)
	var serve atomic.Pointer[[]byte]
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write(*serve.Load()) }))
	defer srv.Close()
	leaf := issue(t, leafTmpl("Poisoned leaf", x509.KeyUsageDigitalSignature, func(c *x509.Certificate) {
		c.CRLDistributionPoints = []string{srv.URL + "/ca.crl"}
	}), ca).cert
	forged := crlBy(t, forger, 9, time.Date(2125, 1, 1, 0, 0, 0, 0, time.UTC))
	real := crlBy(t, ca, 2, attackNow.Add(time.Hour), revoked(leaf, attackNow.Add(-time.Minute), crl.ReasonKeyCompromise))
	for _, soft := range []bool{true, false} {
		v, err := x509check.NewValidator(x509check.Options{Roots: certPool(root.cert), Intermediates: certPool(ca.cert),
			Revocation: x509check.CRLOnly, SoftFail: soft, CurrentTime: attackNow})
		if err != nil {
			t.Fatal(err)
		}
		serve.Store(&forged)
		res, err := v.Validate(t.Context(), leaf)
		if !errors.Is(err, errBadSignature) && !soft || res.Revocation != x509check.StatusUndetermined {
			t.Fatalf("soft %v, forged CRL: revocation %v, err %v", soft, res.Revocation, err)
		}
		// A CRL failure is not worded as an OCSP one.
		if e := res.Sources[0].Error; strings.Contains(e, "ocsp response") || !strings.Contains(e, "crl:") {
			t.Fatalf("forged CRL reported as %q", e)
		}
		serve.Store(&real)
		if res, err = v.Validate(t.Context(), leaf); !errors.Is(err, x509check.ErrRevoked) || res.Valid {
			t.Fatalf("soft %v, real CRL after a forged one: valid %v, err %v", soft, res.Valid, err)
		}
		serve.Store(&forged)
		if res, err = v.Validate(t.Context(), leaf); !errors.Is(err, x509check.ErrRevoked) || res.Valid {
			t.Fatalf("soft %v, forged CRL after the real one: valid %v, err %v", soft, res.Valid, err)
		}
	}
}

// inFlightDoer sends requests through next and records the most OCSP
// requests it had in flight at once (each certificate of a path has one).
type inFlightDoer struct {
	next     x509check.Doer
	now, max atomic.Int32
}

func (d *inFlightDoer) Do(r *http.Request) (*http.Response, error) {
	if !strings.HasPrefix(r.URL.Path, "/ocsp") {
		return d.next.Do(r)
	}
	n := d.now.Add(1)
	defer d.now.Add(-1)
	for m := d.max.Load(); n > m && !d.max.CompareAndSwap(m, n); m = d.max.Load() {
	}
	return d.next.Do(r)
}

// Issue 14, section 4: sources that never answer. The path's certificates
// are checked concurrently (about two request timeouts for leaf and CA,
// OCSP then CRL, where four used to add up: the OCSP requests of both
// certificates are in flight at once), one RequestTimeout
// bounds OCSP and CRL requests alike, and ValidationTimeout bounds the
// whole. The time bounds are a few times what the timeouts allow, far
// below what a regression costs (the 10 s request timeout, or no end),
// so that a loaded machine's slow wake-ups do not fail the test.
func TestValidationTimeBounded(t *testing.T) {
	stop := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-stop:
		}
	}))
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(stop) })
	sources := func(c *x509.Certificate) {
		c.OCSPServer = []string{srv.URL + "/ocsp"}
		c.CRLDistributionPoints = []string{srv.URL + "/ca.crl"}
	}
	root := issue(t, caTmpl("Silent Root"), nil)
	ca := issue(t, caTmpl("Silent CA", sources), root)
	leaf := issue(t, leafTmpl("Silent leaf", x509.KeyUsageDigitalSignature, sources), ca).cert
	tests := []struct {
		name            string
		request, entire time.Duration
		within          time.Duration
		concurrent      bool // requests of two certificates in flight at once
	}{
		// Sequential checks took 4 × 400 ms.
		{"request timeout, concurrent path", 400 * time.Millisecond, 0, 5 * time.Second, true},
		{"validation timeout", 10 * time.Second, 300 * time.Millisecond, 5 * time.Second, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doer := &inFlightDoer{next: srv.Client()}
			v, err := x509check.NewValidator(x509check.Options{Roots: certPool(root.cert), Intermediates: certPool(ca.cert),
				Tuning: x509check.Tuning{RequestTimeout: tt.request, ValidationTimeout: tt.entire}, CurrentTime: attackNow,
				HTTP: doer})
			if err != nil {
				t.Fatal(err)
			}
			start := time.Now()
			res, err := v.Validate(t.Context(), leaf)
			took := time.Since(start)
			if res.Valid || !errors.Is(err, x509check.ErrRevocationUnavailable) || !errors.Is(err, errTimeout) {
				t.Fatalf("valid %v, err %v; want ErrRevocationUnavailable with a timeout", res.Valid, err)
			}
			if took > tt.within {
				t.Fatalf("took %s, want under %s", took, tt.within)
			}
			if m := doer.max.Load(); tt.concurrent && m < 2 {
				t.Fatalf("at most %d OCSP request in flight at once, want the path's certificates checked concurrently", m)
			}
		})
	}
}
