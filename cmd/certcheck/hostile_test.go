//go:build unix

package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/csam-go/csam/internal/clitest"
	"github.com/csam-go/csam/internal/testpki"
)

var built struct {
	once sync.Once
	bin  string
	err  error
	out  []byte
}

// buildCLI builds certcheck once for the package's tests.
func buildCLI(t *testing.T) string {
	t.Helper()
	built.once.Do(func() {
		dir, err := os.MkdirTemp("", "certcheck-bin")
		if err != nil {
			built.err = err
			return
		}
		built.bin = filepath.Join(dir, "certcheck")
		built.out, built.err = exec.Command("go", "build", "-o", built.bin, ".").CombinedOutput()
	})
	if built.err != nil {
		t.Fatalf("go build: %v\n%s", built.err, built.out)
	}
	return built.bin
}

// TestMain runs the tests, or certcheck itself when the scripts of
// TestScripts invoke the test binary as certcheck.
func TestMain(m *testing.M) { clitest.Main(cleanupM{m}, "certcheck", main) }

// cleanupM removes the binary buildCLI built once the tests ran.
type cleanupM struct{ m *testing.M }

func (c cleanupM) Run() int {
	code := c.m.Run()
	if built.bin != "" {
		os.RemoveAll(filepath.Dir(built.bin))
	}
	return code
}

// runBinary runs the built certcheck, killed if still running after 20 s,
// and returns its exit status (-1 if killed), stdout, stderr and CPU time
// (user and system: unlike the wall clock, not stretched by a loaded
// machine).
func runBinary(t *testing.T, args ...string) (int, string, string, time.Duration) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, buildCLI(t), args...)
	var out, errb strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errb
	_ = cmd.Run()
	ps := cmd.ProcessState
	return ps.ExitCode(), out.String(), errb.String(), ps.UserTime() + ps.SystemTime()
}

// Inputs that are not regular files, or larger than their bound, are
// refused before any read: exit status 2 within a second of CPU time,
// with a message naming the reason. A FIFO that blocked certcheck would
// get it killed after 20 s (exit status -1). (/dev/zero used to exhaust memory, a FIFO to block
// forever, a 512 MiB trusted list to be read whole before its 32 MiB
// check, and -crl had no bound.)
func TestBinaryHostileFiles(t *testing.T) {
	p := testpki.New(t, testpki.Options{})
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	sparse := func(name string, size int64) string {
		path := filepath.Join(dir, name)
		f, err := os.Create(path)
		if err != nil {
			t.Fatal(err)
		}
		if err := f.Truncate(size); err != nil {
			t.Fatal(err)
		}
		f.Close()
		return path
	}
	bigCert := sparse("big.pem", 5<<20)
	bigCRL := sparse("big.crl", 11<<20)
	bigTL := sparse("big.xml", 512<<20)
	bigResp := sparse("big.ocsp", 2<<20)
	roots := []string{"-roots", p.Root.CertPath, "-revocation", "none"}
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"certificate /dev/zero", append(roots, "/dev/zero"), "not a regular file"},
		{"certificate FIFO", append(roots, fifo), "not a regular file"},
		{"certificate 5 MiB", append(roots, bigCert), "larger than allowed"},
		{"roots /dev/zero", []string{"-roots", "/dev/zero", p.Auth.CertPath}, "not a regular file"},
		{"roots FIFO", []string{"-roots", fifo, p.Auth.CertPath}, "not a regular file"},
		{"intermediates FIFO", append(roots, "-intermediates", fifo, p.Auth.CertPath), "not a regular file"},
		{"crl FIFO", append(roots, "-crl", fifo, p.Auth.CertPath), "not a regular file"},
		{"crl 11 MiB", append(roots, "-crl", bigCRL, p.Auth.CertPath), "larger than allowed"},
		{"ocsp response /dev/zero", append(roots, "-ocsp-response", "/dev/zero", p.Auth.CertPath), "not a regular file"},
		{"ocsp response 2 MiB", append(roots, "-ocsp-response", bigResp, p.Auth.CertPath), "larger than allowed"},
		{"trusted list 512 MiB", []string{"-trusted-list", bigTL, "-tl-signer", p.Root.CertPath, p.Auth.CertPath}, "larger than allowed"},
		{"trusted list FIFO", []string{"-trusted-list", fifo, "-tl-signer", p.Root.CertPath, p.Auth.CertPath}, "not a regular file"},
		{"tl signer /dev/zero", []string{"-trusted-list", p.Auth.CertPath, "-tl-signer", "/dev/zero", p.Auth.CertPath}, "not a regular file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errs, cpu := runBinary(t, tt.args...)
			if code != 2 || cpu > time.Second || !strings.Contains(errs, tt.want) {
				t.Fatalf("exit %d after %s of CPU time, want 2 within 1 s of CPU time naming %q\nstdout: %s\nstderr: %s", code, cpu, tt.want, out, errs)
			}
		})
	}
}
