package piv

import (
	"bytes"
	"crypto"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"errors"
	"strconv"
	"strings"
	"time"
)

// Object identifiers of Yubico's PIV attestation extensions.
var (
	oidFirmware   = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 41482, 3, 3}
	oidSerial     = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 41482, 3, 7}
	oidPolicy     = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 41482, 3, 8}
	oidFormFactor = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 41482, 3, 9}
)

// attestationCNPrefix begins the subject common name of a slot
// attestation certificate; the slot follows in hex.
const attestationCNPrefix = "YubiKey PIV Attestation "

// Attestation is what a verified PIV attestation proves: a key generated
// on the device with this serial number, in this slot, under these
// policies.
type Attestation struct {
	Serial      uint32      `json:"serial"`
	Firmware    Version     `json:"firmware"`
	FormFactor  FormFactor  `json:"form_factor"`
	PINPolicy   PINPolicy   `json:"pin_policy"`
	TouchPolicy TouchPolicy `json:"touch_policy"`
	Slot        Slot        `json:"slot"`
	// PublicKey is the attested key.
	PublicKey crypto.PublicKey `json:"-"`
	// Certificate is the slot attestation certificate, Device the device
	// attestation certificate that signed it.
	Certificate *x509.Certificate `json:"-"`
	Device      *x509.Certificate `json:"-"`
}

// VerifyOptions tune VerifyAttestation. The zero value trusts Yubico's
// roots only, at the current time, for any slot.
type VerifyOptions struct {
	// Roots are the trusted attestation roots (nil: YubicoRoots).
	Roots *x509.CertPool
	// Intermediates between a root and the device certificate (nil:
	// YubicoIntermediates when Roots is nil, none otherwise).
	Intermediates *x509.CertPool
	// Slot, when not zero, is the slot the attestation must be for.
	Slot Slot
	// Now is the verification time (zero: time.Now()).
	Now time.Time
}

// VerifyAttestation checks a slot attestation certificate against the
// device attestation certificate that signed it and the configured roots,
// and returns what it attests. Failures are *AttestationError.
func VerifyAttestation(slotCert, device *x509.Certificate, o VerifyOptions) (*Attestation, error) {
	if slotCert == nil || device == nil {
		return nil, attErr(reasonFormat, "missing certificate")
	}
	now := o.Now
	if now.IsZero() {
		now = time.Now()
	}
	for _, c := range []struct {
		name string
		cert *x509.Certificate
	}{{"device attestation certificate", device}, {"slot attestation certificate", slotCert}} {
		if now.Before(c.cert.NotBefore) || now.After(c.cert.NotAfter) {
			return nil, attErr(reasonExpired, "%s valid from %s to %s", c.name,
				c.cert.NotBefore.UTC().Format(time.RFC3339), c.cert.NotAfter.UTC().Format(time.RFC3339))
		}
	}
	// Some YubiKey 4 device certificates lack basic constraints, so the
	// signature is checked directly rather than with CheckSignatureFrom.
	if !bytes.Equal(slotCert.RawIssuer, device.RawSubject) {
		return nil, attErr(reasonWrongDevice, "issuer %q is not the device %q", slotCert.Issuer, device.Subject)
	}
	if err := device.CheckSignature(slotCert.SignatureAlgorithm, slotCert.RawTBSCertificate, slotCert.Signature); err != nil {
		return nil, attErr(reasonWrongDevice, "%v", err)
	}
	roots, inter := o.Roots, o.Intermediates
	if roots == nil {
		roots = YubicoRoots()
		if inter == nil {
			inter = YubicoIntermediates()
		}
	}
	_, err := device.Verify(x509.VerifyOptions{
		Roots:         roots,
		Intermediates: inter,
		CurrentTime:   now,
		KeyUsages:     []x509.ExtKeyUsage{x509.ExtKeyUsageAny},
	})
	if err != nil {
		var inv x509.CertificateInvalidError
		if errors.As(err, &inv) && inv.Reason == x509.Expired {
			return nil, attErr(reasonExpired, "%v", err)
		}
		return nil, attErr(reasonRoot, "%v", err)
	}
	a, err := parseAttestation(slotCert)
	if err != nil {
		return nil, err
	}
	a.Device = device
	if o.Slot != 0 && a.Slot != o.Slot {
		return nil, attErr(reasonWrongSlot, "attests slot %s, want %s", a.Slot, o.Slot)
	}
	return a, nil
}

// parseAttestation reads a slot attestation certificate without verifying
// it.
func parseAttestation(c *x509.Certificate) (*Attestation, error) {
	a := &Attestation{PublicKey: c.PublicKey, Certificate: c}
	if err := a.parseExtensions(c.Extensions); err != nil {
		return nil, err
	}
	cn := c.Subject.CommonName
	if !strings.HasPrefix(cn, attestationCNPrefix) {
		return nil, attErr(reasonFormat, "subject %q does not name a slot", cn)
	}
	n, err := strconv.ParseUint(strings.TrimPrefix(cn, attestationCNPrefix), 16, 8)
	if err != nil || !Slot(n).Valid() {
		return nil, attErr(reasonFormat, "subject %q does not name a slot", cn)
	}
	a.Slot = Slot(n)
	return a, nil
}

// parseExtensions reads Yubico's attestation extensions: firmware
// version, serial number and policies are required, the form factor is
// optional.
func (a *Attestation) parseExtensions(exts []pkix.Extension) error {
	var seen [3]bool
	for _, e := range exts {
		switch {
		case e.Id.Equal(oidFirmware):
			if len(e.Value) != 3 {
				return attErr(reasonFormat, "firmware version of %d bytes", len(e.Value))
			}
			a.Firmware = Version{int(e.Value[0]), int(e.Value[1]), int(e.Value[2])}
			seen[0] = true
		case e.Id.Equal(oidSerial):
			var n int64
			rest, err := asn1.Unmarshal(e.Value, &n)
			if err != nil || len(rest) != 0 || n < 0 || n > 0xffffffff {
				return attErr(reasonFormat, "serial number %x", e.Value)
			}
			a.Serial = uint32(n)
			seen[1] = true
		case e.Id.Equal(oidPolicy):
			if len(e.Value) != 2 || e.Value[0] < 1 || e.Value[0] > 5 || e.Value[1] < 1 || e.Value[1] > 3 {
				return attErr(reasonFormat, "policy %x", e.Value)
			}
			a.PINPolicy, a.TouchPolicy = PINPolicy(e.Value[0]), TouchPolicy(e.Value[1])
			seen[2] = true
		case e.Id.Equal(oidFormFactor):
			if len(e.Value) != 1 {
				return attErr(reasonFormat, "form factor of %d bytes", len(e.Value))
			}
			a.FormFactor = FormFactor(e.Value[0])
		}
	}
	for i, name := range []string{"firmware version", "serial number", "policy"} {
		if !seen[i] {
			return attErr(reasonFormat, "no %s extension", name)
		}
	}
	return nil
}

// CheckCertificate returns nil if cert certifies the attested key, and an
// *AttestationError with Reason "key mismatch" otherwise.
func (a *Attestation) CheckCertificate(cert *x509.Certificate) error {
	if cert == nil || !samePublicKey(a.PublicKey, cert.PublicKey) {
		return attErr(reasonKeyMismatch, "certificate key is not the attested key")
	}
	return nil
}

func samePublicKey(a, b crypto.PublicKey) bool {
	k, ok := a.(interface{ Equal(crypto.PublicKey) bool })
	return ok && b != nil && k.Equal(b)
}
