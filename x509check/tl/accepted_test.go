package tl_test

import (
	"os"
	"strings"
	"testing"

	"github.com/csam-go/csam/internal/testenv"
	"github.com/csam-go/csam/x509check"
	"github.com/csam-go/csam/x509check/tl"
)

// (In package tl's tests so that x509check's own tests do not import the
// trusted-list stack: a module importing x509check then records no
// checksum of etree or goxmldsig.)
// The example list in testdata is real: every authority it names is a
// Belgian eID root of testdata/realdata or a granted qualified CA service of
// the real Belgian trusted list, by public key.
func TestAcceptedListExample(t *testing.T) {
	l, err := x509check.LoadAcceptedList(testenv.ModuleRoot() + "/testdata/accepted/accepted-certificates.json")
	if err != nil {
		t.Fatal(err)
	}
	pins := map[string]string{}
	for _, f := range []string{"belgiumrca2.pem", "belgiumrca3.pem", "belgiumrca4.pem", "belgiumrca6.pem"} {
		c := readPEM(t, "belgium-pki", f)
		pins[x509check.SPKIPin(c)] = c.Subject.CommonName
	}
	b, err := os.ReadFile(testenv.RealData(t, "trusted-lists", "tl-be-seq47.xml"))
	if err != nil {
		t.Fatal(err)
	}
	list, err := tl.Parse(b)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range list.Services() {
		if !strings.HasSuffix(s.At(list.IssueDate).Type, "/CA/QC") || !s.At(list.IssueDate).Granted() {
			continue
		}
		for _, id := range s.Identities() {
			for _, c := range id.Certificates() {
				pins[x509check.SPKIPin(c)] = c.Subject.CommonName
			}
		}
	}
	for _, a := range l.Authorities {
		cn, ok := pins[a.SPKISHA256]
		if !ok {
			t.Errorf("%s: pin %s is neither a Belgian root nor a granted qualified CA of the trusted list", a.Name, a.SPKISHA256)
			continue
		}
		if !strings.EqualFold(cn, a.Name) {
			t.Errorf("%s: the certificate with that key is %q", a.Name, cn)
		}
	}
}
