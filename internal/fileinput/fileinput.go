// Package fileinput reads the files the programs take on their command
// line: regular files only, since a FIFO or a device (/dev/zero, a
// terminal) would block or never end, and at most a given size; "-" names
// standard input, read with the same bound.
package fileinput

import (
	"errors"
	"fmt"
	"io"
	"os"
	"syscall"
)

// Errors of Read.
var (
	// ErrNotRegular: the path names a FIFO, a device, a folder or a socket.
	ErrNotRegular = errors.New("not a regular file")
	// ErrTooLarge: the input holds more than the bound.
	ErrTooLarge = errors.New("file too large")
)

// Read returns the content of the regular file at path, or of stdin when
// path is "-", refusing more than max bytes. The file is opened without
// blocking (a FIFO with no writer would block the open itself) and checked
// to be regular before it is read.
func Read(path string, max int64, stdin io.Reader) ([]byte, error) {
	var r io.Reader
	if path == "-" {
		if stdin == nil {
			return nil, fmt.Errorf("standard input: %w", ErrNotRegular)
		}
		r = stdin
	} else {
		st, err := os.Stat(path)
		if err != nil {
			return nil, err
		}
		if !st.Mode().IsRegular() {
			return nil, fmt.Errorf("%s: %w (%s)", path, ErrNotRegular, st.Mode().Type())
		}
		f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		if st, err = f.Stat(); err != nil {
			return nil, err
		}
		if !st.Mode().IsRegular() { // replaced since the first look
			return nil, fmt.Errorf("%s: %w (%s)", path, ErrNotRegular, st.Mode().Type())
		}
		if st.Size() > max {
			return nil, fmt.Errorf("%s: %w: %d bytes, at most %d", path, ErrTooLarge, st.Size(), max)
		}
		r = f
	}
	b, err := io.ReadAll(io.LimitReader(r, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > max {
		return nil, fmt.Errorf("%s: %w: more than %d bytes", path, ErrTooLarge, max)
	}
	return b, nil
}
