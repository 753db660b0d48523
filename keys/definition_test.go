package keys_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/csam-go/csam/internal/testenv"
	"github.com/csam-go/csam/keys"
	"github.com/csam-go/csam/levels"
)

func futureKeysFile(t testing.TB) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(testenv.ModuleRoot(), "testdata", "keys", "future-keys.json"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestLoadFutureKeys loads the documented example file and checks each
// definition field by field.
func TestLoadFutureKeys(t *testing.T) {
	reg := keys.NewRegistry()
	n := len(reg.All())
	got, err := reg.LoadJSON(bytes.NewReader(futureKeysFile(t)))
	if err != nil {
		t.Fatal(err)
	}
	want := []keys.KeyType{
		{ID: "email-otp", Names: keys.Names{FR: "Code de sécurité par e-mail", NL: "Beveiligingscode via e-mail", EN: "Security code by e-mail"},
			Level: levels.Column1, EIDAS: keys.EIDASLow, Factors: []keys.Factor{"username", "password", "email-code"}},
		{ID: "hardware-token", Names: keys.Names{EN: "Hardware token with username and password", DE: "Hardware-Token mit Benutzername und Passwort"},
			Level: levels.Column2, Channels: []levels.Channel{levels.ChannelPortal}, Factors: []keys.Factor{"username", "password", "hardware-token"}},
		{ID: "passkey", Names: keys.Names{FR: "Clé d'accès (passkey)", NL: "Toegangssleutel (passkey)", EN: "Passkey", DE: "Passkey"},
			Level: levels.Column3, FAS: keys.FAS400, EIDAS: keys.EIDASSubstantial, Channels: []levels.Channel{levels.ChannelPortal},
			Factors: []keys.Factor{"passkey-device", "pin"}},
		{ID: "smartcard-certificate", Names: keys.Names{EN: "Qualified certificate on a smart card, with username and password"},
			Level: levels.Column3, Channels: []levels.Channel{levels.ChannelPortal, levels.ChannelFTP, levels.ChannelMQSeries},
			Factors: []keys.Factor{"username", "password", "certificate", "private-key", "card-reader", "pin"}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("LoadJSON returned\n%+v\nwant\n%+v", got, want)
	}
	if len(reg.All()) != n+len(want) {
		t.Fatalf("registry holds %d key types, want %d", len(reg.All()), n+len(want))
	}
	all := reg.All()
	for i, k := range want {
		if all[n+i].ID != k.ID {
			t.Errorf("All()[%d] = %q, want %q (registration order)", n+i, all[n+i].ID, k.ID)
		}
		if l, ok := reg.Lookup(k.ID); !ok || !reflect.DeepEqual(l, k) {
			t.Errorf("Lookup(%q) = %+v, %v", k.ID, l, ok)
		}
	}
	if p, _ := reg.Lookup("smartcard-certificate"); !p.UsesCertificate() {
		t.Error("smartcard-certificate does not use a certificate")
	}
}

// TestDefinitionErrors gives one bad file per case, with the problem, the
// definition index, the field and the line:column the error must name.
func TestDefinitionErrors(t *testing.T) {
	const ok = `{"id":"k","names":{"en":"K"},"level":"column2","factors":["x"]}`
	tests := []struct {
		name   string
		in     string
		target any // see isProblem
		index  int
		field  string
		at     string // the error is at the last occurrence of this text; "$" for the end
	}{
		{"empty input", ``, "malformed JSON", -1, "", "$"},
		{"not an array", `{"id":"k"}`, "malformed JSON", -1, "", `{`},
		{"truncated", "[\n" + ok + ",\n{\"id\":", "malformed JSON", -1, "", "$"},
		{"bad token", "[\n  " + ok + ",\n  {\"id\": nope}\n]", "malformed JSON", -1, "", "ope}"},
		{"missing comma", `[` + ok + ` ` + ok + `]`, "malformed JSON", -1, "", `{"id":"k"`},
		{"trailing data", `[]` + "\n\n  ]", "malformed JSON", -1, "", "]"},
		{"element not an object", `[` + ok + `, 42]`, "malformed JSON", 1, "", "42"},
		{"wrong type", `[{"id":7,"names":{"en":"K"},"level":"column2","factors":["x"]}]`, "malformed JSON", 0, "id", "7,"},
		{"null", `[{"id":"k","names":{"en":"K"},"level":null,"factors":["x"]}]`, "malformed JSON", 0, "level", "null"},
		{"field twice", `[{"id":"k","id":"j","names":{"en":"K"},"level":"column2","factors":["x"]}]`, "malformed JSON", 0, "id", `"id":"j"`},
		{"unknown field", "[\n{\"id\":\"k\",\"names\":{\"en\":\"K\"},\"level\":\"column2\",\"factors\":[\"x\"],\n \"colour\":\"red\"}]", "unknown field", 0, "colour", `"colour"`},
		{"field case", `[{"ID":"k","names":{"en":"K"},"level":"column2","factors":["x"]}]`, "unknown field", 0, "ID", `"ID"`},
		{"unknown language", `[{"id":"k","names":{"en":"K","es":"K"},"level":"column2","factors":["x"]}]`, "unknown field", 0, "names.es", `"es"`},
		{"empty name", `[{"id":"k","names":{"en":""},"level":"column2","factors":["x"]}]`, "invalid value", 0, "names.en", `""}`},
		{"missing id", `[{"names":{"en":"K"},"level":"column2","factors":["x"]}]`, "missing field", 0, "id", `{"names"`},
		{"missing names", "[" + ok + ",\n {\"id\":\"j\",\"level\":\"column2\",\"factors\":[\"x\"]}]", "missing field", 1, "names", `{"id":"j"`},
		{"empty names", `[{"id":"k","names":{},"level":"column2","factors":["x"]}]`, "missing field", 0, "names", `{}`},
		{"missing level", `[{"id":"k","names":{"en":"K"},"factors":["x"]}]`, "missing field", 0, "level", `{"id"`},
		{"missing factors", `[{"id":"k","names":{"en":"K"},"level":"column2"}]`, "missing field", 0, "factors", `{"id"`},
		{"empty factors", `[{"id":"k","names":{"en":"K"},"level":"column2","factors":[]}]`, "missing field", 0, "factors", `[]}`},
		{"unknown level", "[\n  {\"id\": \"k\", \"names\": {\"en\": \"K\"},\n   \"level\": \"column4\", \"factors\": [\"x\"]}]", kind("level"), 0, "level", `"column4"`},
		{"level none", `[{"id":"k","names":{"en":"K"},"level":"none","factors":["x"]}]`, "invalid value", 0, "level", `"none"`},
		{"bad id", `[{"id":"K K","names":{"en":"K"},"level":"column2","factors":["x"]}]`, "invalid value", 0, "id", `"K K"`},
		{"duplicate id in file", "[" + ok + ",\n" + ok + "]", keys.ErrDuplicateID, 1, "id", `"k"`},
		{"duplicate built-in", `[{"id":"eid","names":{"en":"K"},"level":"column3","factors":["x"]}]`, keys.ErrDuplicateID, 0, "id", `"eid"`},
		{"unknown channel", `[{"id":"k","names":{"en":"K"},"level":"column2","channels":["portal","fax"],"factors":["x"]}]`, kind("channel"), 0, "channels[1]", `"fax"`},
		{"empty channel", `[{"id":"k","names":{"en":"K"},"level":"column2","channels":[""],"factors":["x"]}]`, kind("channel"), 0, "channels[0]", `""]`},
		{"channel twice", `[{"id":"k","names":{"en":"K"},"level":"column2","channels":["ftp","sftp"],"factors":["x"]}]`, "invalid value", 0, "channels[1]", `"sftp"`},
		{"empty channels", `[{"id":"k","names":{"en":"K"},"level":"column2","channels":[],"factors":["x"]}]`, "invalid value", 0, "channels", `[],`},
		{"channels not array", `[{"id":"k","names":{"en":"K"},"level":"column2","channels":"ftp","factors":["x"]}]`, "malformed JSON", 0, "channels", `"ftp"`},
		{"unknown FAS", `[{"id":"k","names":{"en":"K"},"level":"column2","fas":"urn:be:fedict:iam:fas:Level600","factors":["x"]}]`, "unknown FAS level", 0, "fas", `"urn:`},
		{"unknown FAS number", `[{"id":"k","names":{"en":"K"},"level":"column2","fas":42,"factors":["x"]}]`, "unknown FAS level", 0, "fas", `42`},
		{"unknown eIDAS", `[{"id":"k","names":{"en":"K"},"level":"column2","eidas":"http://eidas.europa.eu/LoA/medium","factors":["x"]}]`, "unknown eIDAS level", 0, "eidas", `"http`},
		{"bad factor", `[{"id":"k","names":{"en":"K"},"level":"column2","factors":["x","Bad Factor"]}]`, "invalid value", 0, "factors[1]", `"Bad Factor"`},
		{"factor not string", `[{"id":"k","names":{"en":"K"},"level":"column2","factors":["x",3]}]`, "malformed JSON", 0, "factors[1]", `3]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			off := len(tt.in)
			if tt.at != "$" {
				off = strings.LastIndex(tt.in, tt.at)
				if off < 0 {
					t.Fatalf("bad test: %q not in input", tt.at)
				}
			}
			line := 1 + strings.Count(tt.in[:off], "\n")
			col := off - strings.LastIndex(tt.in[:off], "\n")
			reg := keys.NewRegistry()
			n := len(reg.All())
			kts, err := reg.LoadJSON(strings.NewReader(tt.in))
			if err == nil {
				t.Fatalf("LoadJSON accepted %s: %+v", tt.in, kts)
			}
			if kts != nil || len(reg.All()) != n {
				t.Fatalf("LoadJSON registered %d key types from a bad file", len(reg.All())-n)
			}
			if !isProblem(err, tt.target) {
				t.Fatalf("error %v; want errors.Is %v", err, tt.target)
			}
			if !strings.HasPrefix(err.Error(), "keys: ") {
				t.Errorf("message %q does not start with the package name", err)
			}
			de := findError(err, tt.target)
			if de == nil {
				t.Fatalf("error %v has no *DefinitionError wrapping %v", err, tt.target)
			}
			if de.Index != tt.index || de.Field != tt.field || de.Pos.Line != line || de.Pos.Column != col || de.Pos.Offset != int64(off) {
				t.Fatalf("error %v: index %d field %q at %v; want index %d field %q at %d:%d (offset %d)",
					de, de.Index, de.Field, de.Pos, tt.index, tt.field, line, col, off)
			}
			if tt.field != "" && !strings.Contains(de.Error(), `"`+tt.field+`"`) {
				t.Errorf("message %q does not name the field %q", de, tt.field)
			}
			if want := fmt.Sprintf("line %d:%d", line, col); !strings.Contains(de.Error(), want) {
				t.Errorf("message %q does not give the position %s", de, want)
			}
		})
	}
}

// findError returns the first *DefinitionError in err's tree that wraps
// target.
func findError(err error, target any) *keys.DefinitionError {
	if de, ok := err.(*keys.DefinitionError); ok && isProblem(de, target) {
		return de
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		for _, e := range j.Unwrap() {
			if de := findError(e, target); de != nil {
				return de
			}
		}
	}
	return nil
}

// TestDefinitionAllErrors checks that one file reports every bad field of
// every definition.
func TestDefinitionAllErrors(t *testing.T) {
	in := `[
 {"id":"a","names":{"en":"A"},"level":"column9","factors":["x"],"extra":1},
 {"id":"b","names":{"en":"B"},"level":"column1","eidas":"top","factors":["x"]},
 {"id":"c","names":{"en":"C"},"level":"column1","channels":["radio"],"factors":["x"]}
]`
	_, err := keys.DecodeDefinitions(strings.NewReader(in))
	var got []string
	for _, e := range err.(interface{ Unwrap() []error }).Unwrap() {
		de := e.(*keys.DefinitionError)
		got = append(got, string(de.ID)+"."+de.Field)
	}
	want := []string{"a.level", "a.extra", "b.eidas", "c.channels[0]"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("errors on %v, want %v\n%v", got, want, err)
	}
}

func TestTooLarge(t *testing.T) {
	big := "[" + strings.Repeat(" ", keys.MaxDefinitionBytes) + "]"
	_, err := keys.NewRegistry().LoadJSON(strings.NewReader(big))
	if !isProblem(err, "too large") {
		t.Fatalf("LoadJSON of %d bytes = %v, want a file too large", len(big), err)
	}
}

// TestRoundTrip encodes every built-in and example key type and decodes
// them back equal.
func TestRoundTrip(t *testing.T) {
	future, err := keys.DecodeDefinitions(bytes.NewReader(futureKeysFile(t)))
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range append(keys.Builtins(), future...) {
		t.Run(string(k.ID), func(t *testing.T) {
			b, err := json.Marshal(k)
			if err != nil {
				t.Fatal(err)
			}
			var back keys.KeyType
			if err := json.Unmarshal(b, &back); err != nil {
				t.Fatalf("Unmarshal(%s): %v", b, err)
			}
			if !reflect.DeepEqual(back, k) {
				t.Fatalf("round trip of %s gave %+v, want %+v", b, back, k)
			}
			file, err := keys.MarshalDefinitions([]keys.KeyType{k})
			if err != nil {
				t.Fatal(err)
			}
			kts, err := keys.DecodeDefinitions(bytes.NewReader(file))
			if err != nil || len(kts) != 1 || !reflect.DeepEqual(kts[0], k) {
				t.Fatalf("definition file round trip gave %+v, %v", kts, err)
			}
		})
	}
}

// TestUnmarshalJSONStrict checks that embedding a KeyType in other JSON
// keeps the definition rules.
func TestUnmarshalJSONStrict(t *testing.T) {
	var v struct{ Key keys.KeyType }
	err := json.Unmarshal([]byte(`{"Key": {"id":"k","names":{"en":"K"},"level":"column2","factors":["x"],"x":1}}`), &v)
	if !isProblem(err, "unknown field") {
		t.Fatalf("Unmarshal = %v, want an unknown field", err)
	}
}

// TestLevelsErrors checks that an unknown level or channel in a
// definition is the *levels.ParseError that package levels returns, with
// the text of the file.
func TestLevelsErrors(t *testing.T) {
	tests := []struct {
		name, json, kind, input string
	}{
		{"channel", `[{"id":"k","names":{"en":"K"},"level":"column2","channels":["fax"],"factors":["x"]}]`, "channel", "fax"},
		{"level", `[{"id":"k","names":{"en":"K"},"level":"column4","factors":["x"]}]`, "level", "column4"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := keys.DecodeDefinitions(strings.NewReader(tt.json))
			var pe *levels.ParseError
			if !errors.As(err, &pe) || pe.Kind != tt.kind || pe.Input != tt.input {
				t.Fatalf("DecodeDefinitions = %v, want a *levels.ParseError for %s %q", err, tt.kind, tt.input)
			}
		})
	}
}
