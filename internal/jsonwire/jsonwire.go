// Package jsonwire decodes a JSON document into a wire struct with
// encoding/json and checks it against the struct, so that decoders of
// outside input report every problem with its field path and position,
// and read field names strictly.
//
// encoding/json alone matches field names without regard to case, keeps
// the last of two members with one name, stops at the first unknown field
// (Decoder.DisallowUnknownFields), gives no array index in the path of a
// type error and no position at all for the error of an UnmarshalText
// method. Decode lets json.Unmarshal decode the document and judge its
// syntax, then walks the valid document alongside the wire type and can
// record the byte offset of every value by path ("[1].names.en",
// "key.channels[0]"). (The walk reads the bytes itself: json.Decoder.Token
// decodes every token through a fresh scanner, and allocated five times
// as much for a decision request.)
package jsonwire

import (
	"bytes"
	"encoding"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"sort"
	"strconv"
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

// Options tunes Decode.
type Options struct {
	// AllowNull accepts null for any value, as encoding/json does.
	AllowNull bool
	// Index asks for the offset of every value.
	Index bool
}

// Index maps the path of every value found in the document to its byte
// offset.
type Index map[string]int64

// Decode decodes data into v, a pointer to a wire value, with
// json.Unmarshal, and checks data against the type of the wire value. It
// returns the offsets of the values (when opts.Index is set) and the
// problems, in document order; v is decoded as far as encoding/json goes
// (it leaves the values of the wrong type unset). A document that is not
// JSON has a single Syntax problem and no index. An error of an
// Unmarshaler or TextUnmarshaler of the wire type, which the walk does
// not see, is a Type problem of the document.
func Decode(data []byte, v any, opts Options) (Index, []Problem) {
	err := json.Unmarshal(data, v)
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return nil, []Problem{syntax(data, se)}
	}
	w := &walker{data: data, opts: opts}
	if opts.Index {
		w.index = Index{}
	}
	w.value(schemaOf(reflect.TypeOf(v).Elem()))
	var te *json.UnmarshalTypeError
	if err != nil && !errors.As(err, &te) {
		w.probs = append(w.probs, Problem{Kind: Type, Msg: strings.TrimPrefix(err.Error(), "json: ")})
	}
	return w.index, w.probs
}

// syntax returns the Syntax problem of se, at the offending byte.
func syntax(data []byte, se *json.SyntaxError) Problem {
	off, msg := se.Offset, strings.TrimPrefix(se.Error(), "json: ")
	if off >= int64(len(data)) && strings.Contains(msg, "unexpected end") {
		off, msg = int64(len(data)), "unexpected end of input"
	} else if off > 0 {
		off-- // Offset counts the bytes read, the offending one included
	}
	return Problem{Kind: Syntax, Offset: min(off, int64(len(data))), Msg: msg}
}

// walker reads a document that encoding/json found valid, so it meets no
// syntax error.
type walker struct {
	data  []byte
	i     int // offset of the next byte to read
	opts  Options
	path  []byte // of the current value
	index Index
	probs []Problem
}

// value checks the next value against schema n.
func (w *walker) value(n *node) {
	w.space()
	off := int64(w.i)
	if w.index != nil {
		w.index[string(w.path)] = off
	}
	c := w.data[w.i]
	if c == 'n' {
		w.skip()
		if !w.opts.AllowNull {
			w.add(Null, off, "null is not a value here")
		}
		return
	}
	switch n.kind {
	case kindObject:
		w.object(off, n)
	case kindArray:
		w.array(off, n.elem)
	case kindString:
		w.scalar(off, c == '"', "a string")
	case kindBool:
		w.scalar(off, c == 't' || c == 'f', "a boolean")
	case kindNumber:
		w.scalar(off, c == '-' || (c >= '0' && c <= '9'), "a number")
	default:
		w.skip()
	}
}

// object checks an object: the members of a struct (n.fields), or of a
// map whose values have schema n.elem.
func (w *walker) object(off int64, n *node) {
	if w.data[w.i] != '{' {
		w.mismatch(off, "an object")
		return
	}
	w.i++
	var seen uint64        // struct fields met, by index (the first 64)
	var seenNames []string // map keys and the fields past 64
	for w.space(); w.data[w.i] != '}'; w.space() {
		keyOff := int64(w.i)
		key := w.key()
		w.space()
		w.i++ // ':'
		depth := len(w.path)
		if depth > 0 {
			w.path = append(w.path, '.')
		}
		w.path = append(w.path, key...)
		m, field := n.elem, -1
		if n.elem == nil {
			if f, ok := n.byName[string(key)]; ok {
				m, field = n.fields[f], f
			}
		}
		twice := false
		switch {
		case m == nil:
			w.add(Unknown, keyOff, fmt.Sprintf("unknown field %q (want %s)", key, n.list))
		case field >= 0 && field < 64:
			twice = seen&(1<<field) != 0
			seen |= 1 << field
		default:
			twice = slices.Contains(seenNames, string(key))
			seenNames = append(seenNames, string(key))
		}
		switch {
		case m == nil:
			w.skip()
		case twice:
			w.add(Duplicate, keyOff, fmt.Sprintf("field %q given twice", key))
			w.skip()
		default:
			w.value(m)
		}
		w.path = w.path[:depth]
		w.space()
		if w.data[w.i] == ',' {
			w.i++
		}
	}
	w.i++ // '}'
}

