//go:build unix

package boundedfile_test

import (
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/csam-go/csam/internal/boundedfile"
)

func TestReadFile(t *testing.T) {
	dir := t.TempDir()
	small := filepath.Join(dir, "small")
	if err := os.WriteFile(small, []byte("0123456789"), 0o600); err != nil {
		t.Fatal(err)
	}
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		path string
		max  int64
		want error
	}{
		{"within bound", small, 10, nil},
		{"over bound", small, 9, boundedfile.ErrTooLarge},
		{"device", "/dev/zero", 1 << 20, boundedfile.ErrNotRegular},
		{"fifo", fifo, 1 << 20, boundedfile.ErrNotRegular},
		{"directory", dir, 1 << 20, boundedfile.ErrNotRegular},
		{"missing", filepath.Join(dir, "none"), 10, os.ErrNotExist},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start := time.Now()
			b, err := boundedfile.ReadFile(tt.path, tt.max)
			if time.Since(start) > time.Second {
				t.Fatalf("took %s", time.Since(start))
			}
			if tt.want == nil {
				if err != nil || string(b) != "0123456789" {
					t.Fatalf("ReadFile = %q, %v", b, err)
				}
				return
			}
			if !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
		})
	}
}
