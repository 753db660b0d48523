package tl_test

import (
	"crypto/x509"
	"encoding/asn1"
	"testing"
	"time"

	"github.com/csam-go/csam/x509check/tl"
)

// TestQualifyCriteriaAndConflicts lists one root in two granted services,
// one for e-signatures (QSCD by key usage) and one for e-seals, and checks
// key-usage criteria, the additional-information filter and conflicts.
func TestQualifyCriteriaAndConflicts(t *testing.T) {
	const policyNoQSCD = "1.3.6.1.4.1.99999.1.7"
	root := newRootCA(t, "Shared Root", time.Date(2015, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2040, 1, 1, 0, 0, 0, 0, time.UTC))
	start := time.Date(2017, 1, 1, 0, 0, 0, 0, time.UTC)
	spec := tList{seq: 2, issued: time.Date(2023, 1, 5, 0, 0, 0, 0, time.UTC), nextUpdate: time.Date(2023, 7, 5, 0, 0, 0, 0, time.UTC),
		order: []string{"TSP"},
		providers: map[string][]tService{"TSP": {
			{cert: root.cert, current: tInstance{name: "Shared Root for signatures", status: tl.StatusGranted, start: start, asi: []string{tl.ASIForESignatures},
				quals: []tQual{
					{qualifiers: []string{tl.QualifierQCWithQSCD}, assert: "all", keyUsage: map[string]bool{"nonRepudiation": true}},
					{qualifiers: []string{tl.QualifierQCNoQSCD}, policies: [][]string{{policyNoQSCD}}},
				}}},
			{cert: root.cert, current: tInstance{name: "Shared Root for seals", status: tl.StatusGranted, start: start, asi: []string{tl.ASIForESeals},
				quals: []tQual{{qualifiers: []string{tl.QualifierQCForESeal, tl.QualifierQCNoQSCD}, policies: [][]string{{policySeal}}}}}},
		}}}
	s := testSigner(t)
	l, err := tl.Verify(s.sign(t, spec.xml()), tl.VerifyOptions{Signers: []*x509.Certificate{s.cert}, Time: time.Date(2023, 3, 1, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	issued := time.Date(2021, 3, 1, 0, 0, 0, 0, time.UTC)
	esign := []asn1.ObjectIdentifier{qcTypeESign}
	for _, tc := range []struct {
		name      string
		spec      leafSpec
		label     string
		service   string
		conflict  bool
		qualified bool
	}{
		{"non-repudiation key: QSCD by the list", leafSpec{compliance: true, types: esign, keyUsage: x509.KeyUsageContentCommitment},
			"QC for eSig with QSCD", "Shared Root for signatures", false, true},
		{"digital signature key: no QSCD rule, none in the certificate", leafSpec{compliance: true, types: esign, keyUsage: x509.KeyUsageDigitalSignature},
			"QC for eSig", "Shared Root for signatures", false, true},
		{"QSCD qualifiers conflict", leafSpec{compliance: true, types: esign, keyUsage: x509.KeyUsageContentCommitment, policies: []string{policyNoQSCD}},
			"not qualified", "Shared Root for signatures", true, false},
		{"services disagree", leafSpec{compliance: true, types: esign, keyUsage: x509.KeyUsageContentCommitment, policies: []string{policySeal}},
			"not qualified", "Shared Root for signatures", true, false},
		{"e-seal certificate: only the seal service applies", leafSpec{compliance: true, types: []asn1.ObjectIdentifier{qcTypeESeal}, keyUsage: x509.KeyUsageContentCommitment},
			"QC for eSeal", "Shared Root for seals", false, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.spec.issued = issued
			leaf := root.leaf(t, "Leaf", tc.spec)
			r, err := l.Qualify([]*x509.Certificate{leaf, root.cert}, time.Date(2023, 3, 1, 0, 0, 0, 0, time.UTC))
			if err != nil {
				t.Fatal(err)
			}
			q := r.AtIssuance
			if q.Label() != tc.label || q.Service != tc.service || q.Conflict != tc.conflict || q.Qualified != tc.qualified {
				t.Errorf("got %s (service %q, conflict %v)", q, q.Service, q.Conflict)
			}
			if r.AtValidation.Label() != q.Label() {
				t.Errorf("at validation %s, at issuance %s: nothing changed in between", r.AtValidation.Label(), q.Label())
			}
		})
	}
}
