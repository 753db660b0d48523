package piv

import (
	"context"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
)

// EnrollRequest is what Enroll needs.
type EnrollRequest struct {
	// Slot to enrol (zero: 9a).
	Slot Slot
	// ManagementKey authenticates key generation and the certificate
	// installation. Required: pass DefaultManagementKey explicitly for a
	// factory-fresh token.
	ManagementKey []byte
	// Key is the key to generate (zero: P-256, default policies).
	Key KeySpec
	// Subject of the certificate signing request.
	Subject pkix.Name
	// Issue sends the DER certificate signing request to a CA and returns
	// the certificate it issued. Required.
	Issue func(ctx context.Context, csr []byte) (*x509.Certificate, error)
	// Verify, when not nil, verifies the attestation with these options
	// before the CSR goes to the CA.
	Verify *VerifyOptions
}

// Enrollment is the result of Enroll.
type Enrollment struct {
	Slot        Slot
	Certificate *x509.Certificate
	// AttestationCert and Device are the slot and device attestation
	// certificates; Attestation is set when the request asked to verify.
	AttestationCert *x509.Certificate
	Device          *x509.Certificate
	Attestation     *Attestation
}

// Enroll generates a key on the token, attests it, has a CA certify it
// through a CSR signed by the token key, and installs the certificate.
// The certificate must certify the generated key (an *Error saying so).
func (t *Token) Enroll(ctx context.Context, r EnrollRequest) (*Enrollment, error) {
	if r.Slot == 0 {
		r.Slot = SlotAuthentication
	}
	if r.Issue == nil {
		return nil, &Error{Op: "enroll", Slot: r.Slot, Cause: errors.New("no CA (Issue) given")}
	}
	pub, err := t.generate(r.ManagementKey, r.Slot, r.Key)
	if err != nil {
		return nil, err
	}
	e := &Enrollment{Slot: r.Slot}
	if e.AttestationCert, e.Device, err = t.Attest(r.Slot); err != nil {
		return nil, err
	}
	if r.Verify != nil {
		o := *r.Verify
		o.Slot = r.Slot
		if e.Attestation, err = VerifyAttestation(e.AttestationCert, e.Device, o); err != nil {
			return nil, err
		}
	} else if e.Attestation, err = parseAttestation(e.AttestationCert); err != nil {
		return nil, err
	}
	if !samePublicKey(e.Attestation.PublicKey, pub) {
		return nil, &Error{Op: "enroll", Slot: r.Slot, Err: errKeyMismatch, Cause: errors.New("attested key is not the generated key")}
	}
	csr, err := t.createCSR(ctx, r.Slot, r.Subject)
	if err != nil {
		return nil, err
	}
	cert, err := r.Issue(ctx, csr)
	if err != nil {
		return nil, &Error{Op: "enroll: CA", Slot: r.Slot, Cause: err}
	}
	if !samePublicKey(pub, cert.PublicKey) {
		return nil, &Error{Op: "enroll", Slot: r.Slot, Err: errKeyMismatch}
	}
	if err := t.installCertificate(r.ManagementKey, r.Slot, cert); err != nil {
		return nil, err
	}
	e.Certificate = cert
	if r.Verify == nil {
		e.Attestation = nil
	}
	return e, nil
}
