package piv

import (
	"crypto/x509"
	"crypto/x509/pkix"
	"testing"
)

// FuzzAttestationExtensions feeds arbitrary values to the parser of
// Yubico's attestation extensions.
func FuzzAttestationExtensions(f *testing.F) {
	f.Add([]byte{5, 7, 1}, []byte{0x02, 0x04, 0x00, 0xbc, 0x61, 0x4e}, []byte{2, 1}, []byte{1})
	f.Add([]byte{}, []byte{0x02, 0x01, 0xff}, []byte{9, 9}, []byte{})
	f.Fuzz(func(t *testing.T, fw, serial, policy, ff []byte) {
		var a Attestation
		err := a.parseExtensions([]pkix.Extension{
			{Id: oidFirmware, Value: fw}, {Id: oidSerial, Value: serial},
			{Id: oidPolicy, Value: policy}, {Id: oidFormFactor, Value: ff},
		})
		if err != nil {
			return
		}
		if a.PINPolicy < PINPolicyNever || a.PINPolicy > PINPolicyMatchAlways || a.TouchPolicy < TouchPolicyNever || a.TouchPolicy > TouchPolicyCached {
			t.Fatalf("accepted policies %d %d", a.PINPolicy, a.TouchPolicy)
		}
		_ = a.FormFactor.String()
	})
}

// FuzzParseAttestation parses arbitrary DER as a slot attestation
// certificate.
func FuzzParseAttestation(f *testing.F) {
	f.Add([]byte{0x30, 0x00})
	f.Fuzz(func(t *testing.T, der []byte) {
		c, err := x509.ParseCertificate(der)
		if err != nil {
			return
		}
		a, err := parseAttestation(c)
		if err == nil && !a.Slot.Valid() {
			t.Fatalf("accepted slot %s", a.Slot)
		}
	})
}
