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

	"github.com/csam-go/csam/internal/boundedfile"
)

// Errors of Read; the first two are boundedfile's, for one meaning.
var (
	// ErrNotRegular: the path names a FIFO, a device, a folder or a socket.
	ErrNotRegular = boundedfile.ErrNotRegular
	// ErrTooLarge: the input holds more than the bound.
	ErrTooLarge = boundedfile.ErrTooLarge
	// ErrStdinTaken: a second input names "-", but standard input is
	// read once, by the first.
	ErrStdinTaken = errors.New("standard input is already read by another input")
)

// Inputs reads the inputs of one run of a program: files, or standard
// input for the first of them named "-"; a second "-" is refused with
// ErrStdinTaken rather than read as empty. Its zero value has no standard
// input.
type Inputs struct {
	// Stdin is what "-" reads.
	Stdin io.Reader
	taken bool
}

// Read is [Read] with in's standard input, which it hands out once.
func (in *Inputs) Read(path string, max int64) ([]byte, error) {
	if path != "-" {
		return Read(path, max, nil)
	}
	r, err := in.TakeStdin()
	if err != nil {
		return nil, fmt.Errorf("-: %w", err)
	}
	return Read(path, max, r)
}

// TakeStdin hands standard input to its first taker (an input named "-",
// a PIN read from it, ...); later calls return ErrStdinTaken. The reader
// is nil when in has no standard input.
func (in *Inputs) TakeStdin() (io.Reader, error) {
	if in.taken {
		return nil, ErrStdinTaken
	}
	in.taken = true
	return in.Stdin, nil
}

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
