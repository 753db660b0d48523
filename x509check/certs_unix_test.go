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
		start := time.Now()
		_, err := x509check.LoadCertificates(tt.path)
		if !errors.Is(err, x509check.ErrBadInput) || !strings.Contains(err.Error(), tt.want) || time.Since(start) > time.Second {
			t.Errorf("%s: %v after %s, want ErrBadInput (%s) at once", tt.path, err, time.Since(start), tt.want)
		}
	}
	// In a folder, a FIFO is skipped, as a non-regular file always was.
	if _, err := x509check.LoadCertificates(dir); err != nil {
		t.Errorf("folder: %v", err)
	}
}
