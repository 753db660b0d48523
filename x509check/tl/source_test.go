package tl_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/csam-go/csam/internal/checktest"
	"github.com/csam-go/csam/internal/testenv"
	"github.com/csam-go/csam/internal/testpki"
	"github.com/csam-go/csam/internal/testtl"
	"github.com/csam-go/csam/x509check"
	"github.com/csam-go/csam/x509check/tl"
)

// TestTrustedListSource publishes the test PKI's root in a trusted list
// that the test signs, with a CA/QC service granted 10 days ago and
// withdrawn 90 minutes ago, and validates signature certificates issued
// before and after the withdrawal.
func TestTrustedListSource(t *testing.T) {
	now := time.Now().UTC().Truncate(time.Second)
	p := testpki.New(t, testpki.Options{Now: now})
	granted, withdrawn := now.Add(-10*24*time.Hour), now.Add(-90*time.Minute)
	signPolicy := testpki.PolicyCitizenSign.String()
	quals := []testtl.Qual{
		{Qualifiers: []string{tl.QualifierQCQSCDAsInCert}, Policies: [][]string{{signPolicy}}},
		{Qualifiers: []string{tl.QualifierNotQualified}, Assert: "none", Policies: [][]string{{signPolicy}}},
	}
	asi := []string{tl.ASIRootCAQC, tl.ASIForESignatures}
	spec := testtl.List{Seq: 1, Issued: now.Add(-time.Hour), NextUpdate: now.Add(30 * 24 * time.Hour),
		Providers: []testtl.Provider{{Name: "Test eID TSP", Services: []testtl.Service{{
			Cert:    p.Root.Cert,
			Current: testtl.Instance{Status: tl.StatusWithdrawn, Start: withdrawn, ASI: asi, Quals: quals},
			History: []testtl.Instance{{Status: tl.StatusGranted, Start: granted, ASI: asi, Quals: quals}},
		}}}}}
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	signer := testtl.NewSigner(t, key)
	list, err := tl.Verify(signer.Sign(t, spec.XML()), tl.VerifyOptions{Signers: []*x509.Certificate{signer.Cert}, Time: now})
	if err != nil {
		t.Fatal(err)
	}

	// A signature certificate issued 5 days ago, while the service was
	// granted; p.Sign was issued an hour ago, after the withdrawal.
	before := p.Issue(t, "sign-before", p.CA, &x509.Certificate{
		Subject:   pkix.Name{Country: []string{"BE"}, CommonName: "Dave Test (Signature)"},
		NotBefore: now.Add(-5 * 24 * time.Hour), NotAfter: now.Add(365 * 24 * time.Hour),
		KeyUsage: x509.KeyUsageContentCommitment, Policies: p.Sign.Cert.Policies,
		ExtraExtensions: []pkix.Extension{testpki.QCStatements(true)},
	})

	opts := x509check.Options{Intermediates: certPool(p.CA.Cert), Revocation: x509check.NoRevocation, CurrentTime: now}
	src := &tl.Source{List: list}
	src.Apply(&opts)
	v, err := x509check.NewValidator(opts)
	if err != nil {
		t.Fatal(err)
	}

	// Issued while granted, validated after the withdrawal: the service
	// no longer vouches for it (issue 17, item 1: it used to come out
	// valid and qualified from the status at its NotBefore alone).
	res, err := v.Validate(context.Background(), before.Cert)
	if !errors.Is(err, x509check.ErrUntrusted) || res.Valid || !strings.Contains(err.Error(), "not granted at the validation time") {
		t.Fatalf("issued while granted, validated after the withdrawal: valid %v, %v", res.Valid, err)
	}
	if q := res.Qualified; q == nil || q.Qualified || q.TrustedList == nil || q.TrustedList.Trusted ||
		q.TrustedList.AtIssuance.Status != tl.StatusGranted || q.TrustedList.AtValidation.Status != tl.StatusWithdrawn {
		t.Fatalf("issued while granted, validated after the withdrawal: %+v", q)
	}

	// The same certificate validated at a time before the withdrawal (a
	// signature time proven so): granted at both dates, qualified.
	opts.CurrentTime = withdrawn.Add(-10 * time.Minute)
	vb, err := x509check.NewValidator(opts)
	if err != nil {
		t.Fatal(err)
	}
	res, err = vb.Validate(context.Background(), before.Cert)
	if err != nil {
		t.Fatalf("issued while granted, validated before the withdrawal: %v", err)
	}
	q := res.Qualified
	if q == nil || !q.Qualified || !q.SSCD || q.Source != "trusted-list" || q.TrustedList == nil || !q.TrustedList.Trusted {
		t.Fatalf("issued while granted: %+v", q)
	}
	iss, val := q.TrustedList.AtIssuance, q.TrustedList.AtValidation
	if iss.Label != "QC for eSig with QSCD" || iss.Service != "Belgium Test Root CA6" || iss.Status != tl.StatusGranted ||
		len(iss.Qualifiers) != 1 || iss.Qualifiers[0] != tl.QualifierQCQSCDAsInCert {
		t.Errorf("at issuance: %s (%+v)", iss, iss)
	}
	if !val.Qualified || val.Status != tl.StatusGranted {
		t.Errorf("at validation: %s", val)
	}
	js, err := json.Marshal(q)
	if err != nil || !strings.Contains(string(js), `"label":"QC for eSig with QSCD"`) || !strings.Contains(string(js), `"trusted_list"`) {
		t.Errorf("JSON %s (%v)", js, err)
	}
	opts.CurrentTime = now

	// Issued after the withdrawal: not qualified, and not trusted.
	res, err = v.Validate(context.Background(), p.Sign.Cert)
	if !errors.Is(err, x509check.ErrUntrusted) || res.Valid {
		t.Fatalf("issued after withdrawal: %v", err)
	}
	if q := res.Qualified; q == nil || q.Qualified || q.TrustedList == nil || q.TrustedList.AtIssuance.Status != tl.StatusWithdrawn {
		t.Errorf("issued after withdrawal: %+v", q)
	}

	// Trust from other roots, qualification from the list (AllowUnlisted,
	// without Apply): a path the list identifies is still judged by it,
	// so after the withdrawal the certificate is untrusted, and before it
	// qualified.
	for _, tc := range []struct {
		at        time.Time
		qualified bool
	}{{now, false}, {withdrawn.Add(-10 * time.Minute), true}} {
		qo := x509check.Options{Roots: certPool(p.Root.Cert), Intermediates: certPool(p.CA.Cert), Revocation: x509check.NoRevocation,
			CurrentTime: tc.at, Qualification: &tl.Source{List: list, AllowUnlisted: true}}
		res, err := checktest.Validate(context.Background(), before.Cert, qo)
		if res.Qualified == nil || res.Qualified.Qualified != tc.qualified || res.Valid != tc.qualified ||
			(tc.qualified != (err == nil)) || (err != nil && !errors.Is(err, x509check.ErrUntrusted)) {
			t.Errorf("qualification from the list at %s: %v, %+v; want qualified and valid %v", tc.at, err, res.Qualified, tc.qualified)
		}
	}

	// A path the list does not know fails, unless allowed; allowed, it
	// keeps the certificate's own qualified status.
	other := testpki.New(t, testpki.Options{Now: now})
	opts.Roots = certPool(other.Root.Cert)
	opts.Intermediates = certPool(other.CA.Cert)
	if _, err := checktest.Validate(context.Background(), other.Sign.Cert, opts); !errors.Is(err, x509check.ErrUntrusted) {
		t.Errorf("unlisted path: %v", err)
	}
	opts.Qualification = &tl.Source{List: list, AllowUnlisted: true}
	res, err = checktest.Validate(context.Background(), other.Sign.Cert, opts)
	if q := res.Qualified; err != nil || !res.Valid || q.Source != "certificate" || !q.Qualified || q.TrustedList != nil ||
		!strings.Contains(q.Detail, "does not know the issuer") {
		t.Errorf("unlisted path allowed: %v %+v", err, q)
	}
}

