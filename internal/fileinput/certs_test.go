package fileinput

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"math/big"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/csam-go/csam/x509check"
)

func TestCertificates(t *testing.T) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "root"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), IsCA: true, BasicConstraintsValid: true}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	pemBytes := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	file := filepath.Join(t.TempDir(), "root.pem")
	if err := os.WriteFile(file, pemBytes, 0o600); err != nil {
		t.Fatal(err)
	}
	in := &Inputs{Stdin: bytes.NewReader(der)}
	cs, err := in.Certificates(file, "-")
	if err != nil || len(cs) != 2 || !cs[0].Equal(cs[1]) {
		t.Fatalf("Certificates(file, -) = %d certificates, %v; want the same one twice", len(cs), err)
	}
	if _, err := in.Certificates("-"); !errors.Is(err, ErrStdinTaken) {
		t.Errorf("second - = %v, want ErrStdinTaken", err)
	}
	in = &Inputs{Stdin: bytes.NewReader([]byte("no certificate"))}
	if _, err := in.Certificates("-"); !errors.Is(err, x509check.ErrBadInput) {
		t.Errorf("garbage on stdin = %v, want x509check.ErrBadInput", err)
	}
}
