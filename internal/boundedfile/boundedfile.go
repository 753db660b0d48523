// Package boundedfile reads files whose size is checked before reading:
// only regular files are opened (a FIFO, a device such as /dev/zero or a
// socket is refused before any read, so nothing blocks or grows without
// bound), and a file larger than the caller's bound is refused from its
// size, then read through a limit (a file growing while read is cut).
package boundedfile

import (
	"errors"
	"fmt"
	"io"
	"os"
)

// Sentinel errors of ReadFile.
var (
	// ErrNotRegular: the path names something other than a regular file.
	ErrNotRegular = errors.New("not a regular file")
	// ErrTooLarge: the file is larger than the bound.
	ErrTooLarge = errors.New("file larger than allowed")
)

// ReadFile reads the regular file at path if it holds at most max bytes.
// Its errors wrap ErrNotRegular, ErrTooLarge or the *os.PathError of the
// failed operation.
func ReadFile(path string, max int64) ([]byte, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("%s: %w (%s)", path, ErrNotRegular, kind(st.Mode()))
	}
	if st.Size() > max {
		return nil, fmt.Errorf("%s: %w: %d bytes, limit %d", path, ErrTooLarge, st.Size(), max)
	}
	// Checked again once open: the path may have been replaced meanwhile.
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if st, err = f.Stat(); err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("%s: %w (%s)", path, ErrNotRegular, kind(st.Mode()))
	}
	b, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > max {
		return nil, fmt.Errorf("%s: %w: more than %d bytes", path, ErrTooLarge, max)
	}
	return b, nil
}

func kind(m os.FileMode) string {
	switch {
	case m.IsDir():
		return "a directory"
	case m&os.ModeNamedPipe != 0:
		return "a named pipe"
	case m&os.ModeCharDevice != 0:
		return "a character device"
	case m&os.ModeDevice != 0:
		return "a device"
	case m&os.ModeSocket != 0:
		return "a socket"
	}
	return "mode " + m.String()
}
