package x509check_test

import (
	"crypto/x509"
	"encoding/asn1"
	"testing"

	"github.com/csam-go/csam/internal/checktest"
	"github.com/csam-go/csam/internal/testpki"
	"github.com/csam-go/csam/x509check"
)

// Qualified certificates are recognized by policy too: an EN 319 411-2
// policy the leaf asserts, when the path is valid for it (RFC 5280
// policy processing), and a Belgian eID signature certificate on a path
// proven Belgian; neither carries QCStatements here.
func TestQualifiedByPolicy(t *testing.T) {
	qcpnQSCD := asn1.ObjectIdentifier{0, 4, 0, 194112, 1, 2}
	qcpl := asn1.ObjectIdentifier{0, 4, 0, 194112, 1, 1}
	other := asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 99999, 7}
	anyPolicy := asn1.ObjectIdentifier{2, 5, 29, 32, 0}
	root := issue(t, caTmpl("Policy Root"), nil)
	anyCA := issue(t, caTmpl("Any Policy CA", withPolicy(anyPolicy)), root)
	otherCA := issue(t, caTmpl("Other Policy CA", withPolicy(other)), root)
	citizen := issue(t, caTmpl("Citizen CA"), root)
	leaf := func(cn string, ku x509.KeyUsage, oid asn1.ObjectIdentifier, ca *kc) *x509.Certificate {
		return issue(t, leafTmpl(cn, ku, withPolicy(oid)), ca).cert
	}
	tests := []struct {
		name      string
		leaf      *x509.Certificate
		ca        *kc
		qualified bool
		sscd      bool
		typ       string
	}{
		{"QCP-n-qscd under anyPolicy", leaf("Natural", x509.KeyUsageContentCommitment, qcpnQSCD, anyCA), anyCA, true, true, "esign"},
		{"QCP-l under anyPolicy", leaf("Legal", x509.KeyUsageContentCommitment, qcpl, anyCA), anyCA, true, false, "eseal"},
		{"QCP-n-qscd, path not valid for it", leaf("Outside", x509.KeyUsageContentCommitment, qcpnQSCD, otherCA), otherCA, false, false, ""},
		{"another policy", leaf("Plain", x509.KeyUsageContentCommitment, other, anyCA), anyCA, false, false, ""},
		{"Belgian eID signature", leaf("Bob (Signature)", x509.KeyUsageContentCommitment, testpki.PolicyCitizenSign, citizen), citizen, true, true, "esign"},
		{"Belgian eID authentication", leaf("Bob (Authentication)", x509.KeyUsageDigitalSignature, testpki.PolicyCitizenAuth, citizen), citizen, false, false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := x509check.Options{Roots: certPool(root.cert), Revocation: x509check.NoRevocation, CurrentTime: attackNow,
				ExtraBelgianPins: []string{x509check.SPKIPin(root.cert)}}
			res, err := checktest.Validate(t.Context(), tt.leaf, o, tt.ca.cert)
			if err != nil {
				t.Fatal(err)
			}
			q := res.Qualified
			if q == nil || q.Qualified != tt.qualified || q.SSCD != tt.sscd || tt.typ != "" && (len(q.Types) != 1 || q.Types[0] != tt.typ) {
				t.Fatalf("qualified %+v, policies %v; want qualified %v, SSCD %v, %s", q, res.Policies, tt.qualified, tt.sscd, tt.typ)
			}
		})
	}
}
