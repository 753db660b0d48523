package path_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/csam-go/csam/internal/testenv"
	"github.com/csam-go/csam/x509check/path"
)

// Validate a NIST PKITS end-entity certificate with the CRLs of its path
// and an initial policy set.
func Example() {
	dir := filepath.Join(testenv.ModuleRoot(), "testdata", "pkits")
	cert := func(n string) *path.Certificate {
		b, _ := os.ReadFile(filepath.Join(dir, "certs", n))
		c, err := path.ParseCertificate(b)
		if err != nil {
			panic(err)
		}
		return c
	}
	crl := func(n string) *path.CRL {
		b, _ := os.ReadFile(filepath.Join(dir, "crls", n))
		l, err := path.ParseCRL(b)
		if err != nil {
			panic(err)
		}
		return l
	}
	v := path.New(path.Options{
		Roots:         []*path.Certificate{cert("TrustAnchorRootCertificate.crt")},
		Intermediates: []*path.Certificate{cert("GoodCACert.crt")},
		CurrentTime:   time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC),
		Policies:      []string{"2.16.840.1.101.3.2.1.48.1"},
		Revocation:    path.CRLs{crl("TrustAnchorRootCRL.crl"), crl("GoodCACRL.crl")},
	})
	res, err := v.Verify(context.Background(), cert("ValidCertificatePathTest1EE.crt"))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(len(res.Chain), res.Policies)
	// Output: 3 [2.16.840.1.101.3.2.1.48.1]
}
