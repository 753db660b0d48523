package jsonwire

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
)

type text string

func (t *text) UnmarshalText(b []byte) error { *t = text(b); return nil }

// picky refuses the string "bad".
type picky struct{}

func (*picky) UnmarshalJSON(b []byte) error {
	if string(b) == `"bad"` {
		return errors.New("bad value")
	}
	return nil
}

type wire struct {
	P picky             `json:"p"`
	Y []byte            `json:"y"`
	A string            `json:"a"`
	B []int             `json:"b,omitempty"`
	C *struct{ D bool } `json:"c"`
	M map[string]string `json:"m"`
	R json.RawMessage   `json:"r"`
	T text              `json:"t"`
	X string            `json:"-"`
}

func TestDecode(t *testing.T) {
	tests := []struct {
		name  string
		in    string
		null  bool
		probs []Problem // Msg is matched as a fragment
	}{
		{"valid", `{"a":"x","b":[1,-2],"c":{"D":true},"m":{"k":"v"},"r":[null,{}],"t":"y"}`, false, nil},
		{"empty object", ` {} `, false, nil},
		{"name case", `{"A":"x"}`, false, []Problem{{Unknown, "A", 1, `unknown field "A" (want p, y, a, b, c, m, r or t)`}}},
		{"ignored field", `{"X":"x","-":1}`, false, []Problem{{Unknown, "X", 1, "unknown"}, {Unknown, "-", 9, "unknown"}}},
		{"twice", `{"a":"x", "a":"y"}`, false, []Problem{{Duplicate, "a", 10, `field "a" given twice`}}},
		{"twice in a map", `{"m":{"k":"v","k":"w"}}`, false, []Problem{{Duplicate, "m.k", 14, "twice"}}},
		{"null refused", `{"a":null,"c":null}`, false, []Problem{{Null, "a", 5, "null"}, {Null, "c", 14, "null"}}},
		{"null allowed", `{"a":null,"c":null,"b":null}`, true, nil},
		{"raw message takes null", `{"r":null}`, true, nil},
		{"type in array", `{"b":[1,"2"]}`, false, []Problem{{Type, "b[1]", 8, "want a number, got a string"}}},
		{"nested", `{"c":{"D":1,"E":2}}`, false, []Problem{{Type, "c.D", 10, "want a boolean"}, {Unknown, "c.E", 12, "unknown"}}},
		{"base64", `{"y":"AQI="}`, false, nil},
		{"base64 wants a string", `{"y":[1]}`, false, []Problem{{Type, "y", 5, "want a string, got an array"}}},
		{"unmarshaler", `{"p":[1,{}]}`, false, nil},
		{"unmarshaler refuses", `{"p":"bad"}`, false, []Problem{{Type, "", 0, "bad value"}}},
		{"text wants a string", `{"t":5}`, false, []Problem{{Type, "t", 5, "want a string"}}},
		{"not an object", `[1]`, false, []Problem{{Type, "", 0, "want an object, got an array"}}},
		{"syntax", `{"a":"x",}`, false, []Problem{{Syntax, "", 9, "invalid character '}'"}}},
		{"truncated", `{"a":`, false, []Problem{{Syntax, "", 5, "unexpected end of input"}}},
		{"empty", ``, false, []Problem{{Syntax, "", 0, "unexpected end of input"}}},
		{"trailing", `{} {}`, false, []Problem{{Syntax, "", 3, "after top-level value"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var v wire
			idx, probs := Decode([]byte(tt.in), &v, Options{AllowNull: tt.null, Index: true})
			if len(probs) != len(tt.probs) {
				t.Fatalf("problems %+v, want %+v", probs, tt.probs)
			}
			for i, p := range probs {
				w := tt.probs[i]
				if p.Kind != w.Kind || p.Path != w.Path || p.Offset != w.Offset || !strings.Contains(p.Msg, w.Msg) {
					t.Errorf("problem %d = %+v, want %+v", i, p, w)
				}
			}
			if len(probs) == 0 {
				var want wire
				if err := json.Unmarshal([]byte(tt.in), &want); err != nil || !reflect.DeepEqual(v, want) {
					t.Fatalf("Decode found no problem and gave %+v; Unmarshal gives %+v, %v", v, want, err)
				}
				if _, ok := idx[""]; !ok {
					t.Error("no offset for the document")
				}
			}
		})
	}
}

// TestIndex checks the offsets recorded for each path.
func TestIndex(t *testing.T) {
	in := "[\n {\"a\": \"x\", \"b\": [7, 8]},\n {\"c\": {\"D\": false}}\n]"
	var v []wire
	idx, probs := Decode([]byte(in), &v, Options{Index: true})
	if len(probs) != 0 {
		t.Fatal(probs)
	}
	for path, at := range map[string]string{"": "[", "[0]": `{"a"`, "[0].a": `"x"`, "[0].b": "[7", "[0].b[1]": "8]",
		"[1]": `{"c"`, "[1].c": `{"D"`, "[1].c.D": "false"} {
		if want := int64(strings.Index(in, at)); idx[path] != want {
			t.Errorf("offset of %q = %d, want %d", path, idx[path], want)
		}
	}
	if len(idx) != 9 { // and [0].b[0]
		t.Errorf("index %v has %d paths, want 9", idx, len(idx))
	}
	l := NewLines([]byte(in))
	for _, tt := range []struct {
		off       int64
		line, col int
	}{{0, 1, 1}, {2, 2, 1}, {3, 2, 2}, {int64(strings.Index(in, "false")), 3, 14}, {-5, 1, 1}, {1 << 40, 4, 2}} {
		if line, col := l.At(tt.off); line != tt.line || col != tt.col {
			t.Errorf("At(%d) = %d:%d, want %d:%d", tt.off, line, col, tt.line, tt.col)
		}
	}
}

// FuzzDecode checks that Decode never panics, that every offset lies within
// the input, and that a document without problems decodes.
func FuzzDecode(f *testing.F) {
	for _, s := range []string{``, `{}`, `[]`, `{"a":"x","b":[1],"c":{"D":true},"m":{"k":"v"},"r":1,"t":"y"}`,
		`{"a":1,"A":2,"a":3}`, `{"c":null}`, `{"b":[1,[2],{"x":3}]}`, `{"m":{"":""}}`, "{\"a\":\"\\u00e9\"}\n"} {
		f.Add([]byte(s), false)
	}
	f.Fuzz(func(t *testing.T, data []byte, null bool) {
		var v wire
		idx, probs := Decode(data, &v, Options{AllowNull: null, Index: true})
		size := int64(len(data))
		for _, p := range probs {
			if p.Offset < 0 || p.Offset > size || p.Kind < Syntax || p.Kind > Type || p.Msg == "" {
				t.Fatalf("problem %+v in an input of %d bytes", p, size)
			}
			if p.Kind == Syntax && (len(probs) != 1 || idx != nil) {
				t.Fatalf("syntax problem with others: %+v", probs)
			}
		}
		for path, off := range idx {
			if off < 0 || off >= size {
				t.Fatalf("offset %d of %q outside the input of %d bytes", off, path, size)
			}
		}
		if len(probs) == 0 {
			if err := json.Unmarshal(data, new(wire)); err != nil {
				t.Fatalf("Decode found no problem in %q; Unmarshal: %v", data, err)
			}
		}
	})
}
