package qc

import "encoding/asn1"

// Object identifiers of the QCStatements extension and of the statements
// defined by ETSI EN 319 412-5 and RFC 3739.
var (
	// OIDExtension identifies the QCStatements certificate extension
	// (id-pe-qcStatements, RFC 3739).
	OIDExtension = asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 1, 3}

	// OIDQcCompliance: the certificate is an EU qualified certificate
	// (or qualified under the legislations of QcCClegislation).
	OIDQcCompliance = asn1.ObjectIdentifier{0, 4, 0, 1862, 1, 1}
	// OIDQcLimitValue: limit on the value of transactions.
	OIDQcLimitValue = asn1.ObjectIdentifier{0, 4, 0, 1862, 1, 2}
	// OIDQcRetentionPeriod: years the registration information is kept
	// after the certificate expires.
	OIDQcRetentionPeriod = asn1.ObjectIdentifier{0, 4, 0, 1862, 1, 3}
	// OIDQcSSCD: the private key lives in a qualified signature or seal
	// creation device (QSCD).
	OIDQcSSCD = asn1.ObjectIdentifier{0, 4, 0, 1862, 1, 4}
	// OIDQcPDS: locations of PKI disclosure statements.
	OIDQcPDS = asn1.ObjectIdentifier{0, 4, 0, 1862, 1, 5}
	// OIDQcType: the type(s) of the qualified certificate.
	OIDQcType = asn1.ObjectIdentifier{0, 4, 0, 1862, 1, 6}
	// OIDQcTypeESign: certificate for electronic signatures.
	OIDQcTypeESign = asn1.ObjectIdentifier{0, 4, 0, 1862, 1, 6, 1}
	// OIDQcTypeESeal: certificate for electronic seals.
	OIDQcTypeESeal = asn1.ObjectIdentifier{0, 4, 0, 1862, 1, 6, 2}
	// OIDQcTypeWeb: certificate for website authentication.
	OIDQcTypeWeb = asn1.ObjectIdentifier{0, 4, 0, 1862, 1, 6, 3}
	// OIDQcCClegislation: countries under whose legislation a non-EU
	// qualified certificate is issued.
	OIDQcCClegislation = asn1.ObjectIdentifier{0, 4, 0, 1862, 1, 7}

	// OIDPKIXQCSyntaxV1 is id-qcs-pkixQCSyntax-v1 (RFC 3039), carrying
	// SemanticsInformation.
	OIDPKIXQCSyntaxV1 = asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 11, 1}
	// OIDPKIXQCSyntaxV2 is id-qcs-pkixQCSyntax-v2 (RFC 3739), carrying
	// SemanticsInformation.
	OIDPKIXQCSyntaxV2 = asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 11, 2}

	// OIDSemanticsNatural: the subject's serialNumber identifies a natural
	// person (ETSI EN 319 412-1 id-etsi-qcs-semanticsId-Natural).
	OIDSemanticsNatural = asn1.ObjectIdentifier{0, 4, 0, 194121, 1, 1}
	// OIDSemanticsLegal: the organizationIdentifier identifies a legal
	// person (id-etsi-qcs-SemanticsId-Legal).
	OIDSemanticsLegal = asn1.ObjectIdentifier{0, 4, 0, 194121, 1, 2}
	// OIDSemanticsEIDASNatural: eIDAS natural person identifier
	// (id-etsi-qcs-semanticsId-eIDASNatural).
	OIDSemanticsEIDASNatural = asn1.ObjectIdentifier{0, 4, 0, 194121, 1, 3}
	// OIDSemanticsEIDASLegal: eIDAS legal person identifier
	// (id-etsi-qcs-semanticsId-eIDASLegal).
	OIDSemanticsEIDASLegal = asn1.ObjectIdentifier{0, 4, 0, 194121, 1, 4}
)

// statementNames gives the short names used in texts and errors.
var statementNames = []struct {
	oid  asn1.ObjectIdentifier
	name string
}{
	{OIDQcCompliance, "QcCompliance"},
	{OIDQcLimitValue, "QcLimitValue"},
	{OIDQcRetentionPeriod, "QcRetentionPeriod"},
	{OIDQcSSCD, "QcSSCD"},
	{OIDQcPDS, "QcPDS"},
	{OIDQcType, "QcType"},
	{OIDQcCClegislation, "QcCClegislation"},
	{OIDPKIXQCSyntaxV1, "pkixQCSyntax-v1"},
	{OIDPKIXQCSyntaxV2, "pkixQCSyntax-v2"},
}

// StatementName returns the short name of a known statement identifier
// ("QcCompliance", "QcType", ...) or its dotted form.
func StatementName(id asn1.ObjectIdentifier) string {
	for _, s := range statementNames {
		if s.oid.Equal(id) {
			return s.name
		}
	}
	return id.String()
}

// semanticsNames names the known semantics identifiers.
var semanticsNames = []struct {
	oid  asn1.ObjectIdentifier
	name string
}{
	{OIDSemanticsNatural, "natural person"},
	{OIDSemanticsLegal, "legal person"},
	{OIDSemanticsEIDASNatural, "eIDAS natural person"},
	{OIDSemanticsEIDASLegal, "eIDAS legal person"},
}

// SemanticsName returns a readable name of a semantics identifier
// ("natural person", ...) or its dotted form.
func SemanticsName(id asn1.ObjectIdentifier) string {
	for _, s := range semanticsNames {
		if s.oid.Equal(id) {
			return s.name
		}
	}
	return id.String()
}
