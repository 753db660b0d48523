package keys_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/csam-go/csam/internal/testenv"
	"github.com/csam-go/csam/keys"
)

// FuzzLoadJSON feeds arbitrary input to the definition loader: it must
// never panic; it either registers valid key types that encode and decode
// back equal, or returns *DefinitionError values with a sentinel and a
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
	sentinels := []error{keys.ErrMalformedJSON, keys.ErrUnknownField, keys.ErrMissingField, keys.ErrDuplicateID,
		keys.ErrUnknownLevel, keys.ErrUnknownChannel, keys.ErrUnknownFAS, keys.ErrUnknownEIDAS, keys.ErrInvalidValue, keys.ErrTooLarge}
	f.Fuzz(func(t *testing.T, data []byte) {
		reg := keys.NewRegistry()
		n := reg.Len()
		kts, err := reg.LoadJSON(bytes.NewReader(data))
		if err != nil {
			if kts != nil || reg.Len() != n {
				t.Fatal("registered key types from a refused file")
			}
			checkErrTree(t, err, int64(len(data)), sentinels)
			return
		}
		if reg.Len() != n+len(kts) {
			t.Fatalf("Len = %d after loading %d key types", reg.Len(), len(kts))
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

func checkErrTree(t *testing.T, err error, size int64, sentinels []error) {
	t.Helper()
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		for _, e := range j.Unwrap() {
			checkErrTree(t, e, size, sentinels)
		}
		return
	}
	var de *keys.DefinitionError
	if !errors.As(err, &de) {
		t.Fatalf("error %v (%T) is not a *DefinitionError", err, err)
	}
	found := false
	for _, s := range sentinels {
		found = found || errors.Is(de, s)
	}
	if !found {
		t.Fatalf("error %v wraps no sentinel", de)
	}
	if de.Pos.Offset < 0 || de.Pos.Offset > size || (!errors.Is(de, keys.ErrTooLarge) && !de.Pos.IsValid()) {
		t.Fatalf("error %v has position %v outside the input of %d bytes", de, de.Pos, size)
	}
}
