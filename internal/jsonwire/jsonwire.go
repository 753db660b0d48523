// Package jsonwire checks a JSON document against a wire struct before
// encoding/json decodes it, so that decoders of outside input report every
// problem with its field path and position, and read field names strictly.
//
// encoding/json alone matches field names without regard to case, keeps
// the last of two members with one name, stops at the first unknown field
// (Decoder.DisallowUnknownFields), gives no array index in the path of a
// type error and no position at all for the error of an UnmarshalText
// method. Check walks the document with json.Decoder tokens, alongside the
// wire type, and records the byte offset (json.Decoder.InputOffset) of
// every value by path ("[1].names.en", "key.channels[0]"); when it finds
// no problem, json.Unmarshal into the wire type cannot fail but for an
// Unmarshaler or TextUnmarshaler of the type.
package jsonwire

import (
	"bytes"
	"encoding"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"sync"
)

// Kind classifies a Problem.
type Kind uint8

// Kinds of problems.
const (
	Syntax    Kind = iota + 1 // not JSON; the only problem reported
	Unknown                   // a member the wire type does not define
	Duplicate                 // a member given twice in one object
	Null                      // null where Options.AllowNull is false
	Type                      // a value of the wrong JSON type
)

// Problem is one way a document does not fit the wire type.
type Problem struct {
	Kind Kind
	// Path is the value's path: "" for the document, "a.b" for member b
	// of member a, "a[2]" for an element of array a, "[0].a" for a member
	// of the first element of a top-level array.
	Path string
	// Offset is the byte offset of the member name (Unknown, Duplicate),
	// of the value (Null, Type) or of the offending byte (Syntax; the
	// input's length when it ends too soon).
	Offset int64
	// Msg describes the problem, without the path.
	Msg string
}

// Options tunes Check.
type Options struct {
	// AllowNull accepts null for any value, as encoding/json does.
	AllowNull bool
}

// Index maps the path of every value found in the document to its byte
// offset.
type Index map[string]int64

// Check walks data against the type of a wire value t and returns the
// offsets of the values it holds and the problems it has, in document
// order. A document that is not JSON has a single Syntax problem and no
// index.
func Check(data []byte, t reflect.Type, opts Options) (Index, []Problem) {
	if p, bad := syntax(data); bad {
		return nil, []Problem{p}
	}
	w := &walker{data: data, dec: json.NewDecoder(bytes.NewReader(data)), opts: opts, index: Index{}}
	w.value(t, "")
	return w.index, w.probs
}

// syntax reports the first syntax error of data, at the offending byte.
func syntax(data []byte) (Problem, bool) {
	var raw json.RawMessage
	err := json.Unmarshal(data, &raw)
	if err == nil {
		return Problem{}, false
	}
	var se *json.SyntaxError
	if !errors.As(err, &se) {
		return Problem{Kind: Syntax, Msg: strings.TrimPrefix(err.Error(), "json: ")}, true
	}
	off, msg := se.Offset, strings.TrimPrefix(se.Error(), "json: ")
	if off >= int64(len(data)) && strings.Contains(msg, "unexpected end") {
		off, msg = int64(len(data)), "unexpected end of input"
	} else if off > 0 {
		off-- // Offset counts the bytes read, the offending one included
	}
	return Problem{Kind: Syntax, Offset: off, Msg: msg}, true
}

type walker struct {
	data  []byte
	dec   *json.Decoder
	opts  Options
	index Index
	probs []Problem
}

var (
	unmarshalerType     = reflect.TypeFor[json.Unmarshaler]()
	textUnmarshalerType = reflect.TypeFor[encoding.TextUnmarshaler]()
)

// value checks the next value of the document against type t.
func (w *walker) value(t reflect.Type, path string) {
	off := w.next()
	w.index[path] = off
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	c := w.data[off]
	switch {
	case c == 'n':
		w.skip()
		if !w.opts.AllowNull {
			w.add(Null, path, off, "null is not a value here")
		}
		return
	case reflect.PointerTo(t).Implements(unmarshalerType):
		w.skip() // the type decides what it accepts
		return
	case reflect.PointerTo(t).Implements(textUnmarshalerType):
		w.scalar(path, off, c == '"', "a string")
		return
	}
	switch t.Kind() {
	case reflect.Struct:
		w.object(path, off, fieldsOf(t))
	case reflect.Map:
		w.object(path, off, &fields{elem: t.Elem()})
	case reflect.Slice, reflect.Array:
		if c != '[' {
			w.mismatch(path, off, "an array")
			return
		}
		w.token()
		for i := 0; w.dec.More(); i++ {
			w.value(t.Elem(), fmt.Sprintf("%s[%d]", path, i))
		}
		w.token()
	case reflect.String:
		w.scalar(path, off, c == '"', "a string")
	case reflect.Bool:
		w.scalar(path, off, c == 't' || c == 'f', "a boolean")
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64,
		reflect.Float32, reflect.Float64:
		w.scalar(path, off, c == '-' || (c >= '0' && c <= '9'), "a number")
	default: // interface: anything
		w.skip()
	}
}

