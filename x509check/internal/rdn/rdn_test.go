package rdn

import (
	"crypto/x509/pkix"
	"encoding/asn1"
	"testing"
)

// name encodes one RDN per (type, tag, value) triple.
func name(t *testing.T, atvs ...any) []byte {
	t.Helper()
	var seq pkix.RDNSequence
	for i := 0; i < len(atvs); i += 3 {
		v, err := asn1.Marshal(asn1.RawValue{Tag: atvs[i+1].(int), Bytes: []byte(atvs[i+2].(string))})
		if err != nil {
			t.Fatal(err)
		}
		seq = append(seq, pkix.RelativeDistinguishedNameSET{{Type: atvs[i].(asn1.ObjectIdentifier), Value: asn1.RawValue{FullBytes: v}}})
	}
	b, err := asn1.Marshal(seq)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

var (
	cn = asn1.ObjectIdentifier{2, 5, 4, 3}
	o  = asn1.ObjectIdentifier{2, 5, 4, 10}
)

const (
	printable = 19
	utf8s     = 12
	ia5       = 22
	octets    = 4
)

func TestEqual(t *testing.T) {
	tests := []struct {
		name string
		a, b []any
		want bool
	}{
		{"identical", []any{cn, printable, "CA"}, []any{cn, printable, "CA"}, true},
		{"case", []any{cn, printable, "Good CA"}, []any{cn, printable, "gOOD ca"}, true},
		{"inner spaces", []any{cn, printable, "Good   CA"}, []any{cn, printable, "Good CA"}, true},
		{"outer spaces", []any{cn, printable, "  Good CA "}, []any{cn, printable, "Good CA"}, true},
		{"printable to utf8", []any{cn, printable, "Good CA"}, []any{cn, utf8s, "Good CA"}, true},
		{"different value", []any{cn, printable, "Good CA"}, []any{cn, printable, "Bad CA"}, false},
		{"different type", []any{cn, printable, "X"}, []any{o, printable, "X"}, false},
		{"order", []any{o, printable, "A", cn, printable, "B"}, []any{cn, printable, "B", o, printable, "A"}, false},
		{"prefix only", []any{o, printable, "A"}, []any{o, printable, "A", cn, printable, "B"}, false},
		{"octets exact", []any{cn, octets, "ab"}, []any{cn, octets, "AB"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, err := Parse(name(t, tt.a...))
			if err != nil {
				t.Fatal(err)
			}
			b, err := Parse(name(t, tt.b...))
			if err != nil {
				t.Fatal(err)
			}
			if got := Equal(a, b); got != tt.want {
				t.Errorf("Equal = %v, want %v", got, tt.want)
			}
			if got := a.Key() == b.Key(); got != tt.want {
				t.Errorf("Key equality = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestHasPrefix(t *testing.T) {
	full, _ := Parse(name(t, o, printable, "Test Certificates", cn, utf8s, "Alice"))
	pre, _ := Parse(name(t, o, utf8s, "test certificates"))
	other, _ := Parse(name(t, o, printable, "Other"))
	if !HasPrefix(full, pre) {
		t.Error("prefix not found")
	}
	if HasPrefix(full, other) || HasPrefix(pre, full) {
		t.Error("wrong prefix accepted")
	}
	if !HasPrefix(full, nil) {
		t.Error("the empty name is a prefix of every name")
	}
}

func TestValues(t *testing.T) {
	email := asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 1}
	n, err := Parse(name(t, cn, printable, "A", email, ia5, "a@example.com"))
	if err != nil {
		t.Fatal(err)
	}
	if v := n.Values(email); len(v) != 1 || v[0] != "a@example.com" {
		t.Errorf("Values = %q", v)
	}
}

func TestMalformed(t *testing.T) {
	for _, b := range [][]byte{nil, {0x30}, {0x30, 0x02, 0x31, 0x00}, {0x31, 0x00}, {0x30, 0x00, 0x00}} {
		if _, err := Parse(b); err == nil {
			t.Errorf("Parse(%x) accepted", b)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte{0x30, 0x00})
	f.Add(name(&testing.T{}, o, printable, "Test Certificates", cn, utf8s, "Alice"))
	f.Fuzz(func(t *testing.T, b []byte) {
		n, err := Parse(b)
		if err != nil {
			return
		}
		m, err := Parse(b)
		if err != nil || !Equal(n, m) || n.Key() != m.Key() {
			t.Fatal("a name differs from itself")
		}
		for i := range n {
			if !HasPrefix(n, n[:i]) {
				t.Fatal("a name does not start with its own RDNs")
			}
		}
	})
}
