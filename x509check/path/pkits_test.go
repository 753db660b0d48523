package path_test

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/csam-go/csam/internal/testenv"
	"github.com/csam-go/csam/x509check/path"
)

// pkitsCase is one case of the suite's JSON index.
type pkitsCase struct {
	ID         string   `json:"id"`
	Name       string   `json:"name"`
	Cert       string   `json:"cert"`
	OtherCerts []string `json:"other_certs"`
	CRLs       []string `json:"crls"`
	Error      *struct {
		Class string `json:"class"`
	} `json:"error"`
	Params struct {
		Policies             []string `json:"user_initial_policy_set"`
		ExplicitPolicy       bool     `json:"initial_explicit_policy"`
		InhibitPolicyMapping bool     `json:"initial_policy_mapping_inhibit"`
		InhibitAnyPolicy     bool     `json:"initial_any_policy_inhibit"`
	} `json:"params"`
}

// Section returns "4.1" … "4.16".
func (c pkitsCase) Section() string {
	var a, b int
	fmt.Sscanf(c.ID[:3], "%1d%2d", &a, &b)
	return fmt.Sprintf("%d.%d", a, b)
}

// Label is the case's subtest name: 4.1.1_valid_signatures_test1.
func (c pkitsCase) Label() string {
	var n int
	fmt.Sscanf(c.ID[3:], "%d", &n)
	return fmt.Sprintf("%s.%d_%s", c.Section(), n, c.Name)
}

// pkitsValidationTime is inside every PKITS certificate's and CRL's
// validity, but for the cases about expired ones.
var pkitsValidationTime = time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)

// pkitsKnownFailures are the DSA cases: this package verifies no DSA
// signature (see ErrUnsupportedAlgorithm).
var pkitsKnownFailures = map[string]bool{"40104": true, "40105": true}

func pkitsDir() string { return filepath.Join(testenv.ModuleRoot(), "testdata", "pkits") }

func loadPKITS(t testing.TB) []pkitsCase {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(pkitsDir(), "pkits.json"))
	if err != nil {
		t.Fatal(err)
	}
	var cases []pkitsCase
	if err := json.Unmarshal(b, &cases); err != nil {
		t.Fatal(err)
	}
	return cases
}

// TestPKITSManifest checks the suite's files against MANIFEST.sha256.
func TestPKITSManifest(t *testing.T) {
	f, err := os.Open(filepath.Join(pkitsDir(), "MANIFEST.sha256"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	n := 0
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		sum, name, ok := strings.Cut(sc.Text(), "  ")
		if !ok {
			t.Fatalf("bad manifest line %q", sc.Text())
		}
		b, err := os.ReadFile(filepath.Join(pkitsDir(), filepath.FromSlash(name)))
		if err != nil {
			t.Error(err)
			continue
		}
		if got := fmt.Sprintf("%x", sha256.Sum256(b)); got != sum {
			t.Errorf("%s: SHA-256 %s, manifest says %s", name, got, sum)
		}
		n++
	}
	if n < 500 {
		t.Errorf("only %d files in the manifest", n)
	}
}

func readCert(t testing.TB, name string) *path.Certificate {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(pkitsDir(), "certs", name))
	if err != nil {
		t.Fatal(err)
	}
	c, err := path.ParseCertificate(b)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return c
}

func readCRL(t testing.TB, name string) *path.CRL {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(pkitsDir(), "crls", name))
	if err != nil {
		t.Fatal(err)
	}
	l, err := path.ParseCRL(b)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return l
}

// verifyPKITS runs one case through the library.
func verifyPKITS(t testing.TB, c pkitsCase) (*path.Result, error) {
	crls := path.CRLs{readCRL(t, "TrustAnchorRootCRL.crl")}
	for _, n := range c.CRLs {
		crls = append(crls, readCRL(t, n))
	}
	var inter []*path.Certificate
	for _, n := range c.OtherCerts {
		inter = append(inter, readCert(t, n))
	}
	v := path.New(path.Options{
		Roots:                []*path.Certificate{readCert(t, "TrustAnchorRootCertificate.crt")},
		Intermediates:        inter,
		CurrentTime:          pkitsValidationTime,
		Policies:             c.Params.Policies,
		ExplicitPolicy:       c.Params.ExplicitPolicy,
		InhibitPolicyMapping: c.Params.InhibitPolicyMapping,
		InhibitAnyPolicy:     c.Params.InhibitAnyPolicy,
		Revocation:           crls,
	})
	return v.Verify(context.Background(), readCert(t, c.Cert))
}

// pkitsErrorClass maps the index's error classes to sentinel errors
// (err itself for a path validation error other than revocation).
func pkitsErrorClass(class string, err error) error {
	switch class {
	case "RevokedError":
		return path.ErrRevoked
	case "InsufficientRevinfoError":
		return path.ErrRevocationUnknown
	case "StaleRevinfoError":
		return path.ErrRevocationExpired
	}
	if errors.Is(err, path.ErrRevoked) || errors.Is(err, path.ErrRevocationUnknown) {
		return errNotThisClass
	}
	return err
}

var errNotThisClass = errors.New("not a path validation error")

// TestPKITS runs every case of NIST PKITS through the library and asserts
// its expected result; the DSA cases are known failures.
func TestPKITS(t *testing.T) {
	cases := loadPKITS(t)
	pass := 0
	for _, c := range cases {
		t.Run(c.Label(), func(t *testing.T) {
			_, err := verifyPKITS(t, c)
			ok := (err == nil) == (c.Error == nil)
			if pkitsKnownFailures[c.ID] {
				if ok {
					t.Errorf("known failure passes now: remove it from pkitsKnownFailures")
				}
				return
			}
			if !ok {
				t.Errorf("got error %v, want error: %v", err, c.Error != nil)
				return
			}
			if c.Error != nil && !errors.Is(err, pkitsErrorClass(c.Error.Class, err)) {
				t.Errorf("got %v, want a %s", err, c.Error.Class)
				return
			}
			pass++
		})
	}
	want := len(cases) - len(pkitsKnownFailures)
	t.Logf("PKITS through the library: %d/%d cases pass (%d DSA cases known to fail)", pass, want, len(pkitsKnownFailures))
	if pass != want {
		t.Errorf("PKITS: %d/%d", pass, want)
	}
}
