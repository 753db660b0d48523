package path_test

import (
	"os"
	"testing"

	"github.com/csam-go/csam/internal/pkits"
	"github.com/csam-go/csam/x509check/path"
)

// TestToX509 reads the PKITS certificates crypto/x509 refuses.
func TestToX509(t *testing.T) {
	for _, n := range []string{"InvalidNegativeSerialNumberTest15EE.crt", "ValiddistributionPointTest4EE.crt",
		"ValidcRLIssuerTest29EE.crt", "GoodCACert.crt"} {
		b, err := os.ReadFile(pkits.CertPath(pkitsDir(), n))
		if err != nil {
			t.Fatal(err)
		}
		c, err := path.ParseCertificate(b)
		if err != nil {
			t.Fatal(err)
		}
		x, err := c.ToX509()
		if err != nil {
			t.Fatalf("%s: %v", n, err)
		}
		if string(x.Raw) != string(b) || x.SerialNumber.Cmp(c.Serial) != 0 || x.Subject.String() != c.Subject() {
			t.Errorf("%s: crypto/x509 form differs: serial %v, subject %q", n, x.SerialNumber, x.Subject)
		}
	}
}
