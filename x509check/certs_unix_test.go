//go:build unix

package x509check_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/csam-go/csam/internal/testenv"
	"github.com/csam-go/csam/x509check"
)

// Issue 14, section 3: LoadCertificates (root and intermediate paths)
// refuses at once what is not a regular file or is too large, instead of
// reading /dev/zero until memory runs out or blocking on a FIFO.
func TestLoadCertificatesBounded(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	big := filepath.Join(dir, "big.pem")
	f, err := os.Create(big)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(x509check.MaxCertificateFileSize + 1); err != nil {
		t.Fatal(err)
	}
	f.Close()
	for _, tt := range []struct{ path, want string }{
		{"/dev/zero", "not a regular file"}, {fifo, "not a regular file"}, {big, "larger than allowed"},
	} {
		// At once: without blocking (a FIFO has no writer) and without
		// reading (/dev/zero has no end), so under a second of CPU time
		// (which a loaded machine does not stretch as it does the wall
		// clock) and long before the 30 s this waits.
		done := make(chan error, 1)
		cpu0, ok := testenv.CPUTime()
		go func() {
			_, err := x509check.LoadCertificates(tt.path)
			done <- err
		}()
		var err error
		select {
		case err = <-done:
		case <-time.After(30 * time.Second):
			t.Fatalf("%s: LoadCertificates still running after 30 s", tt.path)
		}
		cpu1, ok2 := testenv.CPUTime()
		if !errors.Is(err, x509check.ErrBadInput) || !strings.Contains(err.Error(), tt.want) || ok && ok2 && cpu1-cpu0 > time.Second {
			t.Errorf("%s: %v after %s of CPU time, want ErrBadInput (%s) at once", tt.path, err, cpu1-cpu0, tt.want)
		}
	}
	// In a folder, a FIFO is skipped, as a non-regular file always was.
	if _, err := x509check.LoadCertificates(dir); err != nil {
		t.Errorf("folder: %v", err)
	}
}
