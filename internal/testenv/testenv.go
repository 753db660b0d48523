// Package testenv finds what the module's tests need outside Go: the real
// public data the repository carries in testdata/, system tools (openssl, oathtool,
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
)

// TB is the part of testing.TB the helpers use: a *testing.T or
// *testing.B passes as one. The package does not import testing, so that a
// test fixture built on it (the test PKI, which the virtual card uses) can
// be linked into a program.
type TB interface {
	Helper()
	Errorf(format string, args ...any)
	Fatal(args ...any)
	Fatalf(format string, args ...any)
	Skipf(format string, args ...any)
	TempDir() string
	Cleanup(func())
}

// Strict reports whether missing prerequisites fail tests instead of
// skipping them (CSAM_STRICT=1).
func Strict() bool { return os.Getenv("CSAM_STRICT") == "1" }

// Missing skips t with reason, or fails it in strict mode.
func Missing(t TB, reason string) {
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

// RealData returns a file or folder of the real public test data that the
// repository carries in testdata/realdata, joined from the path elements.
// $CSAM_REALDATA, when set, names another folder of the same layout (an
// optional override). A missing file fails the test: the data ships with
// the repository.
func RealData(t TB, elem ...string) string {
	t.Helper()
	return dataFile(t, "CSAM_REALDATA", "realdata", elem)
}

// dataFile resolves elem under $env when set, else under testdata/sub at
// the module root, and fails t when the file is missing.
func dataFile(t TB, env, sub string, elem []string) string {
	t.Helper()
	dir := os.Getenv(env)
	if dir == "" {
		root := ModuleRoot()
		if root == "" {
			t.Fatalf("module root not found, so testdata/%s cannot be located", sub)
		}
		dir = filepath.Join(root, "testdata", sub)
	}
	p := filepath.Join(append([]string{dir}, elem...)...)
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("test data file missing: %v", err)
	}
	return p
}

// Tool returns the path of an executable on PATH, skipping (or failing in
// strict mode) when it is not installed.
func Tool(t TB, name string) string {
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
func RedisAddr(t TB) string {
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
func PCSC(t TB) {
	t.Helper()
	if os.Getenv("CSAM_PCSC") != "1" {
		Missing(t, "CSAM_PCSC is not 1: pcscd with the vpcd driver is not running (scripts/test.sh starts it)")
	}
}

// Reglement returns the path of the règlement text the repository carries
// (testdata/reglement/reglement-2025.txt), the source document the catalog
// is checked against. $CSAM_REGLEMENT, when set, names another folder
// holding reglement-2025.txt.
func Reglement(t TB) string {
	t.Helper()
	return dataFile(t, "CSAM_REGLEMENT", "reglement", []string{"reglement-2025.txt"})
}
