package filestore

import (
	"bytes"
	"errors"
	"io"
	"testing"
)

func logOf(entries ...string) []byte {
	b := []byte(logHeader)
	for i, e := range entries {
		b = appendRecord(b, uint64(i), []byte(e))
	}
	return b
}

// readAll returns the entries of a log and the error that ended it.
func readAll(b []byte) ([][]byte, error) {
	rr, err := NewRecordReader(bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	var entries [][]byte
	for {
		e, err := rr.Next()
		if err != nil {
			return entries, err
		}
		entries = append(entries, e)
	}
}

// TestRecordReader: a log reads back; a torn, damaged or moved record
// ends the reading with a RecordError naming its index and offset.
func TestRecordReader(t *testing.T) {
	good := logOf("zero", "one", "", "three")
	off2 := HeaderSize + 2*recordHead + int64(len("zero")+len("one"))
	off3 := off2 + recordHead
	swapped := logOf("zero", "one")
	swapped = appendRecord(swapped, 3, []byte("three"))
	swapped = appendRecord(swapped, 2, nil)
	for _, tc := range []struct {
		name   string
		in     []byte
		n      int
		err    error
		index  uint64
		offset int64
	}{
		{"whole", good, 4, io.EOF, 0, 0},
		{"no header", []byte("csam"), 0, ErrNotLog, 0, 0},
		{"other file", []byte("csam-journal-log 2\n"), 0, ErrNotLog, 0, 0},
		{"torn header", good[:len(good)-len("three")-3], 3, &RecordError{}, 3, off3},
		{"torn entry", good[:len(good)-1], 3, &RecordError{}, 3, off3},
		{"damaged", append(good[:len(good)-1:len(good)-1], 'E'), 3, &RecordError{}, 3, off3},
		{"moved", swapped, 2, &RecordError{}, 2, off2},
		{"too long", append(logOf("zero"), 0, 1, 0, 0, 0, 0, 0, 0), 1, &RecordError{}, 1, HeaderSize + recordHead + 4},
	} {
		t.Run(tc.name, func(t *testing.T) {
			entries, err := readAll(tc.in)
			var re *RecordError
			switch {
			case len(entries) != tc.n:
				t.Fatalf("%d entries, want %d (%v)", len(entries), tc.n, err)
			case errors.As(tc.err, &re):
				if !errors.As(err, &re) || re.Index != tc.index || re.Offset != tc.offset {
					t.Fatalf("error %v, want a RecordError at %d, offset %d", err, tc.index, tc.offset)
				}
			case !errors.Is(err, tc.err):
				t.Fatalf("error %v, want %v", err, tc.err)
			}
		})
	}
}

// FuzzRecordReader reads arbitrary log files: no panic, typed errors, and
// the records read are a prefix of the input, record for record.
func FuzzRecordReader(f *testing.F) {
	f.Add(logOf("zero", "one", "", "three"))
	f.Add(logOf(string(bytes.Repeat([]byte("x"), 300))))
	f.Add([]byte(logHeader + "\x00\x00"))
	f.Fuzz(func(t *testing.T, b []byte) {
		entries, err := readAll(b)
		var re *RecordError
		switch {
		case errors.Is(err, ErrNotLog):
			return
		case err == io.EOF:
		case errors.As(err, &re):
			if re.Index != uint64(len(entries)) {
				t.Fatalf("error at record %d after %d records", re.Index, len(entries))
			}
		default:
			t.Fatalf("untyped error %v", err)
		}
		var want []string
		for _, e := range entries {
			want = append(want, string(e))
		}
		if again := logOf(want...); !bytes.HasPrefix(b, again) || (err == io.EOF && len(again) != len(b)) {
			t.Fatalf("records read do not re-encode to the input")
		}
	})
}
