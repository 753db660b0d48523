package sign_test

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/csam-go/csam/internal/testpki"
	"github.com/csam-go/csam/internal/testtl"
	"github.com/csam-go/csam/sign"
	"github.com/csam-go/csam/x509check/tl"
)

// otherData asks the TSA for a timestamp over other data than the
// signature value.
type otherData struct{ sign.Timestamper }

func (o otherData) Timestamp(ctx context.Context, _ []byte, h crypto.Hash) ([]byte, error) {
	d := sha256.Sum256([]byte("another signature"))
	return o.Timestamper.Timestamp(ctx, d[:], crypto.SHA256)
}

// TestTimestamp: CAdES-T with `openssl ts` as the TSA. The timestamp fixes
// the signing time: a revocation after it leaves the signature valid, one
// before it refuses it.
func TestTimestamp(t *testing.T) {
	e := newEnv(t)
	ts := e.startTSA()
	ctx := context.Background()
	later := e.signCert("Later")
	earlier := e.signCert("Earlier")
	e.revokeAt(later, e.now.Add(time.Hour))
	e.revokeAt(earlier, e.now.Add(-time.Hour))
	val := e.crlOptions()
	val.CurrentTime = e.now.Add(2 * time.Hour)
	v := e.verifier(sign.VerifyOptions{Validation: val, TSARoots: []*x509.Certificate{ts.Root.Cert}})
	client := &sign.TSAClient{URL: ts.URL}
	mk := func(c *testpki.Cert, stamper sign.Timestamper, at time.Time) []byte {
		sig, err := sign.Sign(ctx, msg, c.Key, sign.Options{Certificate: c.Cert, Chain: []*x509.Certificate{e.p.CA.Cert},
			Timestamper: stamper, SigningTime: at})
		if err != nil {
			t.Fatal(err)
		}
		return sig
	}

	// Revoked an hour after the timestamp: valid, the revocation noted.
	sig := mk(later, client, time.Time{})
	res, err := v.Verify(ctx, sig, nil)
	if err != nil {
		t.Fatalf("Verify: %v", err)
	}
	if res.TimeSource != sign.TimeFromTimestamp || res.Timestamp == nil || time.Until(res.Timestamp.Time).Abs() > time.Minute {
		t.Fatalf("time source %s timestamp %+v", res.TimeSource, res.Timestamp)
	}
	if res.Timestamp.TSA != "CN=Test TSU 1,C=BE" || res.Timestamp.Policy != "1.3.6.1.4.1.99999.1" || res.Timestamp.Qualified {
		t.Fatalf("timestamp %+v", res.Timestamp)
	}
	if !res.RevokedAt.Equal(e.now.Add(time.Hour)) || !strings.Contains(strings.Join(res.Reasons, ";"), "stays valid") {
		t.Fatalf("revocation after the timestamp not noted: %v %q", res.RevokedAt, res.Reasons)
	}

	// Revoked an hour before: refused, with the timestamp as time source,
	// even though the claimed signing time is older than the revocation.
	_, err = v.Verify(ctx, mk(earlier, client, e.now.Add(-2*time.Hour)), nil)
	var re *sign.RevokedError
	if !errors.As(err, &re) || re.TimeSource != sign.TimeFromTimestamp {
		t.Fatalf("err %v, want *RevokedError from the timestamp's time", err)
	}

	for _, tc := range []struct {
		name string
		v    *sign.Verifier
		sig  []byte
		want error
	}{
		{"timestamp over other data", v, mk(later, otherData{client}, time.Time{}), &sign.Error{Code: "timestamp-mismatch"}},
		{"TSA not trusted", e.verifier(sign.VerifyOptions{Validation: val}), sig, &sign.Error{Code: "bad-timestamp"}},
		{"TSA under another root", e.verifier(sign.VerifyOptions{Validation: val,
			TSARoots: []*x509.Certificate{e.p.Root.Cert}}), sig, &sign.Error{Code: "bad-timestamp"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := tc.v.Verify(ctx, tc.sig, nil); !errors.Is(err, tc.want) {
				t.Fatalf("err %v, want %v", err, tc.want)
			}
		})
	}
}

