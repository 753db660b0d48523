//go:build unix

package fileinput

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestRead(t *testing.T) {
	dir := t.TempDir()
	small := filepath.Join(dir, "small")
	if err := os.WriteFile(small, []byte("hello"), 0o600); err != nil {
		t.Fatal(err)
	}
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, path string
		max        int64
		stdin      string
		want       string
		err        error
	}{
		{"regular", small, 5, "", "hello", nil},
		{"too large", small, 4, "", "", ErrTooLarge},
		{"fifo", fifo, 100, "", "", ErrNotRegular},
		{"dev zero", "/dev/zero", 100, "", "", ErrNotRegular},
		{"folder", dir, 100, "", "", ErrNotRegular},
		{"stdin", "-", 5, "hello", "hello", nil},
		{"stdin too large", "-", 4, "hello", "", ErrTooLarge},
		{"missing", filepath.Join(dir, "none"), 5, "", "", os.ErrNotExist},
	} {
		t.Run(tc.name, func(t *testing.T) {
			start := time.Now()
			b, err := Read(tc.path, tc.max, strings.NewReader(tc.stdin))
			if time.Since(start) > time.Second {
				t.Errorf("took %v", time.Since(start))
			}
			if tc.err != nil {
				if !errors.Is(err, tc.err) {
					t.Fatalf("Read = %q, %v; want %v", b, err, tc.err)
				}
				return
			}
			if err != nil || !bytes.Equal(b, []byte(tc.want)) {
				t.Fatalf("Read = %q, %v; want %q", b, err, tc.want)
			}
		})
	}
}

func TestInputsStdinOnce(t *testing.T) {
	in := &Inputs{Stdin: strings.NewReader("first")}
	b, err := in.Read("-", 10)
	if err != nil || string(b) != "first" {
		t.Fatalf("first Read(-) = %q, %v", b, err)
	}
	if b, err := in.Read("-", 10); !errors.Is(err, ErrStdinTaken) {
		t.Fatalf("second Read(-) = %q, %v; want ErrStdinTaken", b, err)
	}
	var zero Inputs
	if b, err := zero.Read("-", 10); !errors.Is(err, ErrNotRegular) {
		t.Fatalf("zero Inputs Read(-) = %q, %v; want ErrNotRegular", b, err)
	}
}
