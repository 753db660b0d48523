package pcsc

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

func TestSentinel(t *testing.T) {
	tests := []struct {
		code uint32
		want error
	}{
		{0x8010001D, ErrNoService}, {0x8010001E, ErrNoService},
		{0x80100009, ErrNoCard}, {0x8010002E, ErrNoCard}, {0x80100017, ErrNoCard},
		{0x8010000C, ErrNoCard}, {0x8010000B, ErrNoCard},
		{0x80100069, ErrCardRemoved}, {0x80100066, ErrCardRemoved}, {0x80100067, ErrCardRemoved},
		{0x80100068, ErrCardRemoved},
		{0x80100001, nil},
	}
	for _, tc := range tests {
		t.Run(fmt.Sprintf("%08X", tc.code), func(t *testing.T) {
			err := &Error{Op: "connect", Code: tc.code, Err: sentinel(tc.code)}
			if tc.want != nil && !errors.Is(err, tc.want) {
				t.Fatalf("0x%08X: %v, want %v", tc.code, err, tc.want)
			}
			if tc.want == nil && err.Err != nil {
				t.Fatalf("0x%08X mapped to %v", tc.code, err.Err)
			}
			if !strings.HasPrefix(err.Error(), "eid/pcsc: connect: ") || (tc.want != nil && codeText(tc.code) == "") {
				t.Errorf("message %q", err.Error())
			}
		})
	}
}
