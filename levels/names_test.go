package levels_test

import (
	"encoding"
	"strings"
	"testing"

	"github.com/csam-go/csam/levels"
)

// TestNames checks the text forms of the enumerations a request carries:
// every value's name parses back to it, the documented aliases parse, an
// unknown name is an error wrapping the sentinel and naming the package,
// and an out-of-range value does not marshal.
func TestNames(t *testing.T) {
	type enum struct {
		name    string
		values  int
		of      func(i int) encoding.TextMarshaler
		parse   func(s string) (int, error)
		aliases map[string]int
		kind    string // the Kind of the *ParseError of an unknown name
		// zeroInvalid: the zero value is no value (Role, KeyState): it
		// neither marshals nor parses.
		zeroInvalid bool
	}
	enums := []enum{
		{"portal", 4, func(i int) encoding.TextMarshaler { return levels.Portal(i) },
			func(s string) (int, error) {
				var v levels.Portal
				err := v.UnmarshalText([]byte(s))
				return int(v), err
			},
			map[string]int{"www.securitesociale.be": 1, "Belgium.be": 2, "ehealth.fgov.be": 3, "esanté": 3, "": 0}, "portal", false},
		{"channel", 3, func(i int) encoding.TextMarshaler { return levels.Channel(i) },
			func(s string) (int, error) { v, err := levels.ParseChannel(s); return int(v), err },
			map[string]int{"sftp": 1, "(S)FTP": 1, "mq": 2, "": 0}, "channel", false},
		{"role", 8, func(i int) encoding.TextMarshaler { return levels.Role(i) },
			func(s string) (int, error) { v, err := levels.ParseRole(s); return int(v), err },
			map[string]int{"Main_Access_Manager": 1, "designated user": 5}, "role", true},
		{"key state", 5, func(i int) encoding.TextMarshaler { return levels.KeyState(i) },
			func(s string) (int, error) {
				var v levels.KeyState
				err := v.UnmarshalText([]byte(s))
				return int(v), err
			},
			map[string]int{"lost": 3, "locked": 4}, "key state", true},
		{"audience", 8, func(i int) encoding.TextMarshaler { return levels.Audience(i) },
			func(s string) (int, error) {
				var v levels.Audience
				err := v.UnmarshalText([]byte(s))
				return int(v), err
			},
			nil, "audience", false},
	}
	for _, e := range enums {
		t.Run(e.name, func(t *testing.T) {
			for i := range e.values {
				if i == 0 && e.zeroInvalid {
					if b, err := e.of(0).MarshalText(); err == nil {
						t.Errorf("the zero value marshals to %q", b)
					}
					for _, s := range []string{"", "unknown"} {
						if _, err := e.parse(s); !isProblem(err, kind(e.kind)) {
							t.Errorf("%q parses: %v", s, err)
						}
					}
					continue
				}
				b, err := e.of(i).MarshalText()
				if err != nil {
					t.Fatalf("value %d: %v", i, err)
				}
				if got, err := e.parse(string(b)); err != nil || got != i {
					t.Errorf("%q parses to %d, %v; want %d", b, got, err, i)
				}
			}
			for s, want := range e.aliases {
				if got, err := e.parse(s); err != nil || got != want {
					t.Errorf("alias %q parses to %d, %v; want %d", s, got, err, want)
				}
			}
			_, err := e.parse("no-such-name")
			if !isProblem(err, kind(e.kind)) || !strings.HasPrefix(err.Error(), "levels: ") || !strings.Contains(err.Error(), "no-such-name") {
				t.Errorf("unknown name: %v", err)
			}
			if _, err := e.of(e.values).MarshalText(); err == nil || !strings.HasPrefix(err.Error(), "levels: ") {
				t.Errorf("value %d out of range marshals: %v", e.values, err)
			}
		})
	}
}
