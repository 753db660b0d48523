package testenv

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// recorder stands in for a test to observe Fatalf and Skipf.
type recorder struct {
	testing.TB
	fatal, skip string
}

func (r *recorder) Helper()                   {}
func (r *recorder) Fatalf(f string, a ...any) { r.fatal = fmt.Sprintf(f, a...) }
func (r *recorder) Skipf(f string, a ...any)  { r.skip = fmt.Sprintf(f, a...) }

func TestShared(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "reglement.txt"), []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	// CSAM_SHARED names the folder.
	t.Setenv("CSAM_SHARED", dir)
	t.Setenv("CSAM_REALDATA", "")
	r := &recorder{TB: t}
	if p := Shared(r, "reglement.txt"); p != filepath.Join(dir, "reglement.txt") || r.fatal != "" {
		t.Errorf("Shared = %q (fatal %q)", p, r.fatal)
	}
	// A missing file fails, never skips.
	r = &recorder{TB: t}
	Shared(r, "absent.txt")
	if r.fatal == "" || r.skip != "" {
		t.Errorf("missing file: fatal %q, skip %q", r.fatal, r.skip)
	}
	// Without CSAM_SHARED, the parent of CSAM_REALDATA.
	t.Setenv("CSAM_SHARED", "")
	t.Setenv("CSAM_REALDATA", filepath.Join(dir, "realdata"))
	r = &recorder{TB: t}
	if p := Shared(r, "reglement.txt"); p != filepath.Join(dir, "reglement.txt") || r.fatal != "" {
		t.Errorf("from CSAM_REALDATA: Shared = %q (fatal %q)", p, r.fatal)
	}
	// A set but absent folder fails whatever the mode.
	t.Setenv("CSAM_SHARED", filepath.Join(dir, "nowhere"))
	r = &recorder{TB: t}
	Shared(r, "reglement.txt")
	if r.fatal == "" {
		t.Error("absent CSAM_SHARED folder did not fail")
	}
}
