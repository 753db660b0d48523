package tl_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"math/big"
	"testing"
	"time"

	"github.com/csam-go/csam/internal/checktest"
	"github.com/csam-go/csam/internal/testpki"
	"github.com/csam-go/csam/internal/testtl"
	"github.com/csam-go/csam/x509check"
	"github.com/csam-go/csam/x509check/tl"
)

// AllowSHA1Signatures covers a path to a trusted-list CA as it covers any
// path: a CA certificate signed with SHA-1 and RSA under a listed root is
// accepted with it (the list's own check of the path included) and
// refused without it.
func TestTrustedListSHA1Path(t *testing.T) {
	now := time.Now().UTC().Truncate(time.Second)
	key := func() *rsa.PrivateKey {
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			t.Fatal(err)
		}
		return k
	}
	ca := func(cn string, n int64) *x509.Certificate {
		return &x509.Certificate{SerialNumber: big.NewInt(n), Subject: pkix.Name{CommonName: cn, Country: []string{"BE"}},
			NotBefore: now.AddDate(-1, 0, 0), NotAfter: now.AddDate(1, 0, 0), IsCA: true, BasicConstraintsValid: true,
			KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageCRLSign}
	}
	rootKey, caKey, leafKey := key(), key(), key()
	root := testpki.MustIssue(t, ca("Listed SHA-1 Era Root", 1), nil, &rootKey.PublicKey, rootKey)
	subTmpl := ca("SHA-1 Era CA", 2)
	subTmpl.SignatureAlgorithm = x509.SHA1WithRSA
	sub := testpki.MustIssue(t, subTmpl, root, &caKey.PublicKey, rootKey)
	leaf := testpki.MustIssue(t, &x509.Certificate{SerialNumber: big.NewInt(3), Subject: pkix.Name{CommonName: "Leaf", Country: []string{"BE"}},
		NotBefore: now.AddDate(0, -1, 0), NotAfter: now.AddDate(0, 1, 0), KeyUsage: x509.KeyUsageContentCommitment},
		sub, &leafKey.PublicKey, caKey)

	asi := []string{tl.ASIRootCAQC, tl.ASIForESignatures}
	spec := testtl.List{Seq: 1, Issued: now.Add(-time.Hour), NextUpdate: now.Add(30 * 24 * time.Hour),
		Providers: []testtl.Provider{{Name: "Test TSP", Services: []testtl.Service{{
			Cert:    root,
			Current: testtl.Instance{Status: tl.StatusGranted, Start: now.AddDate(-1, 0, 0), ASI: asi},
		}}}}}
	signer := testtl.NewSigner(t, key())
	list, err := tl.Verify(signer.Sign(t, spec.XML()), tl.VerifyOptions{Signers: []*x509.Certificate{signer.Cert}, Time: now})
	if err != nil {
		t.Fatal(err)
	}
	for _, allow := range []bool{false, true} {
		opts := x509check.Options{Intermediates: []*x509.Certificate{sub}, Revocation: x509check.NoRevocation,
			CurrentTime: now, AllowSHA1Signatures: allow}
		(&tl.Source{List: list}).Apply(&opts)
		res, err := checktest.Validate(context.Background(), leaf, opts)
		if allow && (err != nil || !res.Valid || res.Qualified == nil || res.Qualified.Source != "trusted-list") {
			t.Errorf("AllowSHA1Signatures: valid %v, %v, qualified %+v", res.Valid, err, res.Qualified)
		}
		if !allow && (res.Valid || !errors.Is(err, x509check.ErrUntrusted)) {
			t.Errorf("without AllowSHA1Signatures: valid %v, %v; want ErrUntrusted", res.Valid, err)
		}
	}
}
