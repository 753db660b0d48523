package crl_test

import (
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/csam-go/csam/x509check/crl"
)

func mustParse(t testing.TB, der []byte) *crl.CRL {
	t.Helper()
	c, err := crl.Parse(der)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

var unknownExt = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 99999, 1}

func TestVerify(t *testing.T) {
	ca := newGoCA(t, "Go Test CA")
	other := newGoCA(t, "Other CA")
	// Same name as ca, other key and SKI: an AKI mismatch (key rollover).
	rolled := newGoCA(t, "Go Test CA")
	noCRLSign := *ca.cert
	noCRLSign.KeyUsage = x509.KeyUsageCertSign
	notCA := *ca.cert
	notCA.IsCA = false

	good := ca.makeCRL(t, 1, []x509.RevocationListEntry{entry(10, 1)})
	badSig := append([]byte(nil), good...)
	badSig[len(badSig)-3] ^= 0x40

	tests := []struct {
		name   string
		der    []byte
		issuer *x509.Certificate
		at     time.Time
		skew   time.Duration
		want   error
	}{
		{"valid", good, ca.cert, now, 0, nil},
		{"thisUpdate within the skew", good, ca.cert, now.Add(-time.Hour - 4*time.Minute), 0, nil},
		{"thisUpdate in the future", good, ca.cert, now.Add(-time.Hour - 6*time.Minute), 0, errNotYetValid},
		{"nextUpdate within the skew", good, ca.cert, now.Add(23*time.Hour + 4*time.Minute), 0, nil},
		{"stale", good, ca.cert, now.Add(23*time.Hour + 6*time.Minute), 0, errStale},
		{"stale without skew", good, ca.cert, now.Add(23*time.Hour + time.Minute), -1, errStale},
		{"bad signature", badSig, ca.cert, now, 0, errBadSignature},
		{"wrong issuer", good, other.cert, now, 0, errIssuerMismatch},
		{"AKI mismatch", good, rolled.cert, now, 0, errIssuerMismatch},
		{"no cRLSign", good, &noCRLSign, now, 0, errNotCRLSigner},
		{"not a CA", good, &notCA, now, 0, errNotCRLSigner},
		{"unknown critical CRL extension", ca.makeCRL(t, 2, nil, pkix.Extension{Id: unknownExt, Critical: true, Value: []byte{5, 0}}), ca.cert, now, 0, errUnknownCriticalExtension},
		{"unknown non-critical CRL extension", ca.makeCRL(t, 3, nil, pkix.Extension{Id: unknownExt, Value: []byte{5, 0}}), ca.cert, now, 0, nil},
		{"unknown critical entry extension", ca.makeCRL(t, 4, []x509.RevocationListEntry{entry(11, 0, pkix.Extension{Id: unknownExt, Critical: true, Value: []byte{5, 0}})}), ca.cert, now, 0, errUnknownCriticalExtension},
		{"unknown non-critical entry extension", ca.makeCRL(t, 5, []x509.RevocationListEntry{entry(11, 0, pkix.Extension{Id: unknownExt, Value: []byte{5, 0}})}), ca.cert, now, 0, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := mustParse(t, tt.der)
			err := c.Verify(tt.issuer, crl.VerifyOptions{CurrentTime: tt.at, ClockSkew: tt.skew})
			if tt.want == nil {
				if err != nil {
					t.Fatalf("unexpected error %v", err)
				}
				return
			}
			if !errors.Is(err, tt.want) {
				t.Fatalf("error %v, want %v", err, tt.want)
			}
			if !strings.HasPrefix(err.Error(), "crl: ") {
				t.Errorf("message %q lacks the package prefix", err)
			}
			var te *crl.TimeError
			if (tt.want == errStale || tt.want == errNotYetValid) && !errors.As(err, &te) {
				t.Errorf("%T is not *TimeError", err)
			}
			var ee *crl.ExtensionError
			if tt.want == errUnknownCriticalExtension {
				if !errors.As(err, &ee) || !ee.OID.Equal(unknownExt) {
					t.Errorf("extension error %v", err)
				} else if strings.Contains(tt.name, "entry") && (ee.Serial == nil || ee.Serial.Int64() != 11) {
					t.Errorf("entry serial %v", ee.Serial)
				}
			}
		})
	}
}

