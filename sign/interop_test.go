package sign_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/csam-go/csam/internal/testpki"
	"github.com/csam-go/csam/sign"
	"github.com/csam-go/csam/x509check"
)

// rsaCert issues an RSA-2048 signature certificate under the Citizen CA,
// written as PEM files for openssl.
func (e *env) rsaCert(name string) *testpki.Cert {
	e.t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		e.t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: newSerial(), Subject: pkix.Name{Country: []string{"BE"}, CommonName: name + " (Signature)"},
		NotBefore: e.now.Add(-time.Hour), NotAfter: e.now.Add(24 * time.Hour),
		KeyUsage: x509.KeyUsageContentCommitment | x509.KeyUsageDigitalSignature,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, e.p.CA.Cert, key.Public(), e.p.CA.Key)
	if err != nil {
		e.t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		e.t.Fatal(err)
	}
	kd, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		e.t.Fatal(err)
	}
	c := &testpki.Cert{Cert: cert, Key: key, CertPath: filepath.Join(e.p.Dir, name+".pem"), KeyPath: filepath.Join(e.p.Dir, name+".key")}
	if err := os.WriteFile(c.CertPath, pemCert(cert), 0o600); err != nil {
		e.t.Fatal(err)
	}
	if err := os.WriteFile(c.KeyPath, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: kd}), 0o600); err != nil {
		e.t.Fatal(err)
	}
	return c
}

var serialCounter int64 = 0x7000

func newSerial() *big.Int { serialCounter++; return big.NewInt(serialCounter) }

// TestOpenSSLVerifiesOurSignatures: `openssl cms -verify` accepts what Sign
// writes, RSA and ECDSA, detached and enveloping, with a timestamp too.
func TestOpenSSLVerifiesOurSignatures(t *testing.T) {
	e := newEnv(t)
	ts := e.startTSA()
	ctx := context.Background()
	keys := map[string]*testpki.Cert{"ecdsa": e.p.Sign, "rsa": e.rsaCert("Rita")}
	for _, kname := range []string{"ecdsa", "rsa"} {
		for _, detached := range []bool{false, true} {
			for _, stamped := range []bool{false, true} {
				c := keys[kname]
				t.Run(fmt.Sprintf("%s/detached=%v/timestamp=%v", kname, detached, stamped), func(t *testing.T) {
					o := sign.Options{Certificate: c.Cert, Chain: []*x509.Certificate{e.p.CA.Cert}, Detached: detached}
					if stamped {
						o.Timestamper = &sign.TSAClient{URL: ts.URL}
					}
					sig, err := sign.Sign(ctx, msg, c.Key, o)
					if err != nil {
						t.Fatal(err)
					}
					var content []byte
					if detached {
						content = msg
					}
					if out, err := e.opensslVerify(sig, content, e.p.Root.Cert); err != nil {
						t.Fatalf("openssl cms -verify: %v\n%s", err, out)
					}
					// The same signature with a byte of the signature value
					// changed: openssl refuses it too.
					bad := append([]byte(nil), sig...)
					bad[len(bad)-1] ^= 0x01
					if !stamped {
						if _, err := e.opensslVerify(bad, content, e.p.Root.Cert); err == nil {
							t.Fatal("openssl accepted an altered signature")
						}
					}
				})
			}
		}
	}
}

// TestWeVerifyOpenSSLSignatures: Verify accepts `openssl cms -sign`
// outputs, RSA (PKCS #1 v1.5 and PSS) and ECDSA, detached and enveloping,
// with and without signed attributes, and refuses them with other content.
func TestWeVerifyOpenSSLSignatures(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	v := e.verifier(sign.VerifyOptions{Validation: trusting(x509check.NoRevocation, e.p.Root.Cert)})
	rita := e.rsaCert("Rita")
	keys := map[string]*testpki.Cert{"ecdsa": e.p.Sign, "rsa": rita, "rsa-pss": rita}
	for _, kname := range []string{"ecdsa", "rsa", "rsa-pss"} {
		var extra []string
		if kname == "rsa-pss" {
			extra = []string{"-keyopt", "rsa_padding_mode:pss"}
		}
		for _, detached := range []bool{false, true} {
			for _, attrs := range []bool{true, false} {
				c := keys[kname]
				t.Run(fmt.Sprintf("%s/detached=%v/attrs=%v", kname, detached, attrs), func(t *testing.T) {
					sig := e.opensslSign(c, detached, attrs, msg, extra...)
					if kname == "rsa-pss" && !bytes.Contains(sig, []byte{0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0a}) {
						t.Fatal("openssl did not write an RSASSA-PSS signature")
					}
					var content []byte
					if detached {
						content = msg
					}
					res, err := v.Verify(ctx, sig, content)
					if err != nil {
						t.Fatalf("Verify: %v", err)
					}
					wantSource := sign.TimeClaimed
					if !attrs {
						wantSource = sign.TimeFromVerification
					}
					if !res.Valid || res.TimeSource != wantSource || string(res.Content) != string(msg) {
						t.Fatalf("valid %v source %s content %q", res.Valid, res.TimeSource, res.Content)
					}
					if detached {
						_, err := v.Verify(ctx, sig, []byte("other content"))
						want := &sign.Error{Code: "digest-mismatch"}
						if !attrs {
							want = &sign.Error{Code: "bad-signature"}
						}
						if !errors.Is(err, want) {
							t.Fatalf("other content: %v, want %v", err, want)
						}
					}
				})
			}
		}
	}
}

// TestWeVerifyStreamedBER: `openssl cms -sign -stream` writes BER
// (indefinite lengths, the content in chunks); Verify re-encodes it.
func TestWeVerifyStreamedBER(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	v := e.verifier(sign.VerifyOptions{Validation: trusting(x509check.NoRevocation, e.p.Root.Cert)})
	big := bytes.Repeat(msg, 200) // several chunks
	for _, detached := range []bool{false, true} {
		t.Run(fmt.Sprintf("detached=%v", detached), func(t *testing.T) {
			sig := e.opensslSign(e.p.Sign, detached, true, big, "-stream")
			if sig[1] != 0x80 {
				t.Fatalf("openssl wrote a definite length (% x): not the BER case", sig[:4])
			}
			var content []byte
			if detached {
				content = big
			}
			res, err := v.Verify(ctx, sig, content)
			if err != nil || !bytes.Equal(res.Content, big) {
				t.Fatalf("Verify: %v", err)
			}
			bad := bytes.Clone(sig)
			bad[len(bad)/2] ^= 0x01
			if _, err := v.Verify(ctx, bad, content); err == nil {
				t.Fatal("an altered BER signature verified")
			}
		})
	}
}