// object checks an object whose members are fs.
func (w *walker) object(path string, off int64, fs *fields) {
	if w.data[off] != '{' {
		w.mismatch(path, off, "an object")
		return
	}
	w.token()
	seen := map[string]bool{}
	for w.dec.More() {
		keyOff := w.next()
		key, _ := w.token().(string)
		p := key
		if path != "" {
			p = path + "." + key
		}
		t, known := fs.byName[key]
		if fs.elem != nil {
			t, known = fs.elem, true
		}
		switch {
		case !known:
			w.add(Unknown, p, keyOff, fmt.Sprintf("unknown field %q (want %s)", key, fs.list))
			w.skip()
		case seen[key]:
			w.add(Duplicate, p, keyOff, fmt.Sprintf("field %q given twice", key))
			w.skip()
		default:
			seen[key] = true
			w.value(t, p)
		}
	}
	w.token()
}

func (w *walker) scalar(path string, off int64, ok bool, want string) {
	if !ok {
		w.mismatch(path, off, want)
		return
	}
	w.skip()
}

func (w *walker) mismatch(path string, off int64, want string) {
	w.add(Type, path, off, fmt.Sprintf("want %s, got %s", want, kindOf(w.data[off])))
	w.skip()
}

func (w *walker) add(k Kind, path string, off int64, msg string) {
	w.probs = append(w.probs, Problem{Kind: k, Path: path, Offset: off, Msg: msg})
}

// next returns the offset of the next token: past white space and the ','
// and ':' separators that json.Decoder leaves unread.
func (w *walker) next() int64 {
	i := int(w.dec.InputOffset())
	for i < len(w.data) {
		switch w.data[i] {
		case ' ', '\t', '\n', '\r', ',', ':':
			i++
		default:
			return int64(i)
		}
	}
	return int64(i)
}

// token reads one token; the document is valid JSON, so it cannot fail.
func (w *walker) token() json.Token {
	t, _ := w.dec.Token()
	return t
}

// skip reads the next value whole.
func (w *walker) skip() {
	var raw json.RawMessage
	_ = w.dec.Decode(&raw)
}

func kindOf(c byte) string {
	switch c {
	case '{':
		return "an object"
	case '[':
		return "an array"
	case '"':
		return "a string"
	case 't', 'f':
		return "a boolean"
	case 'n':
		return "null"
	}
	return "a number"
}

// fields are the members of an object: a struct's by JSON name, or any
// name with one type (a map).
type fields struct {
	byName map[string]reflect.Type
	list   string // the names, for messages
	elem   reflect.Type
}

var fieldCache sync.Map // reflect.Type → *fields

// fieldsOf returns the members of struct type t, named as encoding/json
// names them (the tag's name, else the Go name; "-" is no member).
func fieldsOf(t reflect.Type) *fields {
	if f, ok := fieldCache.Load(t); ok {
		return f.(*fields)
	}
	fs := &fields{byName: map[string]reflect.Type{}}
	var names []string
	for i := range t.NumField() {
		sf := t.Field(i)
		if !sf.IsExported() {
			continue
		}
		name, _, _ := strings.Cut(sf.Tag.Get("json"), ",")
		switch name {
		case "-":
			continue
		case "":
			name = sf.Name
		}
		fs.byName[name] = sf.Type
		names = append(names, name)
	}
	switch len(names) {
	case 0:
		fs.list = "no field"
	case 1:
		fs.list = names[0]
	default:
		fs.list = strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
	}
	f, _ := fieldCache.LoadOrStore(t, fs)
	return f.(*fields)
}

// Lines converts byte offsets of one input to line:column positions.
type Lines struct {
	data  []byte
	start []int // offsets of the line starts, built on first use
}

// NewLines returns the positions of data.
func NewLines(data []byte) *Lines { return &Lines{data: data} }

// At returns the 1-based line and column (in bytes) of offset off, which
// is clamped to the input.
func (l *Lines) At(off int64) (line, col int) {
	off = max(0, min(off, int64(len(l.data))))
	if l.start == nil {
		l.start = []int{0}
		for i, c := range l.data {
			if c == '\n' {
				l.start = append(l.start, i+1)
			}
		}
	}
	line = sort.Search(len(l.start), func(i int) bool { return int64(l.start[i]) > off })
	return line, int(off) - l.start[line-1] + 1
}
