package piv

import (
	"crypto"
	"crypto/x509"
)

// ParseAttestation reads a slot attestation certificate without verifying
// it, for the external tests.
func ParseAttestation(slotCert *x509.Certificate) (*Attestation, error) {
	return parseAttestation(slotCert)
}

// Generate makes a key in slot as Enroll does, for the tests of the step.
func (t *Token) Generate(managementKey []byte, slot Slot, k KeySpec) (crypto.PublicKey, error) {
	return t.generate(managementKey, slot, k)
}

// InstallCertificate stores cert in slot as Enroll does, for the tests of
// the step.
func (t *Token) InstallCertificate(managementKey []byte, slot Slot, cert *x509.Certificate) error {
	return t.installCertificate(managementKey, slot, cert)
}
