//go:build cgo

package piv_test

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	pivgo "github.com/go-piv/piv-go/v2/piv"

	"github.com/csam-go/csam/internal/testenv"
	"github.com/csam-go/csam/internal/vpcdtest"
	"github.com/csam-go/csam/piv"
	"github.com/csam-go/csam/piv/vtoken"
)

func pemCert(t *testing.T, out string) *x509.Certificate {
	t.Helper()
	blk, _ := pem.Decode([]byte(out[strings.Index(out, "-----BEGIN"):]))
	if blk == nil {
		t.Fatalf("no PEM in %q", out)
	}
	c, err := x509.ParseCertificate(blk.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestYubicoPIVTool: Yubico's own tool reads the status and certificate of
// the virtual token, verifies its PIN, and attests its key.
func TestYubicoPIVTool(t *testing.T) {
	tok := setup(t, vtoken.Options{})
	cert := tok.SlotCertificate(0x9a)
	out := run(t, "", "yubico-piv-tool", "-r", reader0, "-a", "status")
	for _, want := range []string{"Slot 9a:", "Algorithm:\tECCP256", "Subject DN:\tO=csam test, CN=" + cert.Subject.CommonName, "PIN tries left:\t3", "Version:\t5.7.1"} {
		if !strings.Contains(out, want) {
			t.Errorf("yubico-piv-tool -a status lacks %q:\n%s", want, out)
		}
	}
	got := pemCert(t, run(t, "", "yubico-piv-tool", "-r", reader0, "-a", "read-certificate", "-s", "9a"))
	if !bytes.Equal(got.Raw, cert.Raw) {
		t.Error("yubico-piv-tool read another certificate")
	}
	if out := run(t, "", "yubico-piv-tool", "-r", reader0, "-a", "verify-pin", "-P", vtoken.DefaultPIN); !strings.Contains(out, "Successfully verified PIN") {
		t.Errorf("verify-pin: %s", out)
	}
	cmd := exec.Command(testenv.Tool(t, "yubico-piv-tool"), "-r", reader0, "-a", "verify-pin", "-P", "999999")
	if out, err := cmd.CombinedOutput(); err == nil || tok.PINTriesLeft() != 2 {
		t.Errorf("wrong PIN accepted or not counted (%d tries left): %v\n%s", tok.PINTriesLeft(), err, out)
	}
	att := pemCert(t, run(t, "", "yubico-piv-tool", "-r", reader0, "-a", "attest", "-s", "9a"))
	a, err := piv.VerifyAttestation(att, tok.DeviceCertificate(), piv.VerifyOptions{Roots: pool(tok.AttestationRoot()), Slot: piv.SlotAuthentication})
	if err != nil {
		t.Fatal(err)
	}
	if err := a.CheckCertificate(cert); err != nil || a.Serial != tok.Serial() {
		t.Fatalf("attestation through yubico-piv-tool: %+v %v", a, err)
	}
}

// TestOpenSC: OpenSC's PIV driver reads the same certificate byte for byte
// (pkcs15-tool) and signs through PKCS #11 (pkcs11-tool) with the slot
// key; the signature verifies with our certificate.
func TestOpenSC(t *testing.T) {
	module := "/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so"
	if _, err := os.Stat(module); err != nil {
		if m, _ := filepath.Glob("/usr/lib/*/opensc-pkcs11.so"); len(m) > 0 {
			module = m[0]
		}
	}
	for _, tc := range []struct {
		name string
		alg  byte
		mech string
	}{
		{"P-256", vtoken.AlgECP256, "ECDSA"},
		{"RSA-2048", vtoken.AlgRSA2048, "SHA256-RSA-PKCS"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tok := setup(t, vtoken.Options{Slot9aAlgorithm: tc.alg})
			cert := tok.SlotCertificate(0x9a)
			got := pemCert(t, run(t, "", "pkcs15-tool", "--reader", reader0, "--read-certificate", "01"))
			if !bytes.Equal(got.Raw, cert.Raw) {
				t.Fatal("pkcs15-tool read another certificate")
			}
			dir := t.TempDir()
			msg := []byte("signed through OpenSC")
			digest := sha256.Sum256(msg)
			input := msg
			if tc.alg == vtoken.AlgECP256 {
				input = digest[:]
			}
			in, sigFile := filepath.Join(dir, "in"), filepath.Join(dir, "sig")
			if err := os.WriteFile(in, input, 0o644); err != nil {
				t.Fatal(err)
			}
			run(t, dir, "pkcs11-tool", "--module", module, "--login", "--pin", vtoken.DefaultPIN, "--sign", "--id", "01",
				"-m", tc.mech, "--signature-format", "openssl", "--input-file", in, "--output-file", sigFile)
			sig, err := os.ReadFile(sigFile)
			if err != nil {
				t.Fatal(err)
			}
			switch pub := cert.PublicKey.(type) {
			case *ecdsa.PublicKey:
				if !ecdsa.VerifyASN1(pub, digest[:], sig) {
					t.Fatal("OpenSC's ECDSA signature does not verify with the slot certificate")
				}
			case *rsa.PublicKey:
				if err := rsa.VerifyPKCS1v15(pub, crypto.SHA256, digest[:], sig); err != nil {
					t.Fatalf("OpenSC's RSA signature: %v", err)
				}
			}
		})
	}
}

// apdus runs f and returns the command APDUs the token received.
func apdus(t testing.TB, tok *vtoken.Token, f func()) int {
	before := tok.APDUCount()
	f()
	return tok.APDUCount() - before
}

func oursStatus(t testing.TB) {
	tk, err := piv.Open(context.Background(), piv.Options{Reader: reader0})
	if err != nil {
		t.Fatal(err)
	}
	defer tk.Close()
	if _, err := tk.Status(context.Background(), piv.StatusOptions{Retired: true}); err != nil {
		t.Fatal(err)
	}
}

func oursSign(t testing.TB) {
	tk, err := piv.Open(context.Background(), piv.Options{Reader: reader0, PIN: pinFunc(vtoken.DefaultPIN, nil)})
	if err != nil {
		t.Fatal(err)
	}
	defer tk.Close()
	s, err := tk.Signer(context.Background(), piv.SlotAuthentication)
	if err != nil {
		t.Fatal(err)
	}
	d := sha256.Sum256([]byte("benchmark"))
	if _, err := s.Sign(nil, d[:], crypto.SHA256); err != nil {
		t.Fatal(err)
	}
}

func theirStatus(t testing.TB) { run(t, "", "yubico-piv-tool", "-r", reader0, "-a", "status") }

// theirSign has yubico-piv-tool sign with the slot 9a key: its
// test-signature action signs test data and verifies the signature with
// the certificate in file cert.
func theirSign(t testing.TB, cert string) {
	out := run(t, "", "yubico-piv-tool", "-r", reader0, "-a", "verify-pin", "-P", vtoken.DefaultPIN,
		"-a", "test-signature", "-s", "9a", "-i", cert)
	if !strings.Contains(out, "Successful") {
		t.Fatalf("yubico-piv-tool test-signature: %s", out)
	}
}

func writeCert(t testing.TB, c *x509.Certificate) string {
	p := filepath.Join(t.TempDir(), "cert.pem")
	if err := os.WriteFile(p, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Raw}), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestAPDUCounts: a status (all slots) and a signature (with PIN) take no
// more APDUs through package piv than through yubico-piv-tool, counted on
// the token's side of vpcd. The token is reset before each operation so
// that the PIN is not already verified.
func TestAPDUCounts(t *testing.T) {
	tok := setup(t, vtoken.Options{})
	in := writeCert(t, tok.SlotCertificate(0x9a))
	count := func(f func()) int { tok.Reset(); return apdus(t, tok, f) }
	ourSt, theirSt := count(func() { oursStatus(t) }), count(func() { theirStatus(t) })
	ourSig, theirSig := count(func() { oursSign(t) }), count(func() { theirSign(t, in) })
	t.Logf("APDUs: status ours %d, yubico-piv-tool %d; signature ours %d, yubico-piv-tool %d", ourSt, theirSt, ourSig, theirSig)
	if ourSt > theirSt || ourSig > theirSig {
		t.Errorf("more APDUs than yubico-piv-tool: status %d > %d or signature %d > %d", ourSt, theirSt, ourSig, theirSig)
	}
}

// BenchmarkTokenOps compares, side by side, package piv and
// yubico-piv-tool on a status and a signature through pcscd and vpcd,
// reporting the APDUs per operation counted by the token.
func BenchmarkTokenOps(b *testing.B) {
	tok := newTokenB(b)
	vpcdtest.Insert(b, tok)
	in := writeCert(b, tok.SlotCertificate(0x9a))
	for _, bc := range []struct {
		name string
		f    func()
	}{
		{"status/piv", func() { oursStatus(b) }},
		{"status/yubico-piv-tool", func() { theirStatus(b) }},
		{"sign/piv", func() { oursSign(b) }},
		{"sign/yubico-piv-tool", func() { theirSign(b, in) }},
	} {
		b.Run(bc.name, func(b *testing.B) {
			n := 0
			for i := 0; i < b.N; i++ {
				tok.Reset()
				n += apdus(b, tok, bc.f)
			}
			b.ReportMetric(float64(n)/float64(b.N), "apdus/op")
		})
	}
}

func newTokenB(b *testing.B) *vtoken.Token {
	tok, err := vtoken.New(vtoken.Options{})
	if err != nil {
		b.Fatal(err)
	}
	return tok
}

// TestPivGoReset: piv-go's Reset (block PIN and PUK, then the YubiKey
// RESET) empties the virtual token and restores the factory PIN.
func TestPivGoReset(t *testing.T) {
	tok := setup(t, vtoken.Options{})
	yk, err := pivgo.Open(reader0)
	if err != nil {
		t.Fatal(err)
	}
	if err := yk.Reset(); err != nil {
		yk.Close()
		t.Fatal(err)
	}
	if _, err := yk.Certificate(pivgo.SlotAuthentication); !errors.Is(err, pivgo.ErrNotFound) {
		t.Errorf("slot 9a after reset: %v", err)
	}
	if err := yk.VerifyPIN(pivgo.DefaultPIN); err != nil {
		t.Errorf("default PIN after reset: %v", err)
	}
	yk.Close()
	if tok.SlotCertificate(0x9a) != nil || tok.PINTriesLeft() != 3 {
		t.Error("the token kept its certificate or PIN counter")
	}
}
