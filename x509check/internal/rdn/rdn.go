// Package rdn parses X.501 distinguished names from their DER encoding and
// compares them as RFC 5280 section 7.1 asks: attribute values of the
// directory string types are compared after case folding and whitespace
// folding (leading and trailing spaces removed, inner runs of spaces made
// one), whatever their string type (PrintableString, UTF8String,
// TeletexString, BMPString, UniversalString, IA5String), so that a CA may
// roll over from PrintableString to UTF8String; other values are compared
// octet for octet.
package rdn

import (
	"encoding/asn1"
	"errors"
	"slices"
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"

	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// ErrMalformed is returned when a name is not a DER encoded Name.
var ErrMalformed = errors.New("rdn: malformed name")

// Attribute is one AttributeTypeAndValue.
type Attribute struct {
	Type asn1.ObjectIdentifier
	// Tag and Value are the value's ASN.1 tag and content octets.
	Tag   cbasn1.Tag
	Value []byte
	// key is the comparison form: the folded string for directory
	// strings, the tag and octets otherwise.
	key string
}

// RDN is a relative distinguished name: a set of attributes.
type RDN []Attribute

// Name is a distinguished name, most significant RDN first.
type Name []RDN

// Parse parses the DER encoding of a Name (the Name SEQUENCE itself).
func Parse(der []byte) (Name, error) {
	in := cryptobyte.String(der)
	var seq cryptobyte.String
	if !in.ReadASN1(&seq, cbasn1.SEQUENCE) || !in.Empty() {
		return nil, ErrMalformed
	}
	return parseRDNs(seq)
}

// parseRDNs parses the content of a Name SEQUENCE.
func parseRDNs(seq cryptobyte.String) (Name, error) {
	var n Name
	for !seq.Empty() {
		var set cryptobyte.String
		if !seq.ReadASN1(&set, cbasn1.SET) {
			return nil, ErrMalformed
		}
		var r RDN
		for !set.Empty() {
			var atv cryptobyte.String
			var oid asn1.ObjectIdentifier
			if !set.ReadASN1(&atv, cbasn1.SEQUENCE) || !atv.ReadASN1ObjectIdentifier(&oid) {
				return nil, ErrMalformed
			}
			var val cryptobyte.String
			var tag cbasn1.Tag
			if !atv.ReadAnyASN1(&val, &tag) || !atv.Empty() {
				return nil, ErrMalformed
			}
			a := Attribute{Type: oid, Tag: tag, Value: val}
			a.key = oid.String() + "=" + valueKey(tag, val)
			r = append(r, a)
		}
		if len(r) == 0 {
			return nil, ErrMalformed
		}
		n = append(n, r)
	}
	return n, nil
}

// valueKey returns the comparison form of a value.
func valueKey(tag cbasn1.Tag, v []byte) string {
	if s, ok := decodeString(tag, v); ok {
		return "s:" + fold(s)
	}
	return "b:" + string(rune(tag)) + string(v)
}

// decodeString decodes the directory string types to UTF-8.
func decodeString(tag cbasn1.Tag, v []byte) (string, bool) {
	switch tag {
	case cbasn1.UTF8String, cbasn1.PrintableString, cbasn1.IA5String:
		if !utf8.Valid(v) {
			return "", false
		}
		return string(v), true
	case cbasn1.T61String:
		// Teletex read as Latin-1, as most implementations do.
		r := make([]rune, len(v))
		for i, b := range v {
			r[i] = rune(b)
		}
		return string(r), true
	case 30: // BMPString
		if len(v)%2 != 0 {
			return "", false
		}
		u := make([]uint16, len(v)/2)
		for i := range u {
			u[i] = uint16(v[2*i])<<8 | uint16(v[2*i+1])
		}
		return string(utf16.Decode(u)), true
	case 28: // UniversalString
		if len(v)%4 != 0 {
			return "", false
		}
		r := make([]rune, len(v)/4)
		for i := range r {
			r[i] = rune(uint32(v[4*i])<<24 | uint32(v[4*i+1])<<16 | uint32(v[4*i+2])<<8 | uint32(v[4*i+3]))
		}
		return string(r), true
	}
	return "", false
}

// fold case-folds s and folds its white space (RFC 4518 insignificant
// space handling, simplified: leading and trailing spaces dropped, inner
// runs made one space).
func fold(s string) string {
	var b strings.Builder
	space := false
	for _, r := range s {
		if unicode.IsSpace(r) {
			space = b.Len() > 0
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(unicode.ToLower(unicode.SimpleFold(unicode.ToUpper(r))))
	}
	return b.String()
}

// rdnKey is the comparison form of an RDN: its attributes' forms sorted,
// since an RDN is a set.
func (r RDN) key() string {
	ks := make([]string, len(r))
	for i, a := range r {
		ks[i] = a.key
	}
	slices.Sort(ks)
	return strings.Join(ks, "\x00+")
}

// Key returns a string equal for two names exactly when Equal holds: a map
// key for lookups by name.
func (n Name) Key() string {
	var b strings.Builder
	for _, r := range n {
		b.WriteString(r.key())
		b.WriteString("\x00/")
	}
	return b.String()
}

// Equal reports whether a and b match under RFC 5280 section 7.1.
func Equal(a, b Name) bool {
	return len(a) == len(b) && HasPrefix(a, b)
}

// HasPrefix reports whether prefix's RDNs are the first RDNs of n (a
// directoryName subtree of name constraints, RFC 5280 section 4.2.1.10).
func HasPrefix(n, prefix Name) bool {
	if len(prefix) > len(n) {
		return false
	}
	for i := range prefix {
		if n[i].key() != prefix[i].key() {
			return false
		}
	}
	return true
}

// Key parses der and returns Name.Key of it.
func Key(der []byte) (string, error) {
	n, err := Parse(der)
	if err != nil {
		return "", err
	}
	return n.Key(), nil
}

// Values returns the string values of the attributes of type t, in
// order (the emailAddress attributes of a subject, for name constraints).
func (n Name) Values(t asn1.ObjectIdentifier) []string {
	var out []string
	for _, r := range n {
		for _, a := range r {
			if a.Type.Equal(t) {
				if s, ok := decodeString(a.Tag, a.Value); ok {
					out = append(out, s)
				}
			}
		}
	}
	return out
}
