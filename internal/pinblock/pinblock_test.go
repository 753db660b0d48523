package pinblock

import (
	"encoding/hex"
	"testing"
)

func TestEncode(t *testing.T) {
	for _, tt := range []struct {
		pin  string
		want string // hex, empty when refused
	}{
		{"1234", "241234ffffffffff"},
		{"98765", "2598765fffffffff"},
		{"123456789012", "2c123456789012ff"},
		{"123", ""},
		{"1234567890123", ""},
		{"12a4", ""},
		{"", ""},
	} {
		var b [8]byte
		ok := Encode(&b, []byte(tt.pin))
		if ok != (tt.want != "") {
			t.Errorf("Encode(%q) = %v", tt.pin, ok)
			continue
		}
		if ok && hex.EncodeToString(b[:]) != tt.want {
			t.Errorf("Encode(%q) = %x, want %s", tt.pin, b, tt.want)
		}
	}
}
