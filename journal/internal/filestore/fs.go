package filestore

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"syscall"
)

// FS is the file system a Store writes through. OS is the real one; tests
// wrap it (to count the syncs, to fail a write) as testing/iotest wraps a
// reader.
type FS interface {
	OpenFile(name string, flag int, perm fs.FileMode) (File, error)
	Rename(oldpath, newpath string) error
	Mkdir(name string, perm fs.FileMode) error
	Remove(name string) error
	// SyncAll makes everything written on the file system holding dir
	// durable (syncfs(2) where there is one, sync(2) elsewhere).
	SyncAll(dir string) error
}

// File is an open file of an FS.
type File interface {
	io.Reader
	io.Writer
	io.ReaderAt
	io.Seeker
	io.Closer
	Stat() (fs.FileInfo, error)
	Truncate(size int64) error
	// Sync is fsync(2), Datasync fdatasync(2) (fsync where there is none).
	Sync() error
	Datasync() error
	// Lock takes an exclusive advisory lock on the file, without waiting;
	// it fails with ErrLocked when another process holds it.
	Lock() error
}

// ErrLocked is returned when another process has the store open.
var ErrLocked = errors.New("filestore: the folder is open in another process")

// OS is the operating system's file system.
var OS FS = osFS{}

type osFS struct{}

func (osFS) OpenFile(name string, flag int, perm fs.FileMode) (File, error) {
	f, err := os.OpenFile(name, flag, perm)
	if err != nil {
		return nil, err
	}
	return osFile{f}, nil
}

func (osFS) Rename(oldpath, newpath string) error      { return os.Rename(oldpath, newpath) }
func (osFS) Mkdir(name string, perm fs.FileMode) error { return os.Mkdir(name, perm) }
func (osFS) Remove(name string) error                  { return os.Remove(name) }

func (osFS) SyncAll(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return syncfs(d)
}

type osFile struct{ *os.File }

func (f osFile) Datasync() error { return datasync(f.File) }

func (f osFile) Lock() error {
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		switch {
		case errors.Is(err, syscall.EINTR):
			continue
		case errors.Is(err, syscall.EWOULDBLOCK):
			return ErrLocked
		default:
			return err
		}
	}
}
