package x509check

import (
	"crypto/x509"
	"encoding/asn1"
	"fmt"
)

// Document-signing extended key usages accepted for UsageSignature besides
// emailProtection (which qualified signature certificates, the Belgian
// eID ones included through their CA, commonly carry).
var (
	// oidExtKeyUsageDocumentSigning is id-kp-documentSigning (RFC 9336).
	oidExtKeyUsageDocumentSigning = asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 3, 36}
	// oidExtKeyUsageMSDocumentSigning is Microsoft's Document Signing.
	oidExtKeyUsageMSDocumentSigning = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 311, 10, 3, 12}
	// oidExtKeyUsageAdobeAuthenticDocuments is Adobe's Authentic
	// Documents Trust (PDF signing).
	oidExtKeyUsageAdobeAuthenticDocuments = asn1.ObjectIdentifier{1, 2, 840, 113583, 1, 1, 5}
)

// ekuAccepts reports whether the extended key usages of c allow usage u:
// a certificate without the extension, or with anyExtendedKeyUsage, allows
// every usage (RFC 5280 section 4.2.1.12); otherwise
//   - UsageAuthentication: clientAuth;
//   - UsageSignature: emailProtection or a document-signing EKU
//     (id-kp-documentSigning, Microsoft Document Signing, Adobe Authentic
//     Documents Trust).
//
// With strict, the extension is required (anyExtendedKeyUsage still
// counts).
func ekuAccepts(c *x509.Certificate, u Usage, strict bool) bool {
	if len(c.ExtKeyUsage) == 0 && len(c.UnknownExtKeyUsage) == 0 {
		return !strict
	}
	for _, e := range c.ExtKeyUsage {
		switch {
		case e == x509.ExtKeyUsageAny:
			return true
		case u == UsageAuthentication && e == x509.ExtKeyUsageClientAuth:
			return true
		case u == UsageSignature && e == x509.ExtKeyUsageEmailProtection:
			return true
		}
	}
	if u == UsageSignature {
		for _, o := range c.UnknownExtKeyUsage {
			if o.Equal(oidExtKeyUsageDocumentSigning) || o.Equal(oidExtKeyUsageMSDocumentSigning) ||
				o.Equal(oidExtKeyUsageAdobeAuthenticDocuments) {
				return true
			}
		}
	}
	return false
}

// checkExtKeyUsage checks the extended key usages of every certificate of
// the path (leaf first; with no path, the leaf alone) for the intended
// usage: each one that carries the extension must allow it (a CA's EKU
// constrains what it issues, as crypto/x509 and OpenSSL read it). With
// strict, the leaf must carry the extension.
func checkExtKeyUsage(leaf *x509.Certificate, chain []*x509.Certificate, u Usage, strict bool) error {
	if u != UsageAuthentication && u != UsageSignature {
		return nil
	}
	if len(chain) == 0 {
		chain = []*x509.Certificate{leaf}
	}
	want := "clientAuth"
	if u == UsageSignature {
		want = "emailProtection or a document-signing EKU"
	}
	for i, c := range chain {
		if !ekuAccepts(c, u, strict && i == 0) {
			if i == 0 && len(c.ExtKeyUsage) == 0 && len(c.UnknownExtKeyUsage) == 0 {
				return fmt.Errorf("%w: %s needs an extended key usage extension with %s (StrictExtKeyUsage)", ErrWrongUsage, u, want)
			}
			return fmt.Errorf("%w: extended key usage of %q does not allow %s (want %s or anyExtendedKeyUsage)",
				ErrWrongUsage, SubjectString(c), u, want)
		}
	}
	return nil
}
