package tl

import (
	"bytes"
	"crypto/sha256"
	"encoding"
	"encoding/base64"
	"encoding/xml"
	"reflect"
	"slices"
	"strings"
	"sync"
)

// This file fills the xml* structs of parse.go from the scanner's tokens,
// with the rules of encoding/xml for the tags they use ("ns a>b" paths,
// ",attr", ",chardata", ",any", XMLName): the model is built in the same
// pass that checks the signature's digest.

type fieldKind uint8

const (
	fElem fieldKind = iota
	fAttr
	fChardata
	fAny
	fXMLName
)

type ufield struct {
	index   int
	kind    fieldKind
	ns      string
	name    string
	parents []string
	elem    *utype // the struct an element field holds, if any
	text    bool   // the field holds an encoding.TextUnmarshaler
}

type utype struct {
	fields   []ufield
	chardata int // index in fields, -1 if none
	any      int
}

var (
	utypesMu sync.Mutex
	utypes   = map[reflect.Type]*utype{}
)

// typeOf returns the fields of struct type t, with those of the structs
// its element fields hold, built once.
func typeOf(t reflect.Type) *utype {
	utypesMu.Lock()
	defer utypesMu.Unlock()
	return buildType(t)
}

func buildType(t reflect.Type) *utype {
	if ut, ok := utypes[t]; ok {
		return ut
	}
	ut := &utype{chardata: -1, any: -1}
	utypes[t] = ut // before the fields: types may hold themselves
	for i := range t.NumField() {
		f := t.Field(i)
		if f.Name == "XMLName" {
			ut.fields = append(ut.fields, ufield{index: i, kind: fXMLName})
			continue
		}
		tag, ok := f.Tag.Lookup("xml")
		if !ok {
			continue
		}
		uf := ufield{index: i}
		name, flags, _ := strings.Cut(tag, ",")
		if sp := strings.LastIndexByte(name, ' '); sp >= 0 {
			uf.ns, name = name[:sp], name[sp+1:]
		}
		switch flags {
		case "attr":
			uf.kind, uf.name = fAttr, name
		case "chardata":
			uf.kind = fChardata
			ut.chardata = len(ut.fields)
		case "any":
			uf.kind = fAny
			ut.any = len(ut.fields)
		default:
			parts := strings.Split(name, ">")
			uf.kind, uf.name, uf.parents = fElem, parts[len(parts)-1], parts[:len(parts)-1]
		}
		if uf.kind == fElem || uf.kind == fAny {
			et := f.Type
			for et.Kind() == reflect.Pointer || et.Kind() == reflect.Slice {
				et = et.Elem()
			}
			switch {
			case reflect.PointerTo(et).Implements(textUnmarshaler):
				uf.text = true
			case et.Kind() == reflect.Struct:
				uf.elem = buildType(et)
			}
		}
		ut.fields = append(ut.fields, uf)
	}
	return ut
}

var textUnmarshaler = reflect.TypeFor[encoding.TextUnmarshaler]()

// uframe is an open element: a struct to fill, a string to fill, an
// intermediate element of a field's path (parents), or one to skip.
type uframe struct {
	v       reflect.Value // struct or string; invalid: skip
	t       *utype        // for a struct or a path
	parents []string      // path frames only
	path    bool
	text    reflect.Value // string receiving the character data
	textU   encoding.TextUnmarshaler
	data    []byte
}

// unmarshaler builds the value of the root element and its subtree.
type unmarshaler struct {
	frames []uframe
	sorted []*xattr
	root   reflect.Value // until the root element opens
	// strings holds the short values seen (URIs of types, statuses,
	// qualifiers repeat from service to service), so that each is
	// allocated once.
	strings map[string]string
	// ders holds the certificates decoded so far, by their SHA-256.
	ders    map[[sha256.Size]byte]*der
	scratch []byte
}

// maxDERs bounds the certificates held for sharing.
const maxDERs = 4096

// base64 decodes text (white space removed in place) into b, sharing the
// der of an equal certificate decoded before.
func (u *unmarshaler) base64(b *base64Text, text []byte) {
	// The decoder skips line ends itself.
	if bytes.ContainsAny(text, " \t") {
		n := 0
		for _, c := range text {
			if !isWS(c) {
				text[n] = c
				n++
			}
		}
		text = text[:n]
	}
	u.scratch = slices.Grow(u.scratch[:0], base64.StdEncoding.DecodedLen(len(text)))[:base64.StdEncoding.DecodedLen(len(text))]
	m, err := base64.StdEncoding.Decode(u.scratch, text)
	if err != nil {
		*b = base64Text{err: err}
		return
	}
	sum := sha256.Sum256(u.scratch[:m])
	if d, ok := u.ders[sum]; ok {
		*b = base64Text{der: d}
		return
	}
	d := newDER(bytes.Clone(u.scratch[:m]))
	if u.ders == nil {
		u.ders = make(map[[sha256.Size]byte]*der)
	}
	if len(u.ders) < maxDERs {
		u.ders[sum] = d
	}
	*b = base64Text{der: d}
}

