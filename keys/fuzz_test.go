package keys_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"unicode/utf8"

	"github.com/csam-go/csam/internal/testenv"
	"github.com/csam-go/csam/keys"
)

// FuzzLoadJSON feeds arbitrary input to the definition loader: it must
// never panic; it either registers valid key types that encode and decode
// back equal, or returns *DefinitionError values with a known problem and a
// position inside the input, and registers nothing.
func FuzzLoadJSON(f *testing.F) {
	if b, err := os.ReadFile(filepath.Join(testenv.ModuleRoot(), "testdata", "keys", "future-keys.json")); err == nil {
		f.Add(b)
	}
	builtins, err := keys.MarshalDefinitions(keys.Builtins())
	if err != nil {
		f.Fatal(err)
	}
	f.Add(builtins)
	for _, s := range []string{
		``, `[]`, `[`, `{}`, `[null]`, `[{}]`, `[1,2]`, "[]\n x",
		`[{"id":"k","names":{"en":"K"},"level":"column2","factors":["x"]}]`,
		`[{"id":"k","names":{"en":"K","xx":"y"},"level":"column9","fas":401,"eidas":"mid","channels":["tv",""],"factors":["A B",1]}]`,
		`[{"id":"k","id":"k","names":{},"level":null,"channels":[],"factors":[]}]`,
		`[{"id":"k","names":{"en":"K"},"level":"3","fas":"urn:be:fedict:iam:fas:citizen:Level500","eidas":"http://eidas.europa.eu/LoA/high","channels":["sftp","mq"],"factors":["x"]}]`,
	} {
		f.Add([]byte(s))
	}
	problems := []any{"malformed JSON", "unknown field", "missing field", keys.ErrDuplicateID,
		kind("level"), kind("channel"), "unknown FAS level", "unknown eIDAS level", "invalid value", "too large"}
	f.Fuzz(func(t *testing.T, data []byte) {
		reg := keys.NewRegistry()
		n := len(reg.All())
		kts, err := reg.LoadJSON(bytes.NewReader(data))
		if err != nil {
			if kts != nil || len(reg.All()) != n {
				t.Fatal("registered key types from a refused file")
			}
			checkErrTree(t, err, int64(len(data)), problems)
			return
		}
		if len(reg.All()) != n+len(kts) {
			t.Fatalf("Len = %d after loading %d key types", len(reg.All()), len(kts))
		}
		for _, k := range kts {
			if err := k.Validate(); err != nil {
				t.Fatalf("loaded an invalid key type %+v: %v", k, err)
			}
		}
		out, err := keys.MarshalDefinitions(kts)
		if err != nil {
			t.Fatal(err)
		}
		back, err := keys.DecodeDefinitions(bytes.NewReader(out))
		if err != nil {
			t.Fatalf("re-encoded definitions do not decode: %v\n%s", err, out)
		}
		if len(kts) == 0 {
			kts = nil
		}
		if !reflect.DeepEqual(back, kts) {
			t.Fatalf("round trip changed the key types:\n%+v\n%+v", kts, back)
		}
	})
}

func checkErrTree(t *testing.T, err error, size int64, problems []any) {
	t.Helper()
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		for _, e := range j.Unwrap() {
			checkErrTree(t, e, size, problems)
		}
		return
	}
	var de *keys.DefinitionError
	if !errors.As(err, &de) {
		t.Fatalf("error %v (%T) is not a *DefinitionError", err, err)
	}
	found := false
	for _, p := range problems {
		found = found || isProblem(de, p)
	}
	if !found {
		t.Fatalf("error %v is none of the known problems", de)
	}
	if de.Pos.Offset < 0 || de.Pos.Offset > size || (!isProblem(de, "too large") && !de.Pos.IsValid()) {
		t.Fatalf("error %v has position %v outside the input of %d bytes", de, de.Pos, size)
	}
}

// FuzzParseAssurance checks the FAS and eIDAS parsers: a parsed level is
// valid and its ACR or URI parses back to it; anything else is an
// unknown-level error.
func FuzzParseAssurance(f *testing.F) {
	for _, s := range []string{"400", "Level450", "urn:be:fedict:iam:fas:citizen:Level500", "urn:be:fedict:iam:fas:Level",
		"low", "HIGH", "http://eidas.europa.eu/LoA/substantial", "none", "", "0400", "+400"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if l, err := keys.ParseFASLevel(s); err != nil {
			if !isProblem(err, "unknown FAS level") {
				t.Fatalf("ParseFASLevel(%q) error %v", s, err)
			}
		} else if back, err := keys.ParseFASLevel(l.ACR()); !l.Valid() || l == keys.FASUnknown || err != nil || back != l {
			t.Fatalf("ParseFASLevel(%q) = %v; ACR parses to %v, %v", s, l, back, err)
		}
		if l, err := keys.ParseEIDASLevel(s); err != nil {
			if !isProblem(err, "unknown eIDAS level") {
				t.Fatalf("ParseEIDASLevel(%q) error %v", s, err)
			}
		} else if back, err := keys.ParseEIDASLevel(l.String()); !l.Valid() || err != nil || back != l {
			t.Fatalf("ParseEIDASLevel(%q) = %v; name parses to %v, %v", s, l, back, err)
		}
	})
}

// FuzzCheckPassword checks that the password rule never quotes the
// password and that its reasons agree with a direct count.
func FuzzCheckPassword(f *testing.F) {
	for _, s := range []string{"", "Tr0ub4dor&3-horse!", "aaaa", "1234567890123456", "Crème-brûlée#2025?", "\xff\xfe"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, pw string) {
		err := keys.PasswordPolicy{}.Check(pw)
		short := utf8.RuneCountInString(pw) < keys.MinPasswordLength
		if err == nil {
			if short {
				t.Fatalf("Check(%q) accepted %d runes", pw, utf8.RuneCountInString(pw))
			}
			return
		}
		var pe *keys.PasswordError
		if !errors.As(err, &pe) {
			t.Fatalf("error %v is not a *PasswordError", err)
		}
		if (pe.Rules&keys.RuleLength != 0) != short {
			t.Fatalf("Check(%q) = %v; %d runes", pw, err, utf8.RuneCountInString(pw))
		}
		// The message depends on the length and the reasons only, never on
		// the password's characters.
		same := &keys.PasswordError{Length: utf8.RuneCountInString(pw), MinLength: keys.MinPasswordLength, Rules: pe.Rules}
		if err.Error() != same.Error() {
			t.Fatalf("message %q depends on the password", err)
		}
	})
}