// TestTimestampQTST: a trusted list naming the TSA as a QTST service
// makes the timestamp qualified (and trusted without TSARoots); once the
// service is withdrawn, it is neither.
func TestTimestampQTST(t *testing.T) {
	e := newEnv(t)
	ts := e.startTSA()
	ctx := context.Background()
	sig, err := sign.Sign(ctx, msg, e.p.Sign.Key, sign.Options{Certificate: e.p.Sign.Cert,
		Chain: []*x509.Certificate{e.p.CA.Cert}, Timestamper: &sign.TSAClient{URL: ts.URL}})
	if err != nil {
		t.Fatal(err)
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	signer := testtl.NewSigner(t, testtl.RawECDSA{PrivateKey: key})
	list := func(status string) *tl.List {
		spec := testtl.List{Seq: 3, Issued: e.now.Add(-time.Hour), NextUpdate: e.now.Add(30 * 24 * time.Hour),
			Providers: []testtl.Provider{{Name: "Test TSP", Services: []testtl.Service{{
				Type: tl.SvcTypeQTST, Cert: ts.Cert.Cert,
				Current: testtl.Instance{Status: status, Start: e.now.Add(-24 * time.Hour), Name: "Test QTST"},
			}}}}}
		l, err := tl.Verify(signer.Sign(t, spec.XML()), tl.VerifyOptions{Signers: []*x509.Certificate{signer.Cert}, Time: e.now})
		if err != nil {
			t.Fatal(err)
		}
		return l
	}
	val := e.crlOptions()
	res, err := e.verifier(sign.VerifyOptions{Validation: val, TrustedList: list(tl.StatusGranted)}).Verify(ctx, sig, nil)
	if err != nil {
		t.Fatalf("Verify: %v", err)
	}
	if !res.Timestamp.Qualified || res.Timestamp.Service != "Test QTST" || res.Verdict != sign.Qualified {
		t.Fatalf("timestamp %+v verdict %v", res.Timestamp, res.Verdict)
	}
	withdrawn := list(tl.StatusWithdrawn)
	if _, err := e.verifier(sign.VerifyOptions{Validation: val, TrustedList: withdrawn}).Verify(ctx, sig, nil); !errors.Is(err, &sign.Error{Code: "bad-timestamp"}) {
		t.Fatalf("withdrawn QTST: %v", err)
	}
	res, err = e.verifier(sign.VerifyOptions{Validation: val, TrustedList: withdrawn,
		TSARoots: []*x509.Certificate{ts.Root.Cert}}).Verify(ctx, sig, nil)
	if err != nil || res.Timestamp.Qualified {
		t.Fatalf("withdrawn QTST under a TSA root: %v, qualified %v", err, res.Timestamp.Qualified)
	}
}

// TestExpiredSinceTimestamp: verified two years later, the timestamp still
// fixes the signing time inside the certificate's validity, but the
// expired certificate's revocation can no longer be checked: refused
// (ErrRevocationUnavailable, saying why), or accepted with SoftFail and
// the reason given.
func TestExpiredSinceTimestamp(t *testing.T) {
	e := newEnv(t)
	ts := e.startTSA()
	ctx := context.Background()
	c := e.signCert("Old")
	sig, err := sign.Sign(ctx, msg, c.Key, sign.Options{Certificate: c.Cert, Chain: []*x509.Certificate{e.p.CA.Cert},
		Timestamper: &sign.TSAClient{URL: ts.URL}})
	if err != nil {
		t.Fatal(err)
	}
	val := e.crlOptions()
	val.CurrentTime = e.now.Add(2 * 365 * 24 * time.Hour)
	tsaRoots := []*x509.Certificate{ts.Root.Cert}
	_, err = e.verifier(sign.VerifyOptions{Validation: val, TSARoots: tsaRoots}).Verify(ctx, sig, nil)
	if !errors.Is(err, &sign.Error{Code: "revocation-unavailable"}) || !strings.Contains(err.Error(), "expired at the verification time") {
		t.Fatalf("err %v, want ErrRevocationUnavailable for an expired certificate", err)
	}
	val.SoftFail = true
	res, err := e.verifier(sign.VerifyOptions{Validation: val, TSARoots: tsaRoots}).Verify(ctx, sig, nil)
	if err != nil || res.TimeSource != sign.TimeFromTimestamp || !strings.Contains(strings.Join(res.Reasons, ";"), "soft fail") {
		t.Fatalf("soft fail: %v %q", err, res.Reasons)
	}
}