func TestScope(t *testing.T) {
	ca := newGoCA(t, "Scope CA")
	const dp = "http://crl.example.test/users.crl"
	leaf := ca.leaf(t, 100, false, []string{dp})
	subCA := ca.leaf(t, 101, true, []string{dp})
	otherDP := ca.leaf(t, 102, false, []string{"http://crl.example.test/other.crl"})
	noDP := ca.leaf(t, 103, false, nil)
	revokedLeaf := ca.leaf(t, 104, false, []string{dp})
	entries := []x509.RevocationListEntry{entry(104, 1)}
	keyCompromiseOnly := []byte{0x06, 0x40} // bit 1

	tests := []struct {
		name   string
		idp    *idp
		cert   *x509.Certificate
		want   error
		status crl.Status
	}{
		{"no IDP, leaf", nil, leaf, nil, crl.StatusGood},
		{"no IDP, certificate without CRLDP", nil, noDP, nil, crl.StatusGood},
		{"user certs, leaf", &idp{uris: []string{dp}, user: true}, leaf, nil, crl.StatusGood},
		{"user certs, revoked leaf", &idp{uris: []string{dp}, user: true}, revokedLeaf, nil, crl.StatusRevoked},
		{"user certs, CA", &idp{user: true}, subCA, errScope, 0},
		{"CA certs, CA", &idp{ca: true}, subCA, nil, crl.StatusGood},
		{"CA certs, leaf", &idp{ca: true}, leaf, errScope, 0},
		{"attribute certs", &idp{attr: true}, leaf, errScope, 0},
		{"distribution point matches", &idp{uris: []string{"http://x.test/a", dp}}, leaf, nil, crl.StatusGood},
		{"distribution point differs", &idp{uris: []string{dp}}, otherDP, errScope, 0},
		{"distribution point, certificate without CRLDP", &idp{uris: []string{dp}}, noDP, errScope, 0},
		{"some reasons, unlisted", &idp{reasons: keyCompromiseOnly}, leaf, nil, crl.StatusUndetermined},
		{"some reasons, listed", &idp{reasons: keyCompromiseOnly}, revokedLeaf, nil, crl.StatusRevoked},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var exts []pkix.Extension
			if tt.idp != nil {
				exts = append(exts, idpExt(t, *tt.idp))
			}
			c := mustParse(t, ca.makeCRL(t, int64(i+1), entries, exts...))
			if err := c.Verify(ca.cert, crl.VerifyOptions{CurrentTime: now}); err != nil {
				t.Fatal(err)
			}
			res, err := c.Check(tt.cert)
			if tt.want != nil {
				if !isScope(err) {
					t.Fatalf("error %v, want a *ScopeError", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if res.Status != tt.status {
				t.Errorf("status %v, want %v", res.Status, tt.status)
			}
			if tt.idp != nil && tt.idp.reasons != nil && (res.Covered.Has(crl.ReasonSuperseded) || !res.Covered.Has(crl.ReasonKeyCompromise)) {
				t.Errorf("covered reasons %b", res.Covered)
			}
		})
	}
	t.Run("other issuer", func(t *testing.T) {
		other := newGoCA(t, "Other CA")
		c := mustParse(t, other.makeCRL(t, 1, entries))
		if _, err := c.Check(leaf); !errors.Is(err, errIssuerMismatch) {
			t.Errorf("error %v, want a bad-responder SourceError (issuer mismatch)", err)
		}
	})
}

// TestIndirect: a CRL issuer lists a certificate of another CA
// (certificateIssuer entry extension, indirectCRL in the IDP); the
// certificate names that CRL issuer as cRLIssuer of its distribution point.
func TestIndirect(t *testing.T) {
	certCA := newGoCA(t, "Certificate CA")
	crlCA := newGoCA(t, "CRL Issuer")
	const dp = "http://crl.example.test/indirect.crl"
	named := certCA.leaf(t, 7, false, nil, crldpWithIssuer(t, dp, crlCA.cert))
	unnamed := certCA.leaf(t, 7, false, []string{dp})
	own := crlCA.leaf(t, 7, false, nil)
	der := crlCA.makeCRL(t, 1, []x509.RevocationListEntry{
		entry(5, 4), // the CRL issuer's own serial 5
		entry(7, 1, certIssuerExt(t, certCA.cert)),
	}, idpExt(t, idp{indir: true}))
	c := mustParse(t, der)
	if err := c.Verify(crlCA.cert, crl.VerifyOptions{CurrentTime: now}); err != nil {
		t.Fatal(err)
	}
	res, err := c.Check(named)
	if err != nil || res.Status != crl.StatusRevoked || res.Entry.Reason != crl.ReasonKeyCompromise {
		t.Errorf("certificate of the other CA: %+v %v", res, err)
	}
	if _, err := c.Check(unnamed); !isScope(err) {
		t.Errorf("certificate without cRLIssuer: %v", err)
	}
	// Serial 7 of the CRL issuer itself is not revoked: the entry belongs
	// to the other CA.
	if res, err := c.Check(own); err != nil || res.Status != crl.StatusGood {
		t.Errorf("CRL issuer's own serial 7: %+v %v", res, err)
	}
	// The same holds in a CRL that does not say it is indirect.
	plain := mustParse(t, crlCA.makeCRL(t, 2, []x509.RevocationListEntry{entry(7, 1, certIssuerExt(t, certCA.cert))}))
	if res, err := plain.Check(own); err != nil || res.Status != crl.StatusGood {
		t.Errorf("entry naming another issuer in a direct CRL: %+v %v", res, err)
	}
	if _, err := plain.Check(named); !errors.Is(err, errIssuerMismatch) {
		t.Errorf("direct CRL of another issuer: %v", err)
	}
}

func TestDelta(t *testing.T) {
	ca := newGoCA(t, "Delta CA")
	held := ca.leaf(t, 20, false, nil)
	revoked := ca.leaf(t, 21, false, nil)
	good := ca.leaf(t, 22, false, nil)
	base := mustParse(t, ca.makeCRL(t, 10, []x509.RevocationListEntry{entry(20, 6), entry(21, 1)}))
	// The delta lifts the hold of 20 and revokes 22.
	delta := mustParse(t, ca.makeCRL(t, 11, []x509.RevocationListEntry{entry(20, 8), entry(22, 5)}, deltaExt(t, 10)))
	for _, c := range []*crl.CRL{base, delta} {
		if err := c.Verify(ca.cert, crl.VerifyOptions{CurrentTime: now}); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		name      string
		cert      *x509.Certificate
		delta     *crl.CRL
		status    crl.Status
		fromDelta bool
	}{
		{"held in base", held, nil, crl.StatusSuspended, false},
		{"hold lifted by removeFromCRL", held, delta, crl.StatusGood, true},
		{"revoked in base stays revoked", revoked, delta, crl.StatusRevoked, false},
		{"revoked by the delta", good, delta, crl.StatusRevoked, true},
		{"good in base", good, nil, crl.StatusGood, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := base.CheckWithDelta(tt.cert, tt.delta)
			if err != nil {
				t.Fatal(err)
			}
			if res.Status != tt.status || res.FromDelta != tt.fromDelta {
				t.Errorf("got %v (from delta %v), want %v (%v)", res.Status, res.FromDelta, tt.status, tt.fromDelta)
			}
		})
	}
	mismatches := []struct {
		name  string
		delta *crl.CRL
	}{
		{"base too old", mustParse(t, ca.makeCRL(t, 12, nil, deltaExt(t, 11)))},
		{"not a delta", mustParse(t, ca.makeCRL(t, 12, nil))},
		{"other issuer", mustParse(t, newGoCA(t, "Other").makeCRL(t, 12, nil, deltaExt(t, 10)))},
		{"other IDP", mustParse(t, ca.makeCRL(t, 12, nil, deltaExt(t, 10), idpExt(t, idp{user: true})))},
		{"delta not newer", mustParse(t, ca.makeCRL(t, 10, nil, deltaExt(t, 9)))},
	}
	for _, tt := range mismatches {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := base.CheckWithDelta(good, tt.delta); !errors.Is(err, errDeltaMismatch) {
				t.Errorf("error %v, want a malformed-response SourceError (delta mismatch)", err)
			}
		})
	}
}

func TestMalformed(t *testing.T) {
	ca := newGoCA(t, "Malformed CA")
	good := ca.makeCRL(t, 1, []x509.RevocationListEntry{entry(1, 1)})
	tests := []struct {
		name string
		data []byte
	}{
		{"empty", nil},
		{"garbage", []byte("not a CRL")},
		{"truncated", good[:len(good)-5]},
		{"trailing data", append(append([]byte(nil), good...), 0)},
		{"PEM of another type", []byte("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := crl.Parse(tt.data)
			var me *crl.MalformedError
			if !errors.Is(err, errMalformed) || !errors.As(err, &me) {
				t.Errorf("Parse: %v", err)
			}
			if _, err := crl.BuildIndex(tt.data); !errors.Is(err, errMalformed) {
				t.Errorf("BuildIndex: %v", err)
			}
		})
	}
}
