package piv

import (
	"crypto/x509"

	"github.com/csam-go/csam/keys"
	"github.com/csam-go/csam/levels"
)

// PresentedKey returns a PIV token key as an access decision sees it: the
// built-in key type keys.IDPIVToken with the certificate's validation
// status (art. 7: qualified or accepted, not expired, not revoked; from
// package x509check), and the attribute levels.AttrAttestedNonExportable
// when att, a verified attestation (VerifyAttestation), attests the key of
// cert. att may be nil: the key then carries no attribute.
func PresentedKey(cert *x509.Certificate, att *Attestation, status *levels.CertificateStatus) levels.PresentedKey {
	kt, _ := keys.NewRegistry().Lookup(keys.IDPIVToken)
	p := kt.Presented()
	p.Certificate = status
	if att != nil && att.Device != nil && cert != nil && att.CheckCertificate(cert) == nil {
		p.Attributes = append(p.Attributes, levels.AttrAttestedNonExportable)
	}
	return p
}
