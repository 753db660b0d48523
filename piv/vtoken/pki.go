package vtoken

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"time"
)

// Object identifiers of Yubico's PIV attestation extensions.
var (
	oidFirmware   = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 41482, 3, 3}
	oidSerial     = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 41482, 3, 7}
	oidPolicy     = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 41482, 3, 8}
	oidFormFactor = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 41482, 3, 9}
)

// CA is a test certification authority: a certificate and its key. The
// attestation root of virtual tokens and the issuer of their preloaded
// slot certificate are CAs.
type CA struct {
	Cert *x509.Certificate
	Key  crypto.Signer
}

// NewCA makes a self-signed test CA (EC P-256) named cn, valid from an hour
// ago for ten years.
func NewCA(cn string) (*CA, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber:          randSerial(),
		Subject:               pkix.Name{CommonName: cn, Organization: []string{"csam test"}},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.AddDate(10, 0, 0),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		return nil, err
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, err
	}
	return &CA{Cert: cert, Key: key}, nil
}

// Issue signs a certificate for pub from tmpl (serial number and validity
// filled in when zero).
func (ca *CA) Issue(tmpl *x509.Certificate, pub crypto.PublicKey) (*x509.Certificate, error) {
	t := *tmpl
	if t.SerialNumber == nil {
		t.SerialNumber = randSerial()
	}
	if t.NotBefore.IsZero() {
		t.NotBefore = time.Now().Add(-time.Hour)
	}
	if t.NotAfter.IsZero() {
		t.NotAfter = t.NotBefore.AddDate(2, 0, 0)
	}
	der, err := x509.CreateCertificate(rand.Reader, &t, ca.Cert, pub, ca.Key)
	if err != nil {
		return nil, err
	}
	return x509.ParseCertificate(der)
}

// WritePEM writes the CA certificate to dir/name.pem and its key to
// dir/name.key (PKCS #8).
func (ca *CA) WritePEM(dir, name string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: ca.Cert.Raw})
	if err := os.WriteFile(filepath.Join(dir, name+".pem"), certPEM, 0o644); err != nil {
		return err
	}
	k, err := x509.MarshalPKCS8PrivateKey(ca.Key)
	if err != nil {
		return err
	}
	keyPEM := pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: k})
	return os.WriteFile(filepath.Join(dir, name+".key"), keyPEM, 0o600)
}

func randSerial() *big.Int {
	n, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 120))
	if err != nil {
		panic(err) // crypto/rand does not fail
	}
	return n.Add(n, big.NewInt(1))
}

// deviceCert makes the device attestation certificate (object 5FFF01, key
// in slot F9) issued by root, the way a YubiKey carries one.
func deviceCert(root *CA, key crypto.Signer, version [3]byte, notBefore, notAfter time.Time) (*x509.Certificate, error) {
	tmpl := &x509.Certificate{
		SerialNumber:          randSerial(),
		Subject:               pkix.Name{CommonName: "Yubico PIV Attestation"},
		NotBefore:             notBefore,
		NotAfter:              notAfter,
		BasicConstraintsValid: true,
		IsCA:                  true,
		KeyUsage:              x509.KeyUsageCertSign,
		ExtraExtensions: []pkix.Extension{
			{Id: oidFirmware, Value: version[:]},
		},
	}
	return root.Issue(tmpl, key.Public())
}

// attest makes the attestation certificate of a slot key.
func (t *Token) attest(slot byte, k *slotKey) ([]byte, error) {
	if t.attCert == nil || t.attKey == nil {
		return nil, errors.New("vtoken: no attestation key")
	}
	serial, err := asn1.Marshal(int64(t.serial))
	if err != nil {
		return nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber: randSerial(),
		Subject:      pkix.Name{CommonName: fmt.Sprintf("YubiKey PIV Attestation %02x", slot)},
		NotBefore:    t.attCert.NotBefore,
		NotAfter:     t.attCert.NotAfter,
		ExtraExtensions: []pkix.Extension{
			{Id: oidFirmware, Value: t.version[:]},
			{Id: oidSerial, Value: serial},
			{Id: oidPolicy, Value: []byte{k.pinPolicy, k.touchPolicy}},
			{Id: oidFormFactor, Value: []byte{t.formFactor}},
		},
	}
	return x509.CreateCertificate(rand.Reader, tmpl, t.attCert, k.priv.Public(), t.attKey)
}
