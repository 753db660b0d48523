package piv

import (
	"crypto/x509"
	_ "embed"
	"sync"
)

// Yubico's public PIV attestation certificates, as piv-go v2.6.0 carries
// them (from Yubico's developer site):
//
//   - yubico/roots.pem (SHA-256 e6dccfb90f5dcdff2e594811c4d8b90bd9409199c83e9eccb5a3b168d689fd4c):
//     "Yubico PIV Root CA Serial 263751", "Yubico U2F Root CA Serial
//     457200631" (keys made before mid-2017 and in 2018) and "Yubico
//     Attestation Root 1" (from 2024);
//   - yubico/intermediates.pem (SHA-256 19df8f6da81ca7c018de097abc97c06d43c8c0e6496528464eb964901be94207):
//     the intermediates under "Yubico Attestation Root 1".
var (
	//go:embed yubico/roots.pem
	yubicoRootsPEM []byte
	//go:embed yubico/intermediates.pem
	yubicoIntermediatesPEM []byte
)

var yubico = sync.OnceValues(func() (*x509.CertPool, *x509.CertPool) {
	roots, inter := x509.NewCertPool(), x509.NewCertPool()
	if !roots.AppendCertsFromPEM(yubicoRootsPEM) || !inter.AppendCertsFromPEM(yubicoIntermediatesPEM) {
		panic("piv: embedded Yubico certificates do not parse")
	}
	return roots, inter
})

// YubicoRoots returns Yubico's PIV attestation roots, the default roots of
// VerifyAttestation.
func YubicoRoots() *x509.CertPool { r, _ := yubico(); return r.Clone() }

// YubicoIntermediates returns the intermediates under Yubico's 2024
// attestation root.
func YubicoIntermediates() *x509.CertPool { _, i := yubico(); return i.Clone() }
