package tl_test

import (
	"crypto/x509"
	"encoding/asn1"
	"time"

	"github.com/csam-go/csam/x509check/tl"
)

type exampleData struct {
	signedList []byte
	signer     *x509.Certificate
	chain      []*x509.Certificate
}

// exampleFixture builds the example's list and chain with the test
// helpers, failing by panic (an example has no testing.T).
func exampleFixture() exampleData {
	var out exampleData
	b := panicTB{}
	{
		root := newRootCA(b, "Test Root CA", time.Date(2015, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2040, 1, 1, 0, 0, 0, 0, time.UTC))
		issuer := root.subCA(b, "Test Citizen CA")
		quals := []tQual{{qualifiers: []string{tl.QualifierQCQSCDAsInCert}, policies: [][]string{{policyQES}}}}
		asi := []string{tl.ASIRootCAQC, tl.ASIForESignatures}
		spec := tList{seq: 12, issued: time.Date(2023, 1, 5, 0, 0, 0, 0, time.UTC), nextUpdate: time.Date(2023, 7, 5, 0, 0, 0, 0, time.UTC),
			order: []string{"Test TSP"},
			providers: map[string][]tService{"Test TSP": {{cert: root.cert,
				current: tInstance{status: tl.StatusWithdrawn, start: withdrawnAt, asi: asi, quals: quals},
				history: []tInstance{{status: tl.StatusGranted, start: grantedFrom, asi: asi, quals: quals}}}}}}
		s := testSigner(b)
		out.signedList = s.sign(b, spec.xml())
		out.signer = s.cert
		leaf := issuer.leaf(b, "Alice", leafSpec{issued: time.Date(2021, 3, 1, 0, 0, 0, 0, time.UTC),
			policies: []string{policyQES}, compliance: true, sscd: true, types: []asn1.ObjectIdentifier{qcTypeESign}})
		out.chain = []*x509.Certificate{leaf, issuer.cert, root.cert}
	}
	return out
}