// The real Citizen CA of 2020 at a time the June 2020 list covers: no
// CA/QC service of that list identifies Root CA6, so with AllowUnlisted it
// keeps its own status (a CA certificate: not qualified).
func TestTrustedListQualification(t *testing.T) {
	data, err := os.ReadFile(testenv.RealData(t, "trusted-lists", "tl-be-seq47.xml"))
	if err != nil {
		t.Fatal(err)
	}
	l, err := tl.Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2020, 7, 1, 0, 0, 0, 0, time.UTC)
	ca := readPEM(t, "belgium-pki", "citizenca-202002.pem")
	root := readPEM(t, "belgium-pki", "belgiumrca6.pem")
	res, err := checktest.Validate(t.Context(), ca, x509check.Options{
		Roots: certPool(root), CurrentTime: at, Revocation: x509check.NoRevocation,
		Qualification: &tl.Source{List: l, AllowUnlisted: true},
	})
	if err != nil {
		t.Fatal(err)
	}
	q := res.Qualified
	if q == nil || q.Qualified || !strings.Contains(q.Detail, "does not know the issuer") {
		t.Fatalf("qualified = %+v", q)
	}
}

// A certificate that states QcCompliance, from a CA no listed service
// covers: untrusted with the list as the source of trust, its own status
// with AllowUnlisted.
func TestTrustedListUnlistedIssuer(t *testing.T) {
	data, err := os.ReadFile(testenv.RealData(t, "trusted-lists", "tl-be-seq47.xml"))
	if err != nil {
		t.Fatal(err)
	}
	l, err := tl.Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	p := testpki.New(t, testpki.Options{})
	o := x509check.Options{Roots: certPool(p.Root.Cert), Intermediates: certPool(p.CA.Cert), Revocation: x509check.NoRevocation}
	o.Qualification = &tl.Source{List: l}
	if res, err := checktest.Validate(t.Context(), p.Sign.Cert, o); !errors.Is(err, x509check.ErrUntrusted) || res.Valid {
		t.Fatalf("unlisted issuer without AllowUnlisted: %v", err)
	}
	o.Qualification = &tl.Source{List: l, AllowUnlisted: true}
	res, err := checktest.Validate(t.Context(), p.Sign.Cert, o)
	if err != nil || !res.Qualified.Qualified || res.Qualified.Source != "certificate" || !res.CertificateStatus().Qualified {
		t.Fatalf("unlisted issuer with AllowUnlisted: %+v, %v", res.Qualified, err)
	}
}

// certPool lists cs as Options.Roots and Options.Intermediates take them.
func certPool(cs ...*x509.Certificate) []*x509.Certificate { return cs }
