package tl_test

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/csam-go/csam/internal/testenv"
	"github.com/csam-go/csam/x509check/tl"
)

// xmlsecVerify runs the peer tool xmlsec1 on data with cert as the only
// key (KeyInfo's certificates ignored) and reports whether it verified.
func xmlsecVerify(t *testing.T, data []byte, cert *x509.Certificate) (bool, string) {
	t.Helper()
	bin := testenv.Tool(t, "xmlsec1")
	dir := t.TempDir()
	list := filepath.Join(dir, "list.xml")
	certPEM := filepath.Join(dir, "signer.pem")
	if err := os.WriteFile(list, data, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(certPEM, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Raw}), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, "--verify", "--pubkey-cert-pem", certPEM, "--enabled-key-data", "key-name",
		"--id-attr:Id", "TrustServiceStatusList", list).CombinedOutput()
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		t.Fatalf("xmlsec1: %v", err)
	}
	return err == nil, string(out)
}

// TestXMLSecAgrees checks our verdicts against xmlsec1's on the real list,
// a tampered copy, and lists signed here with RSA and ECDSA.
func TestXMLSecAgrees(t *testing.T) {
	data, signer := realList(t)
	i := bytes.Index(data, []byte("CN=Belgium Root CA4, C=BE</Name>"))
	tampered := bytes.Clone(data)
	tampered[i+3] = 'b'

	ecKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	rsaS, ecS := testSigner(t), newListSigner(t, rawECDSA{PrivateKey: ecKey})
	_, rsaSigned, _ := smallList(t, rsaS)
	_, ecSigned, _ := smallList(t, ecS)

	for _, tc := range []struct {
		name   string
		data   []byte
		signer *x509.Certificate
		opts   tl.VerifyOptions
		want   bool
	}{
		{"real list", data, signer, tl.VerifyOptions{Time: inRealValidity}, true},
		{"real list tampered", tampered, signer, tl.VerifyOptions{Time: inRealValidity}, false},
		{"built rsa", rsaSigned, rsaS.cert, tl.VerifyOptions{Time: testNow}, true},
		{"built ecdsa", ecSigned, ecS.cert, tl.VerifyOptions{Time: testNow}, true},
		{"built rsa, other key", rsaSigned, ecS.cert, tl.VerifyOptions{Time: testNow}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			peer, out := xmlsecVerify(t, tc.data, tc.signer)
			tc.opts.Signers = []*x509.Certificate{tc.signer}
			_, err := tl.Verify(tc.data, tc.opts)
			ours := err == nil
			if peer != tc.want || ours != tc.want {
				t.Errorf("xmlsec1 %v, ours %v (%v), want %v\n%s", peer, ours, err, tc.want, out)
			}
		})
	}
}
