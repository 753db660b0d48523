// Package pkits reads the NIST PKITS suite that the repository carries in
// testdata/pkits: the index of its cases and their expected results, and
// their certificates and CRLs. Tests of several packages run it.
package pkits

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"time"
)

// Case is one case of the suite's index.
type Case struct {
	ID         string   `json:"id"` // "40101": section 4.1, test 1
	Name       string   `json:"name"`
	Cert       string   `json:"cert"`
	OtherCerts []string `json:"other_certs"`
	CRLs       []string `json:"crls"`
	Error      *struct {
		// Class is PathValidationError, RevokedError,
		// InsufficientRevinfoError or StaleRevinfoError.
		Class string `json:"class"`
	} `json:"error"`
	Params struct {
		Policies             []string `json:"user_initial_policy_set"`
		ExplicitPolicy       bool     `json:"initial_explicit_policy"`
		InhibitPolicyMapping bool     `json:"initial_policy_mapping_inhibit"`
		InhibitAnyPolicy     bool     `json:"initial_any_policy_inhibit"`
	} `json:"params"`
}

// Valid reports whether the case's path must be accepted.
func (c Case) Valid() bool { return c.Error == nil }

// Section returns "4.1" … "4.16".
func (c Case) Section() string {
	var a, b int
	fmt.Sscanf(c.ID[:3], "%1d%2d", &a, &b)
	return fmt.Sprintf("%d.%d", a, b)
}

// Label is the case's subtest name, 4.1.1_valid_signatures_test1; cases
// run with several parameter sets have the same ID and different names.
func (c Case) Label() string {
	var n int
	fmt.Sscanf(c.ID[3:], "%d", &n)
	return fmt.Sprintf("%s.%d_%s", c.Section(), n, c.Name)
}

// DSA reports whether the case needs DSA signatures (4.1.4 and 4.1.5;
// 4.1.6, a bad DSA signature, is refused either way).
func (c Case) DSA() bool { return c.ID == "40104" || c.ID == "40105" }

// CRLFiles are the case's CRLs with the trust anchor's.
func (c Case) CRLFiles() []string { return append([]string{AnchorCRL}, c.CRLs...) }

// The trust anchor of every case and its CRL.
const (
	Anchor    = "TrustAnchorRootCertificate.crt"
	AnchorCRL = "TrustAnchorRootCRL.crl"
)

// Time is the validation time: inside every PKITS certificate's and CRL's
// validity but those the cases make expired.
var Time = time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)

// Load reads the index from dir (testdata/pkits).
func Load(dir string) ([]Case, error) {
	b, err := os.ReadFile(filepath.Join(dir, "pkits.json"))
	if err != nil {
		return nil, err
	}
	var cases []Case
	if err := json.Unmarshal(b, &cases); err != nil {
		return nil, err
	}
	return cases, nil
}

// CertPath and CRLPath return the file of a certificate or CRL.
func CertPath(dir, name string) string { return filepath.Join(dir, "certs", name) }

// CRLPath returns the file of a CRL.
func CRLPath(dir, name string) string { return filepath.Join(dir, "crls", name) }

// Sections returns the sections of cases, in order.
func Sections(cases []Case) []string {
	var out []string
	for _, c := range cases {
		if !slices.Contains(out, c.Section()) {
			out = append(out, c.Section())
		}
	}
	return out
}
