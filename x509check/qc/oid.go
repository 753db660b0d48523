package qc

import "encoding/asn1"

// Object identifiers of the QCStatements extension and of the statements
// defined by ETSI EN 319 412-5 and RFC 3739.
var (
	// oidExtension identifies the QCStatements certificate extension
	// (id-pe-qcStatements, RFC 3739).
	oidExtension = asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 1, 3}

	// oidQcCompliance: the certificate is an EU qualified certificate
	// (or qualified under the legislations of QcCClegislation).
	oidQcCompliance = asn1.ObjectIdentifier{0, 4, 0, 1862, 1, 1}
	// oidQcLimitValue: limit on the value of transactions.
	oidQcLimitValue = asn1.ObjectIdentifier{0, 4, 0, 1862, 1, 2}
	// oidQcRetentionPeriod: years the registration information is kept
	// after the certificate expires.
	oidQcRetentionPeriod = asn1.ObjectIdentifier{0, 4, 0, 1862, 1, 3}
	// oidQcSSCD: the private key lives in a qualified signature or seal
	// creation device (QSCD).
	oidQcSSCD = asn1.ObjectIdentifier{0, 4, 0, 1862, 1, 4}
	// oidQcPDS: locations of PKI disclosure statements.
	oidQcPDS = asn1.ObjectIdentifier{0, 4, 0, 1862, 1, 5}
	// oidQcType: the type(s) of the qualified certificate.
	oidQcType = asn1.ObjectIdentifier{0, 4, 0, 1862, 1, 6}
	// oidQcTypeESign: certificate for electronic signatures.
	oidQcTypeESign = asn1.ObjectIdentifier{0, 4, 0, 1862, 1, 6, 1}
	// oidQcTypeESeal: certificate for electronic seals.
	oidQcTypeESeal = asn1.ObjectIdentifier{0, 4, 0, 1862, 1, 6, 2}
	// oidQcTypeWeb: certificate for website authentication.
	oidQcTypeWeb = asn1.ObjectIdentifier{0, 4, 0, 1862, 1, 6, 3}
	// oidQcCClegislation: countries under whose legislation a non-EU
	// qualified certificate is issued.
	oidQcCClegislation = asn1.ObjectIdentifier{0, 4, 0, 1862, 1, 7}

	// oidPKIXQCSyntaxV1 is id-qcs-pkixQCSyntax-v1 (RFC 3039), carrying
	// SemanticsInformation.
	oidPKIXQCSyntaxV1 = asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 11, 1}
	// oidPKIXQCSyntaxV2 is id-qcs-pkixQCSyntax-v2 (RFC 3739), carrying
	// SemanticsInformation.
	oidPKIXQCSyntaxV2 = asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 11, 2}

	// oidSemanticsNatural: the subject's serialNumber identifies a natural
	// person (ETSI EN 319 412-1 id-etsi-qcs-semanticsId-Natural).
	oidSemanticsNatural = asn1.ObjectIdentifier{0, 4, 0, 194121, 1, 1}
	// oidSemanticsLegal: the organizationIdentifier identifies a legal
	// person (id-etsi-qcs-SemanticsId-Legal).
	oidSemanticsLegal = asn1.ObjectIdentifier{0, 4, 0, 194121, 1, 2}
	// oidSemanticsEIDASNatural: eIDAS natural person identifier
	// (id-etsi-qcs-semanticsId-eIDASNatural).
	oidSemanticsEIDASNatural = asn1.ObjectIdentifier{0, 4, 0, 194121, 1, 3}
	// oidSemanticsEIDASLegal: eIDAS legal person identifier
	// (id-etsi-qcs-semanticsId-eIDASLegal).
	oidSemanticsEIDASLegal = asn1.ObjectIdentifier{0, 4, 0, 194121, 1, 4}
)

// statementNames gives the short names used in texts and errors.
var statementNames = []struct {
	oid  asn1.ObjectIdentifier
	name string
}{
	{oidQcCompliance, "QcCompliance"},
	{oidQcLimitValue, "QcLimitValue"},
	{oidQcRetentionPeriod, "QcRetentionPeriod"},
	{oidQcSSCD, "QcSSCD"},
	{oidQcPDS, "QcPDS"},
	{oidQcType, "QcType"},
	{oidQcCClegislation, "QcCClegislation"},
	{oidPKIXQCSyntaxV1, "pkixQCSyntax-v1"},
	{oidPKIXQCSyntaxV2, "pkixQCSyntax-v2"},
}

// statementName returns the short name of a known statement identifier
// ("QcCompliance", "QcType", ...) or its dotted form.
func statementName(id asn1.ObjectIdentifier) string {
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
	{oidSemanticsNatural, "natural person"},
	{oidSemanticsLegal, "legal person"},
	{oidSemanticsEIDASNatural, "eIDAS natural person"},
	{oidSemanticsEIDASLegal, "eIDAS legal person"},
}

// semanticsName returns a readable name of a semantics identifier
// ("natural person", ...) or its dotted form.
func semanticsName(id asn1.ObjectIdentifier) string {
	for _, s := range semanticsNames {
		if s.oid.Equal(id) {
			return s.name
		}
	}
	return id.String()
}
