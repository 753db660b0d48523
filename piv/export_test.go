package piv

import "crypto/x509"

// ParseAttestation reads a slot attestation certificate without verifying
// it, for the external tests.
func ParseAttestation(slotCert *x509.Certificate) (*Attestation, error) {
	return parseAttestation(slotCert)
}
