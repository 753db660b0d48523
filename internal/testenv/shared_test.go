package testenv

import (
	"crypto/sha256"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"testing"
)

// recorder stands in for a test to observe Fatalf.
type recorder struct {
	testing.TB
	fatal string
}

func (r *recorder) Helper()                   {}
func (r *recorder) Fatalf(f string, a ...any) { r.fatal = fmt.Sprintf(f, a...) }

func TestRealDataFromRepository(t *testing.T) {
	t.Setenv("CSAM_REALDATA", "")
	p := RealData(t, "belgium-pki", "belgiumrca6.pem")
	want := filepath.Join(ModuleRoot(), "testdata", "realdata", "belgium-pki", "belgiumrca6.pem")
	if p != want {
		t.Errorf("RealData = %q, want %q", p, want)
	}
	if p := Reglement(t); filepath.Base(p) != "reglement-2025.txt" {
		t.Errorf("Reglement = %q", p)
	}
}

func TestRealDataOverride(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "x"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("CSAM_REALDATA", dir)
	r := &recorder{TB: t}
	if p := RealData(r, "x"); p != filepath.Join(dir, "x") || r.fatal != "" {
		t.Errorf("override: RealData = %q (fatal %q)", p, r.fatal)
	}
	RealData(r, "absent")
	if r.fatal == "" {
		t.Error("a missing file did not fail the test")
	}
}

// TestDataChecksums checks every file listed in testdata/README.md against
// the SHA-256 given there, and that every real-data file is listed.
func TestDataChecksums(t *testing.T) {
	root := filepath.Join(ModuleRoot(), "testdata")
	readme, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile("(?m)^\\| `([^`]+)` \\| .* \\| `([0-9a-f]{64})` \\|$")
	listed := map[string]bool{}
	for _, m := range re.FindAllStringSubmatch(string(readme), -1) {
		listed[m[1]] = true
		b, err := os.ReadFile(filepath.Join(root, m[1]))
		if err != nil {
			t.Errorf("%s: %v", m[1], err)
			continue
		}
		if got := fmt.Sprintf("%x", sha256.Sum256(b)); got != m[2] {
			t.Errorf("%s: SHA-256 %s, README says %s", m[1], got, m[2])
		}
	}
	for _, sub := range []string{"realdata", "reglement"} {
		err := filepath.WalkDir(filepath.Join(root, sub), func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			rel, _ := filepath.Rel(root, p)
			if !listed[filepath.ToSlash(rel)] {
				t.Errorf("%s is not listed in testdata/README.md", rel)
			}
			return nil
		})
		if err != nil {
			t.Error(err)
		}
	}
	if len(listed) < 30 {
		t.Errorf("only %d files listed", len(listed))
	}
}
