package piv_test

import (
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/pem"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/csam-go/csam/internal/testenv"
	"github.com/csam-go/csam/piv"
	"github.com/csam-go/csam/piv/vtoken"
)

func newToken(t testing.TB, o vtoken.Options) *vtoken.Token {
	t.Helper()
	tok, err := vtoken.New(o)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func pool(cas ...*vtoken.CA) *x509.CertPool {
	p := x509.NewCertPool()
	for _, ca := range cas {
		p.AddCert(ca.Cert)
	}
	return p
}

func mustAttest(t *testing.T, tok *vtoken.Token, slot byte) *x509.Certificate {
	t.Helper()
	c, err := tok.Attest(slot)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestVerifyAttestation(t *testing.T) {
	root, err := vtoken.NewCA("test attestation root")
	if err != nil {
		t.Fatal(err)
	}
	tok := newToken(t, vtoken.Options{AttestationRoot: root, Serial: 12345678, FormFactor: 0x83})
	other := newToken(t, vtoken.Options{AttestationRoot: root})
	expired := newToken(t, vtoken.Options{AttestationRoot: root, DeviceNotAfter: time.Now().Add(-time.Hour)})
	if _, err := tok.Generate(0x9c, vtoken.AlgECP384, vtoken.PINPolicyAlways, vtoken.TouchPolicyAlways); err != nil {
		t.Fatal(err)
	}
	att9a, att9c := mustAttest(t, tok, 0x9a), mustAttest(t, tok, 0x9c)

	a, err := piv.VerifyAttestation(att9a, tok.DeviceCertificate(), piv.VerifyOptions{Roots: pool(root), Slot: piv.SlotAuthentication})
	if err != nil {
		t.Fatal(err)
	}
	want := piv.Attestation{Serial: 12345678, Firmware: piv.Version{Major: 5, Minor: 7, Patch: 1}, FormFactor: 0x83,
		PINPolicy: piv.PINPolicyOnce, TouchPolicy: piv.TouchPolicyNever, Slot: piv.SlotAuthentication}
	if a.Serial != want.Serial || a.Firmware != want.Firmware || a.FormFactor != want.FormFactor ||
		a.PINPolicy != want.PINPolicy || a.TouchPolicy != want.TouchPolicy || a.Slot != want.Slot {
		t.Errorf("attestation %+v, want %+v", a, want)
	}
	if a.FormFactor.String() != "USB-C keychain FIPS" {
		t.Errorf("form factor %q", a.FormFactor)
	}
	if err := a.CheckCertificate(tok.SlotCertificate(0x9a)); err != nil {
		t.Errorf("slot 9a certificate: %v", err)
	}
	c, err := piv.VerifyAttestation(att9c, tok.DeviceCertificate(), piv.VerifyOptions{Roots: pool(root)})
	if err != nil || c.PINPolicy != piv.PINPolicyAlways || c.TouchPolicy != piv.TouchPolicyAlways || c.Slot != piv.SlotSignature {
		t.Fatalf("slot 9c: %+v %v", c, err)
	}

	otherRoot, err := vtoken.NewCA("another root")
	if err != nil {
		t.Fatal(err)
	}
	noExt, err := root.Issue(&x509.Certificate{Subject: pkix.Name{CommonName: "YubiKey PIV Attestation 9a"}}, tok.PublicKey(0x9a))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name         string
		slot, device *x509.Certificate
		o            piv.VerifyOptions
		want         string
	}{
		{"other device", att9a, other.DeviceCertificate(), piv.VerifyOptions{Roots: pool(root)}, "wrong device"},
		{"swapped slot", att9c, tok.DeviceCertificate(), piv.VerifyOptions{Roots: pool(root), Slot: piv.SlotAuthentication}, "wrong slot"},
		{"root not configured (Yubico roots)", att9a, tok.DeviceCertificate(), piv.VerifyOptions{}, "untrusted root"},
		{"root not configured (another root)", att9a, tok.DeviceCertificate(), piv.VerifyOptions{Roots: pool(otherRoot)}, "untrusted root"},
		{"expired device certificate", mustAttest(t, expired, 0x9a), expired.DeviceCertificate(), piv.VerifyOptions{Roots: pool(root)}, "expired"},
		{"verified after expiry", att9a, tok.DeviceCertificate(), piv.VerifyOptions{Roots: pool(root), Now: root.Cert.NotAfter.Add(time.Hour)}, "expired"},
		{"no attestation extensions", noExt, root.Cert, piv.VerifyOptions{Roots: pool(root)}, "format"},
		{"missing device", att9a, nil, piv.VerifyOptions{Roots: pool(root)}, "format"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := piv.VerifyAttestation(tc.slot, tc.device, tc.o)
			var ae *piv.AttestationError
			if !errors.As(err, &ae) || ae.Reason != tc.want {
				t.Fatalf("got %v, want reason %q", err, tc.want)
			}
		})
	}
	// A slot certificate swapped for one of another key is refused.
	var ae *piv.AttestationError
	if err := a.CheckCertificate(other.SlotCertificate(0x9a)); !errors.As(err, &ae) || ae.Reason != "key mismatch" {
		t.Fatalf("swapped slot certificate: %v", err)
	}
}

func TestYubicoRoots(t *testing.T) {
	//lint:ignore SA1019 the pool is not a system pool: Subjects lists the embedded roots
	subjects := piv.YubicoRoots().Subjects()
	var names []string
	for _, s := range subjects {
		var n pkix.RDNSequence
		if _, err := asn1.Unmarshal(s, &n); err != nil {
			t.Fatal(err)
		}
		var name pkix.Name
		name.FillFromRDNSequence(&n)
		names = append(names, name.CommonName)
	}
	got := strings.Join(names, "|")
	for _, want := range []string{"Yubico PIV Root CA Serial 263751", "Yubico U2F Root CA Serial 457200631", "Yubico Attestation Root 1"} {
		if !strings.Contains(got, want) {
			t.Errorf("Yubico roots %q lack %q", got, want)
		}
	}
}

// TestOpenSSLVerifiesAttestation checks the chain root → device →
// slot attestation with openssl verify.
func TestOpenSSLVerifiesAttestation(t *testing.T) {
	tok := newToken(t, vtoken.Options{})
	dir := t.TempDir()
	write := func(name string, c *x509.Certificate) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Raw}), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	root := write("root.pem", tok.AttestationRoot().Cert)
	dev := write("device.pem", tok.DeviceCertificate())
	att := write("att.pem", mustAttest(t, tok, 0x9a))
	openssl := testenv.Tool(t, "openssl")
	out, err := exec.Command(openssl, "verify", "-CAfile", root, "-untrusted", dev, att).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "OK") {
		t.Fatalf("openssl verify: %v\n%s", err, out)
	}
	other := newToken(t, vtoken.Options{AttestationRoot: tok.AttestationRoot()})
	odev := write("other.pem", other.DeviceCertificate())
	if out, err := exec.Command(openssl, "verify", "-CAfile", root, "-untrusted", odev, att).CombinedOutput(); err == nil {
		t.Fatalf("openssl verified an attestation against another device:\n%s", out)
	}
}
