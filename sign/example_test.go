package sign_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"fmt"
	"math/big"
	"time"

	"github.com/csam-go/csam/sign"
	"github.com/csam-go/csam/x509check"
)

// A software key signs a message (detached); the service verifies it
// against its trust anchor and grades it.
func Example() {
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "Example Signer"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		KeyUsage: x509.KeyUsageContentCommitment}
	der, _ := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	cert, _ := x509.ParseCertificate(der)

	ctx := context.Background()
	message := []byte("declaration")
	sig, err := sign.Sign(ctx, message, key, sign.Options{Certificate: cert, Detached: true})
	if err != nil {
		fmt.Println(err)
		return
	}
	// trusting (helpers_test.go) sets Options.Roots to cert and the
	// revocation policy.
	v, _ := sign.NewVerifier(sign.VerifyOptions{Validation: trusting(x509check.NoRevocation, cert)})
	res, err := v.Verify(ctx, sig, message)
	fmt.Println(res.Verdict, res.SignerSubject, res.TimeSource, err)

	_, err = v.Verify(ctx, sig, []byte("another declaration"))
	fmt.Println(sign.Code(err))
	// Output:
	// advanced CN=Example Signer claimed <nil>
	// digest-mismatch
}