// array checks an array whose elements have schema elem.
func (w *walker) array(off int64, elem *node) {
	if w.data[w.i] != '[' {
		w.mismatch(off, "an array")
		return
	}
	w.i++
	for k := 0; ; k++ {
		if w.space(); w.data[w.i] == ']' {
			break
		}
		n := len(w.path)
		w.path = append(w.path, '[')
		w.path = strconv.AppendInt(w.path, int64(k), 10)
		w.path = append(w.path, ']')
		w.value(elem)
		w.path = w.path[:n]
		if w.space(); w.data[w.i] == ',' {
			w.i++
		}
	}
	w.i++ // ']'
}

func (w *walker) scalar(off int64, ok bool, want string) {
	if !ok {
		w.mismatch(off, want)
		return
	}
	w.skip()
}

func (w *walker) mismatch(off int64, want string) {
	w.add(Type, off, fmt.Sprintf("want %s, got %s", want, kindOf(w.data[off])))
	w.skip()
}

func (w *walker) add(k Kind, off int64, msg string) {
	w.probs = append(w.probs, Problem{Kind: k, Path: string(w.path), Offset: off, Msg: msg})
}

// space skips white space.
func (w *walker) space() {
	for w.i < len(w.data) {
		switch w.data[w.i] {
		case ' ', '\t', '\n', '\r':
			w.i++
		default:
			return
		}
	}
}

// key reads a member name; it aliases the input unless it has escapes.
func (w *walker) key() []byte {
	start := w.i
	w.skipString()
	raw := w.data[start+1 : w.i-1]
	if bytes.IndexByte(raw, '\\') < 0 {
		return raw
	}
	var s string
	_ = json.Unmarshal(w.data[start:w.i], &s) // valid JSON
	return []byte(s)
}

// skip reads the next value whole.
func (w *walker) skip() {
	w.space()
	switch w.data[w.i] {
	case '"':
		w.skipString()
	case '{', '[':
		depth := 0
		for {
			switch w.data[w.i] {
			case '"':
				w.skipString()
				continue
			case '{', '[':
				depth++
			case '}', ']':
				depth--
			}
			w.i++
			if depth == 0 {
				return
			}
		}
	default: // number, true, false, null
		for w.i < len(w.data) && !strings.ContainsRune(" \t\n\r,]}", rune(w.data[w.i])) {
			w.i++
		}
	}
}

// skipString reads a string, quotes included.
func (w *walker) skipString() {
	for w.i++; w.data[w.i] != '"'; w.i++ {
		if w.data[w.i] == '\\' {
			w.i++
		}
	}
	w.i++
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

// Kinds of JSON values a schema node wants.
const (
	kindAny    = iota // anything: an interface, an Unmarshaler
	kindObject        // a struct (fields) or a map (elem)
	kindArray
	kindString // a string, or a TextUnmarshaler
	kindBool
	kindNumber
)

// node is the schema of a wire type: the JSON value it wants.
type node struct {
	kind   uint8
	elem   *node          // of an array, or of a map's values
	byName map[string]int // a struct's members, by JSON name
	fields []*node        // indexed by byName
	list   string         // the names, for messages
}

var (
	schemas             sync.Map // reflect.Type → *node
	unmarshalerType     = reflect.TypeFor[json.Unmarshaler]()
	textUnmarshalerType = reflect.TypeFor[encoding.TextUnmarshaler]()
)

// schemaOf returns the schema of type t, built once.
func schemaOf(t reflect.Type) *node {
	if n, ok := schemas.Load(t); ok {
		return n.(*node)
	}
	n := build(t, map[reflect.Type]*node{})
	m, _ := schemas.LoadOrStore(t, n)
	return m.(*node)
}

// build returns the schema of t; seen holds the nodes being built, for
// recursive types.
func build(t reflect.Type, seen map[reflect.Type]*node) *node {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if n, ok := seen[t]; ok {
		return n
	}
	n := &node{}
	seen[t] = n
	switch {
	case reflect.PointerTo(t).Implements(unmarshalerType):
		n.kind = kindAny // the type decides what it accepts
	case reflect.PointerTo(t).Implements(textUnmarshalerType):
		n.kind = kindString
	default:
		switch t.Kind() {
		case reflect.Struct:
			n.kind = kindObject
			n.byName = map[string]int{}
			var names []string
			for i := range t.NumField() {
				sf := t.Field(i)
				name, _, _ := strings.Cut(sf.Tag.Get("json"), ",")
				if !sf.IsExported() || name == "-" {
					continue
				}
				if name == "" {
					name = sf.Name
				}
				n.byName[name] = len(n.fields)
				n.fields = append(n.fields, build(sf.Type, seen))
				names = append(names, name)
			}
			n.list = "no field"
			if k := len(names); k > 0 {
				n.list = names[k-1]
			}
			if k := len(names); k > 1 {
				n.list = strings.Join(names[:k-1], ", ") + " or " + names[k-1]
			}
		case reflect.Map:
			n.kind, n.elem = kindObject, build(t.Elem(), seen)
		case reflect.Slice, reflect.Array:
			n.kind, n.elem = kindArray, build(t.Elem(), seen)
			if t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.Uint8 {
				n.kind, n.elem = kindString, nil // base64
			}
		case reflect.String:
			n.kind = kindString
		case reflect.Bool:
			n.kind = kindBool
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
			reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64,
			reflect.Float32, reflect.Float64:
			n.kind = kindNumber
		}
	}
	return n
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