// Bounds of the values interned: a value longer than maxInterned, or any
// value once maxInternedValues are held, gets its own string.
const (
	maxInterned       = 256
	maxInternedValues = 4096
)

func (u *unmarshaler) intern(b []byte) string {
	if len(b) > maxInterned {
		return string(b)
	}
	if s, ok := u.strings[string(b)]; ok {
		return s
	}
	s := string(b)
	if u.strings == nil {
		u.strings = make(map[string]string, 64)
	}
	if len(u.strings) < maxInternedValues {
		u.strings[s] = s
	}
	return s
}

func newUnmarshaler(root any) *unmarshaler {
	return &unmarshaler{root: reflect.ValueOf(root).Elem()}
}

func (u *unmarshaler) push() *uframe {
	if len(u.frames) < cap(u.frames) {
		u.frames = u.frames[:len(u.frames)+1]
		f := &u.frames[len(u.frames)-1]
		*f = uframe{data: f.data[:0]}
		return f
	}
	u.frames = append(u.frames, uframe{})
	return &u.frames[len(u.frames)-1]
}

// start handles a start tag; the first call is the root element.
func (u *unmarshaler) start(s *scanner) {
	if u.root.IsValid() {
		root := u.root
		u.root = reflect.Value{}
		u.open(s, root, typeOf(root.Type()), false)
		return
	}
	top := &u.frames[len(u.frames)-1]
	if !top.v.IsValid() || top.t == nil {
		u.push()
		return
	}
	owner, ut, parents := top.v, top.t, top.parents
	for i := range ut.fields {
		f := &ut.fields[i]
		if f.kind != fElem || len(f.parents) < len(parents) || f.ns != "" && f.ns != s.uri {
			continue
		}
		if !slices.Equal(f.parents[:len(parents)], parents) {
			continue
		}
		if len(f.parents) == len(parents) && f.name == s.local {
			u.open(s, owner.Field(f.index), f.elem, f.text)
			return
		}
		if len(f.parents) > len(parents) && f.parents[len(parents)] == s.local {
			pf := u.push()
			pf.v, pf.t, pf.parents, pf.path = owner, ut, f.parents[:len(parents)+1], true
			return
		}
	}
	if !top.path && ut.any >= 0 {
		u.open(s, owner.Field(ut.fields[ut.any].index), ut.fields[ut.any].elem, ut.fields[ut.any].text)
		return
	}
	u.push()
}

// open pushes a frame filling v from the element s is on.
func (u *unmarshaler) open(s *scanner, v reflect.Value, ut *utype, text bool) {
	for {
		switch v.Kind() {
		case reflect.Pointer:
			if v.IsNil() {
				v.Set(reflect.New(v.Type().Elem()))
			}
			v = v.Elem()
			continue
		case reflect.Slice:
			// Grow and SetLen rather than Append, which allocates a slice
			// header per call.
			n := v.Len()
			if n == v.Cap() {
				v.Grow(1)
			}
			v.SetLen(n + 1)
			v = v.Index(n)
			v.SetZero()
			continue
		}
		break
	}
	f := u.push()
	switch {
	case text:
		f.textU = v.Addr().Interface().(encoding.TextUnmarshaler)
	case v.Kind() == reflect.String:
		f.v, f.text = v, v
	case v.Kind() == reflect.Struct:
		if ut == nil {
			ut = typeOf(v.Type())
		}
		f.v, f.t = v, ut
		if ut.chardata >= 0 {
			f.text = v.Field(ut.fields[ut.chardata].index)
		}
		u.attributes(s, v, ut)
	}
}

// attributes sets v's attribute fields and XMLName. Attributes are taken
// in canonical order (namespace URI, then local name), as they were when
// the model was decoded from the canonical bytes.
func (u *unmarshaler) attributes(s *scanner, v reflect.Value, ut *utype) {
	u.sorted = u.sorted[:0]
	for i := range s.attrs {
		if !s.attrs[i].isNS {
			u.sorted = append(u.sorted, &s.attrs[i])
		}
	}
	sortAttrs(u.sorted)
	for i := range ut.fields {
		f := &ut.fields[i]
		switch f.kind {
		case fXMLName:
			v.Field(f.index).Set(reflect.ValueOf(xml.Name{Space: s.uri, Local: s.local}))
		case fAttr:
			for _, a := range u.sorted {
				if a.local == f.name && (f.ns == "" || f.ns == a.uri) {
					v.Field(f.index).SetString(string(a.value))
					break
				}
			}
		}
	}
}

func (u *unmarshaler) text(t []byte) {
	if f := &u.frames[len(u.frames)-1]; f.text.IsValid() || f.textU != nil {
		f.data = append(f.data, t...)
	}
}

func (u *unmarshaler) end() {
	f := &u.frames[len(u.frames)-1]
	switch b, ok := f.textU.(*base64Text); {
	case ok:
		u.base64(b, f.data)
	case f.textU != nil:
		// The types decoded here keep their errors for convert.
		_ = f.textU.UnmarshalText(f.data)
	case f.text.IsValid():
		f.text.SetString(u.intern(f.data))
	}
	u.frames = u.frames[:len(u.frames)-1]
}
