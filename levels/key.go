package levels

// PresentedKey describes the digital key a user presents, as far as an
// access decision needs it. Package keys builds one from a key type
// (keys.KeyType.Presented); levels does not import keys.
type PresentedKey struct {
	// Type is the key type identifier (a keys.ID such as "eid" or "totp-app").
	Type string `json:"type"`
	// Level is the key type's reliability level.
	Level Level `json:"level"`
	// Channels lists the channels the key type may be used on; nil means
	// every channel.
	Channels []Channel `json:"channels,omitempty"`
	// EIDSignature marks the eID signature certificate, restricted by art. 11.
	EIDSignature bool `json:"eid_signature,omitempty"`
	// Certificate is the validation outcome for certificate-based keys
	// (art. 7); nil for keys that are not certificates.
	Certificate *CertificateStatus `json:"certificate,omitempty"`
}

// CertificateStatus is what art. 7 asks of a certificate: issued by a CA on
// the published list, qualified, neither expired nor revoked. Package
// x509check produces it from a validation result.
type CertificateStatus struct {
	Valid     bool `json:"valid"`     // the path to a listed CA verified
	Qualified bool `json:"qualified"` // qualified certificate (QCStatements or trusted list)
	Expired   bool `json:"expired"`
	Revoked   bool `json:"revoked"`
}
