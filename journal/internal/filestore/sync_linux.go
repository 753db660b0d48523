package filestore

import (
	"os"

	"golang.org/x/sys/unix"
)

func datasync(f *os.File) error {
	for {
		if err := unix.Fdatasync(int(f.Fd())); err != unix.EINTR {
			return err
		}
	}
}

func syncfs(d *os.File) error {
	for {
		if err := unix.Syncfs(int(d.Fd())); err != unix.EINTR {
			return err
		}
	}
}
