package redisstore

import (
	"errors"
	"testing"
)

// Keys under the prefix may hold what another program wrote: decoding
// must refuse anything but the store's own entries, never panic.
func FuzzDecodeEntry(f *testing.F) {
	f.Add("17", []byte("value"), uint8(0))
	f.Add("0", []byte{}, uint8(0))
	f.Add("017", []byte("x"), uint8(0))
	f.Add("-1", []byte("x"), uint8(1))
	f.Add("18446744073709551616", []byte("x"), uint8(2))
	f.Fuzz(func(t *testing.T, ver string, val []byte, shape uint8) {
		var vals []any
		switch shape % 5 {
		case 0:
			vals = []any{ver, string(val)}
		case 1:
			vals = []any{ver, nil}
		case 2:
			vals = []any{nil, string(val)}
		case 3:
			vals = []any{ver, string(val), ver}
		case 4:
			vals = []any{int64(len(ver)), val}
		}
		b, v, err := decodeEntry(vals)
		if err != nil {
			if !errors.Is(err, errMalformed) {
				t.Fatalf("error %v does not match errMalformed", err)
			}
			return
		}
		if shape%5 != 0 || v == 0 || string(b) != string(val) {
			t.Fatalf("decoded %v as %q version %d", vals, b, v)
		}
		if _, err := decodeTime(ver, string(val)); err != nil && !errors.Is(err, errMalformed) {
			t.Fatalf("TIME error %v does not match errMalformed", err)
		}
	})
}
