// Package testenv finds what the module's tests need outside Go: the real
// public data beside the repository, system tools (openssl, oathtool,
// opensc-tool) and services (Redis, pcscd with vpcd).
//
// A test that needs something absent skips with a clear reason, unless
// CSAM_STRICT=1 is set (the test script and CI set it): then it fails, so
// that nothing that must run is silently skipped.
package testenv

import (
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
)

// Strict reports whether missing prerequisites fail tests instead of
// skipping them (CSAM_STRICT=1).
func Strict() bool { return os.Getenv("CSAM_STRICT") == "1" }

// Missing skips t with reason, or fails it in strict mode.
func Missing(t testing.TB, reason string) {
	t.Helper()
	if Strict() {
		t.Fatalf("required for this test (CSAM_STRICT=1): %s", reason)
	}
	t.Skipf("skipped: %s", reason)
}

var (
	rootOnce sync.Once
	rootDir  string
)

// ModuleRoot returns the directory holding the module's go.mod, or "".
func ModuleRoot() string {
	rootOnce.Do(func() {
		dir, err := os.Getwd()
		if err != nil {
			return
		}
		for {
			if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
				rootDir = dir
				return
			}
			parent := filepath.Dir(dir)
			if parent == dir {
				return
			}
			dir = parent
		}
	})
	return rootDir
}

// RealData returns the folder of real public test data, joined with the
// optional path elements. It is $CSAM_REALDATA when set — and then a missing
// folder fails the test, whatever the mode — or ../shared/realdata beside the
// module root; when that is absent the test is skipped (or fails in strict
// mode).
func RealData(t testing.TB, elem ...string) string {
	t.Helper()
	dir := os.Getenv("CSAM_REALDATA")
	if dir != "" {
		if _, err := os.Stat(dir); err != nil {
			t.Fatalf("CSAM_REALDATA=%s is set but unreadable: %v", dir, err)
		}
	} else {
		root := ModuleRoot()
		if root == "" {
			Missing(t, "module root not found, so ../shared/realdata cannot be located")
		}
		dir = filepath.Join(root, "..", "shared", "realdata")
		if _, err := os.Stat(dir); err != nil {
			Missing(t, "real data folder ../shared/realdata is absent (set CSAM_REALDATA)")
		}
	}
	p := filepath.Join(append([]string{dir}, elem...)...)
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("real data file missing: %v", err)
	}
	return p
}

// Tool returns the path of an executable on PATH, skipping (or failing in
// strict mode) when it is not installed.
func Tool(t testing.TB, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		Missing(t, name+" is not installed (scripts/setup.sh installs it)")
	}
	return p
}

// RedisAddr returns the address of a Redis server for tests
// ($CSAM_REDIS_ADDR, set by scripts/test.sh), skipping (or failing in strict
// mode) when it is unset.
func RedisAddr(t testing.TB) string {
	t.Helper()
	a := os.Getenv("CSAM_REDIS_ADDR")
	if a == "" {
		Missing(t, "CSAM_REDIS_ADDR is not set: no Redis server for this test (scripts/test.sh starts one)")
	}
	return a
}

// PCSC reports that pcscd with the vpcd driver is running for tests
// (CSAM_PCSC=1, set by scripts/test.sh), skipping (or failing in strict
// mode) otherwise.
func PCSC(t testing.TB) {
	t.Helper()
	if os.Getenv("CSAM_PCSC") != "1" {
		Missing(t, "CSAM_PCSC is not 1: pcscd with the vpcd driver is not running (scripts/test.sh starts it)")
	}
}

// Shared returns a file or folder of the shared reference material beside
// the repository (the règlement, notes), joined from the path elements. The
// folder is $CSAM_SHARED when set, else the parent of $CSAM_REALDATA when
// that is set — in both cases a missing folder or file fails the test,
// whatever the mode — else ../shared beside the module root; when that is
// absent the test is skipped (or fails in strict mode).
func Shared(t testing.TB, elem ...string) string {
	t.Helper()
	dir := os.Getenv("CSAM_SHARED")
	if dir == "" {
		if rd := os.Getenv("CSAM_REALDATA"); rd != "" {
			dir = filepath.Dir(filepath.Clean(rd))
		}
	}
	if dir != "" {
		if _, err := os.Stat(dir); err != nil {
			t.Fatalf("shared folder %s (from CSAM_SHARED or CSAM_REALDATA) is unreadable: %v", dir, err)
		}
	} else {
		root := ModuleRoot()
		if root == "" {
			Missing(t, "module root not found, so ../shared cannot be located")
		}
		dir = filepath.Join(root, "..", "shared")
		if _, err := os.Stat(dir); err != nil {
			Missing(t, "shared folder ../shared is absent (set CSAM_SHARED)")
		}
	}
	p := filepath.Join(append([]string{dir}, elem...)...)
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("shared file missing: %v", err)
	}
	return p
}
