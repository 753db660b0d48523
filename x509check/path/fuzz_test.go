package path_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/csam-go/csam/x509check/path"
)

func addSeeds(f *testing.F, dir string, n int) {
	files, _ := filepath.Glob(filepath.Join(pkitsDir(), dir, "*"))
	for i, p := range files {
		if i%(len(files)/n+1) != 0 {
			continue
		}
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
}

// FuzzParseCertificate feeds certificates to the parser and, when they
// parse, to a verifier that trusts them.
func FuzzParseCertificate(f *testing.F) {
	addSeeds(f, "certs", 40)
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := path.ParseCertificate(b)
		if err != nil {
			return
		}
		_ = c.Subject()
		if x, err := c.ToX509(); err == nil && string(x.Raw) != string(b) {
			t.Fatal("crypto/x509 form with another encoding")
		}
		v := path.New(path.Options{Roots: []*path.Certificate{c}, Intermediates: []*path.Certificate{c}})
		_, _ = v.Verify(t.Context(), c)
	})
}

// FuzzParseCRL feeds CRLs to the parser and, when they parse, checks a
// PKITS certificate against them.
func FuzzParseCRL(f *testing.F) {
	addSeeds(f, "crls", 40)
	root := readCert(f, "TrustAnchorRootCertificate.crt")
	leaf := readCert(f, "GoodCACert.crt")
	f.Fuzz(func(t *testing.T, b []byte) {
		l, err := path.ParseCRL(b)
		if err != nil {
			return
		}
		v := path.New(path.Options{Roots: []*path.Certificate{root}, CurrentTime: pkitsValidationTime,
			Revocation: path.CRLs{l}})
		_, _ = v.Verify(t.Context(), leaf)
	})
}
