//go:build unix

package testenv

import (
	"path/filepath"
	"syscall"
)

// FIFO makes a named pipe in a temporary folder and returns its path: an
// input that blocks a reader until a writer comes, which never does.
func FIFO(t TB) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "fifo")
	if err := syscall.Mkfifo(p, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}
