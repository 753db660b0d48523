package x509check_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/csam-go/csam/x509check"
)

const pinA = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"

func TestParseAcceptedList(t *testing.T) {
	ok := `{"format": "csam-accepted-certificates/1", "authorities": [
		{"name": "A", "spki_sha256": "` + strings.ToUpper(pinA) + `", "accepted": [{"name": "t", "policy": "1.2.3"}]}]}`
	l, err := x509check.ParseAcceptedList(strings.NewReader(ok))
	if err != nil {
		t.Fatal(err)
	}
	if l.Authorities[0].SPKISHA256 != pinA {
		t.Fatalf("pin not normalised to lower case: %q", l.Authorities[0].SPKISHA256)
	}
	bad := map[string]string{
		"not JSON":        `{`,
		"wrong format":    `{"format": "x", "authorities": [{"name": "A", "spki_sha256": "` + pinA + `", "qualified": true}]}`,
		"no authorities":  `{"format": "csam-accepted-certificates/1", "authorities": []}`,
		"unknown field":   `{"format": "csam-accepted-certificates/1", "extra": 1, "authorities": [{"name": "A", "spki_sha256": "` + pinA + `", "qualified": true}]}`,
		"short pin":       `{"format": "csam-accepted-certificates/1", "authorities": [{"name": "A", "spki_sha256": "abcd", "qualified": true}]}`,
		"no name":         `{"format": "csam-accepted-certificates/1", "authorities": [{"spki_sha256": "` + pinA + `", "qualified": true}]}`,
		"accepts nothing": `{"format": "csam-accepted-certificates/1", "authorities": [{"name": "A", "spki_sha256": "` + pinA + `"}]}`,
		"pin twice": `{"format": "csam-accepted-certificates/1", "authorities": [{"name": "A", "spki_sha256": "` + pinA + `", "qualified": true},
			{"name": "B", "spki_sha256": "` + pinA + `", "eid": true}]}`,
		"bad policy":    `{"format": "csam-accepted-certificates/1", "authorities": [{"name": "A", "spki_sha256": "` + pinA + `", "accepted": [{"name": "t", "policy": "1..2"}]}]}`,
		"trailing data": ok + ` {}`,
		"too large":     ok + strings.Repeat(" ", 1<<20),
	}
	for name, in := range bad {
		t.Run(name, func(t *testing.T) {
			_, err := x509check.ParseAcceptedList(strings.NewReader(in))
			if !errors.Is(err, x509check.ErrBadInput) {
				t.Fatalf("ParseAcceptedList = %v, want ErrBadInput", err)
			}
		})
	}
}

func FuzzParseAcceptedList(f *testing.F) {
	f.Add([]byte(`{"format": "csam-accepted-certificates/1", "authorities": [{"name": "A", "spki_sha256": "` + pinA + `", "accepted": [{"name": "t", "policy": "1.2.3"}]}]}`))
	f.Add([]byte(`{"format": "csam-accepted-certificates/1", "authorities": [{"name": "A", "spki_sha256": "` + pinA + `", "eid": true}]}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		l, err := x509check.ParseAcceptedList(bytes.NewReader(data))
		if err != nil {
			if !errors.Is(err, x509check.ErrBadInput) {
				t.Fatalf("error %v does not wrap ErrBadInput", err)
			}
			return
		}
		if len(l.Authorities) == 0 {
			t.Fatal("a list without authorities parsed")
		}
		if _, err := x509check.NewValidator(x509check.Options{Accepted: l}); err != nil {
			t.Fatalf("a parsed list is refused by NewValidator: %v", err)
		}
	})
}
