package tl_test

import (
	"crypto/x509"
	"encoding/asn1"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/csam-go/csam/x509check/tl"
)

var (
	grantedFrom = time.Date(2017, 1, 1, 0, 0, 0, 0, time.UTC)
	withdrawnAt = time.Date(2022, 6, 1, 0, 0, 0, 0, time.UTC)
	policyQES   = "1.3.6.1.4.1.99999.1.1" // test CA's qualified-signature policy
	policySeal  = "1.3.6.1.4.1.99999.1.2"
	policyOther = "1.3.6.1.4.1.99999.1.9"
)

// qualFixture is a signed, verified test list whose CA/QC service was
// granted in 2017 and withdrawn in June 2022, with a root CA listed and an
// issuing CA below it.
type qualFixture struct {
	list   *tl.List
	root   *testCA
	issuer *testCA
}

func newQualFixture(t *testing.T) *qualFixture {
	t.Helper()
	root := newRootCA(t, "Test Root CA", time.Date(2015, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2040, 1, 1, 0, 0, 0, 0, time.UTC))
	issuer := root.subCA(t, "Test Citizen CA")
	quals := []tQual{
		{qualifiers: []string{tl.QualifierQCQSCDAsInCert}, policies: [][]string{{policyQES}}},
		{qualifiers: []string{tl.QualifierQCForESeal, tl.QualifierQCNoQSCD}, policies: [][]string{{policySeal}}},
		{qualifiers: []string{tl.QualifierNotQualified}, assert: "none", policies: [][]string{{policyQES}, {policySeal}}},
	}
	asi := []string{tl.ASIRootCAQC, tl.ASIForESignatures, tl.ASIForESeals}
	spec := tList{seq: 12, issued: time.Date(2023, 1, 5, 0, 0, 0, 0, time.UTC), nextUpdate: time.Date(2023, 7, 5, 0, 0, 0, 0, time.UTC),
		order: []string{"Test TSP"},
		providers: map[string][]tService{"Test TSP": {{cert: root.cert,
			current: tInstance{status: tl.StatusWithdrawn, start: withdrawnAt, asi: asi, quals: quals},
			history: []tInstance{
				{status: tl.StatusGranted, start: grantedFrom, asi: asi, quals: quals},
				{status: tl.StatusUnderSupervision, start: time.Date(2015, 2, 1, 0, 0, 0, 0, time.UTC), quals: []tQual{
					{qualifiers: []string{tl.QualifierQCWithSSCD}, policies: [][]string{{policyQES}}}}},
			}}}}}
	s := testSigner(t)
	l, err := tl.Verify(s.sign(t, spec.xml()), tl.VerifyOptions{Signers: []*x509.Certificate{s.cert}, Time: time.Date(2023, 3, 1, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	return &qualFixture{list: l, root: root, issuer: issuer}
}

func (f *qualFixture) chain(leaf *x509.Certificate) []*x509.Certificate {
	return []*x509.Certificate{leaf, f.issuer.cert, f.root.cert}
}

func TestQualifyStatusOverTime(t *testing.T) {
	f := newQualFixture(t)
	validation := time.Date(2023, 3, 1, 0, 0, 0, 0, time.UTC)
	qes := leafSpec{policies: []string{policyQES}, compliance: true, sscd: true, types: []asn1.ObjectIdentifier{qcTypeESign}}

	before := qes
	before.issued = time.Date(2021, 3, 1, 0, 0, 0, 0, time.UTC)
	after := qes
	after.issued = time.Date(2022, 9, 1, 0, 0, 0, 0, time.UTC)

	rb, err := f.list.Qualify(f.chain(f.issuer.leaf(t, "Before", before)), validation)
	if err != nil {
		t.Fatal(err)
	}
	ra, err := f.list.Qualify(f.chain(f.issuer.leaf(t, "After", after)), validation)
	if err != nil {
		t.Fatal(err)
	}
	// Issued while granted: qualified for e-signatures with QSCD (as in the
	// certificate), by the service and qualifier that say so.
	q := rb.AtIssuance
	if !q.Qualified || q.Type != tl.TypeESig || !q.QSCD || q.Label() != "QC for eSig with QSCD" {
		t.Errorf("before, at issuance: %s", q)
	}
	if q.Service != "Test Root CA" || q.Provider != "Test TSP" || q.Status != tl.StatusGranted || !q.StatusStart.Equal(grantedFrom) {
		t.Errorf("before, deciding service: %+v", q)
	}
	if !reflect.DeepEqual(q.Qualifiers, []string{tl.QualifierQCQSCDAsInCert}) {
		t.Errorf("before, qualifiers %v", q.Qualifiers)
	}
	// At validation time the service is withdrawn: not qualified any more,
	// and the decision is neither trusted nor qualified (issue 17, item 1:
	// granted at issuance is not enough).
	if q := rb.AtValidation; q.Qualified || q.Status != tl.StatusWithdrawn {
		t.Errorf("before, at validation: %s", q)
	}
	if rb.Trusted || rb.Qualified || !strings.Contains(rb.Reason, "not granted at the validation time") {
		t.Errorf("before, decision: trusted %v qualified %v (%s)", rb.Trusted, rb.Qualified, rb.Reason)
	}
	if ra.Trusted || ra.Qualified {
		t.Errorf("after, decision: trusted %v qualified %v (%s)", ra.Trusted, ra.Qualified, ra.Reason)
	}
	// Issued after the withdrawal: not qualified, at either time.
	if q := ra.AtIssuance; q.Qualified || q.Status != tl.StatusWithdrawn || q.Label() != "not qualified" {
		t.Errorf("after, at issuance: %s", q)
	}
	if ra.AtValidation.Qualified {
		t.Errorf("after, at validation: %s", ra.AtValidation)
	}
	// Validated while still granted: qualified at both times.
	r, err := f.list.Qualify(f.chain(f.issuer.leaf(t, "Before2", before)), time.Date(2022, 1, 1, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	if !r.AtIssuance.Qualified || !r.AtValidation.Qualified || !r.Trusted || !r.Qualified {
		t.Errorf("validated in 2022: %s / %s, trusted %v qualified %v", r.AtIssuance, r.AtValidation, r.Trusted, r.Qualified)
	}
}

func TestQualifyQualifiers(t *testing.T) {
	f := newQualFixture(t)
	at := time.Date(2021, 6, 1, 0, 0, 0, 0, time.UTC)
	issued := time.Date(2021, 3, 1, 0, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name      string
		spec      leafSpec
		issued    time.Time
		qualified bool
		typ       tl.QCType
		qscd      bool
		quals     []string
	}{
		{name: "QSCD as in certificate, with QcSSCD", spec: leafSpec{policies: []string{policyQES}, compliance: true, sscd: true},
			qualified: true, typ: tl.TypeESig, qscd: true, quals: []string{tl.QualifierQCQSCDAsInCert}},
		{name: "QSCD as in certificate, without QcSSCD", spec: leafSpec{policies: []string{policyQES}, compliance: true},
			qualified: true, typ: tl.TypeESig, qscd: false, quals: []string{tl.QualifierQCQSCDAsInCert}},
		{name: "list forces e-seal and no QSCD over the certificate", spec: leafSpec{policies: []string{policySeal}, compliance: true, sscd: true, types: []asn1.ObjectIdentifier{qcTypeESign}},
			qualified: true, typ: tl.TypeESeal, qscd: false, quals: []string{tl.QualifierQCForESeal, tl.QualifierQCNoQSCD}},
		{name: "type e-seal from the certificate, QSCD as in it", spec: leafSpec{policies: []string{policyQES}, compliance: true, sscd: true, types: []asn1.ObjectIdentifier{qcTypeESeal}},
			qualified: true, typ: tl.TypeESeal, qscd: true, quals: []string{tl.QualifierQCQSCDAsInCert}},
		{name: "NotQualified for other policies", spec: leafSpec{policies: []string{policyOther}, compliance: true, sscd: true},
			qualified: false, quals: []string{tl.QualifierNotQualified}},
		{name: "no QcCompliance", spec: leafSpec{policies: []string{policyQES}, sscd: true},
			qualified: false, quals: []string{tl.QualifierQCQSCDAsInCert}},
		{name: "web type, service not for websites", spec: leafSpec{policies: []string{policyQES}, compliance: true, types: []asn1.ObjectIdentifier{qcTypeWeb}},
			qualified: false, quals: []string{tl.QualifierQCQSCDAsInCert}},
		{name: "legacy SSCD qualifier before eIDAS", spec: leafSpec{policies: []string{policyQES}, compliance: true}, issued: time.Date(2015, 6, 1, 0, 0, 0, 0, time.UTC),
			qualified: true, typ: tl.TypeESig, qscd: true, quals: []string{tl.QualifierQCWithSSCD}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.spec.issued = issued
			if !tc.issued.IsZero() {
				tc.spec.issued = tc.issued
			}
			r, err := f.list.Qualify(f.chain(f.issuer.leaf(t, "Leaf", tc.spec)), at)
			if err != nil {
				t.Fatal(err)
			}
			q := r.AtIssuance
			if q.Qualified != tc.qualified || q.Type != tc.typ || q.QSCD != tc.qscd || !reflect.DeepEqual(q.Qualifiers, tc.quals) {
				t.Errorf("got %s (type %q qscd %v qualifiers %v)", q, q.Type, q.QSCD, q.Qualifiers)
			}
			if q.Reason == "" {
				t.Error("no reason")
			}
		})
	}
}

func TestQualifyChainErrors(t *testing.T) {
	f := newQualFixture(t)
	other := newRootCA(t, "Other Root", time.Date(2015, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2040, 1, 1, 0, 0, 0, 0, time.UTC))
	leaf := f.issuer.leaf(t, "Leaf", leafSpec{issued: time.Date(2021, 3, 1, 0, 0, 0, 0, time.UTC), compliance: true})
	if _, err := f.list.Qualify(nil, time.Time{}); !errors.Is(err, tl.ErrMalformed) {
		t.Errorf("empty chain: %v", err)
	}
	if _, err := f.list.Qualify([]*x509.Certificate{leaf, other.cert}, time.Time{}); !errors.Is(err, tl.ErrMalformed) {
		t.Errorf("broken chain: %v", err)
	}
	// A chain outside the list: not qualified, no error.
	stranger := other.leaf(t, "Stranger", leafSpec{issued: time.Date(2021, 3, 1, 0, 0, 0, 0, time.UTC), compliance: true, sscd: true})
	r, err := f.list.Qualify([]*x509.Certificate{stranger, other.cert}, time.Date(2021, 6, 1, 0, 0, 0, 0, time.UTC))
	if err != nil || r.AtIssuance.Qualified || r.AtIssuance.Service != "" {
		t.Errorf("outside the list: %v %+v", err, r)
	}
}
