//go:build unix && !linux

package filestore

import (
	"os"
	"syscall"
)

func datasync(f *os.File) error { return f.Sync() }

func syncfs(*os.File) error {
	syscall.Sync()
	return nil
}
