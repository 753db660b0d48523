package keys

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/csam-go/csam/levels"
)

// MaxDefinitionBytes is the largest definition file DecodeDefinitions and
// Registry.LoadJSON read.
const MaxDefinitionBytes = 1 << 20

// DecodeDefinitions reads a definition file (a JSON array of key type
// definitions, see the package documentation) and returns its key types,
// in file order, without registering them. Every definition is checked as
// KeyType.Validate does; an identifier given twice in the file is
// [ErrDuplicateID].
//
// On error it returns no key types and an error that is, or joins, one
// *DefinitionError per problem found, each with the definition's index, the
// field and the line:column in the input. A malformed JSON document stops
// at its first syntax error.
func DecodeDefinitions(r io.Reader) ([]KeyType, error) {
	data, err := readDefinitions(r)
	if err != nil {
		return nil, err
	}
	return decodeDefinitions(data)
}

// readDefinitions reads at most MaxDefinitionBytes from r.
func readDefinitions(r io.Reader) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxDefinitionBytes+1))
	if err != nil {
		return nil, fmt.Errorf("keys: reading definitions: %w", err)
	}
	if len(data) > MaxDefinitionBytes {
		return nil, &DefinitionError{Index: -1, Err: fmt.Errorf("%w (more than %d bytes)", errTooLarge, MaxDefinitionBytes)}
	}
	return data, nil
}

func decodeDefinitions(data []byte) ([]KeyType, error) {
	p := &posTable{data: data}
	if err := checkSyntax(data); err != nil {
		return nil, p.fix(err)
	}
	elems, err := jsonArray(data, 0)
	if err != nil {
		return nil, p.fix(err)
	}
	var (
		kts  []KeyType
		errs []*DefinitionError
		seen = map[ID]int{}
	)
	for i, el := range elems {
		kt, fieldPos, probs := parseDefinition(el.raw, el.off, i)
		if len(probs) == 0 {
			if first, dup := seen[kt.ID]; dup {
				probs = append(probs, &DefinitionError{ID: kt.ID, Index: i, Field: "id", Pos: Position{Offset: fieldPos["id"]},
					Err: fmt.Errorf("%w %q (first at definition %d)", ErrDuplicateID, string(kt.ID), first)})
			} else {
				seen[kt.ID] = i
			}
		}
		errs = append(errs, probs...)
		kts = append(kts, kt)
	}
	if len(errs) > 0 {
		for _, e := range errs {
			e.Pos = p.at(e.Pos.Offset)
		}
		return nil, joinErrors(errs)
	}
	return kts, nil
}

// UnmarshalJSON decodes one definition in the strict format of
// DecodeDefinitions (unknown fields rejected, required fields checked).
// Errors are *DefinitionError values (joined when several), with
// positions relative to b.
func (k *KeyType) UnmarshalJSON(b []byte) error {
	p := &posTable{data: b}
	if err := checkSyntax(b); err != nil {
		return p.fix(err)
	}
	off := skipSpace(b, 0)
	if off >= len(b) {
		return &DefinitionError{Index: -1, Pos: p.at(0), Err: fmt.Errorf("%w: empty definition", errMalformedJSON)}
	}
	kt, _, probs := parseDefinition(b[off:], int64(off), -1)
	if len(probs) > 0 {
		for _, e := range probs {
			e.Pos = p.at(e.Pos.Offset)
		}
		return joinErrors(probs)
	}
	*k = kt
	return nil
}

// MarshalDefinitions encodes key types in the definition format, indented,
// so that DecodeDefinitions reads them back equal.
func MarshalDefinitions(kts []KeyType) ([]byte, error) {
	if kts == nil {
		kts = []KeyType{}
	}
	b, err := json.MarshalIndent(kts, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("keys: encoding definitions: %w", err)
	}
	return append(b, '\n'), nil
}

// definitionFields are the fields of the format, with whether each is
// required.
var definitionFields = map[string]bool{
	"id": true, "names": true, "level": true, "fas": false, "eidas": false,
	"channels": false, "factors": true,
}

// parseDefinition decodes one definition object raw, found at byte offset
// base of the input. The errors carry byte offsets in Pos.Offset only.
func parseDefinition(raw []byte, base int64, index int) (KeyType, map[string]int64, []*DefinitionError) {
	var (
		kt       KeyType
		errs     []*DefinitionError
		fieldPos = map[string]int64{"": base}
		failed   = map[string]bool{}
	)
	fail := func(field string, off int64, err error) {
		failed[topField(field)] = true
		errs = append(errs, &DefinitionError{Index: index, Field: field, Pos: Position{Offset: off}, Err: err})
	}
	members, err := jsonObject(raw, base)
	if err != nil {
		var de *DefinitionError
		if errors.As(err, &de) {
			de.Index = index
			return kt, fieldPos, []*DefinitionError{de}
		}
		return kt, fieldPos, []*DefinitionError{{Index: index, Pos: Position{Offset: base}, Err: err}}
	}
	for _, m := range members {
		if _, known := definitionFields[m.key]; !known {
			fail(m.key, m.keyOff, fmt.Errorf("%w %q (want id, names, level, fas, eidas, channels or factors)", errUnknownField, m.key))
			continue
		}
		if _, dup := fieldPos[m.key]; dup {
			fail(m.key, m.keyOff, fmt.Errorf("%w: field %q given twice", errMalformedJSON, m.key))
			continue
		}
		fieldPos[m.key] = m.off
		if string(m.raw) == "null" {
			fail(m.key, m.off, fmt.Errorf("%w: null is not a value of %q", errMalformedJSON, m.key))
			continue
		}
		switch m.key {
		case "id":
			var s string
			if err := jsonString(m.raw, &s); err != nil {
				fail("id", m.off, err)
				continue
			}
			kt.ID = ID(s)
		case "names":
			ms, err := jsonObject(m.raw, m.off)
			if err != nil {
				fail("names", m.off, fmt.Errorf("%w: names must be an object of languages (fr, nl, en, de)", errMalformedJSON))
				continue
			}
			seenLang := map[string]bool{}
			for _, n := range ms {
				field := "names." + n.key
				var s string
				var dst *string
				switch n.key {
				case "fr":
					dst = &kt.Names.FR
				case "nl":
					dst = &kt.Names.NL
				case "en":
					dst = &kt.Names.EN
				case "de":
					dst = &kt.Names.DE
				default:
					fail(field, n.keyOff, fmt.Errorf("%w %q (languages are fr, nl, en and de)", errUnknownField, field))
					continue
				}
				if seenLang[n.key] {
					fail(field, n.keyOff, fmt.Errorf("%w: field %q given twice", errMalformedJSON, field))
					continue
				}
				seenLang[n.key] = true
				if err := jsonString(n.raw, &s); err != nil {
					fail(field, n.off, err)
					continue
				}
				if strings.TrimSpace(s) == "" {
					fail(field, n.off, fmt.Errorf("%w: empty name (omit the language instead)", errInvalidValue))
					continue
				}
				*dst = s
			}
		case "level":
			var s string
			if err := jsonString(m.raw, &s); err != nil {
				fail("level", m.off, err)
				continue
			}
			l, err := levels.ParseLevel(s)
			if err != nil {
				fail("level", m.off, err)
				continue
			}
			kt.Level = l
		case "fas":
			if err := kt.FAS.UnmarshalJSON(m.raw); err != nil {
				fail("fas", m.off, err)
			}
		case "eidas":
			var s string
			if err := jsonString(m.raw, &s); err != nil {
				fail("eidas", m.off, err)
				continue
			}
			l, err := ParseEIDASLevel(s)
			if err != nil {
				fail("eidas", m.off, err)
				continue
			}
			kt.EIDAS = l
		case "channels":
			els, err := jsonArray(m.raw, m.off)
			if err != nil {
				fail("channels", m.off, fmt.Errorf("%w: channels must be an array of strings", errMalformedJSON))
				continue
			}
			kt.Channels = make([]levels.Channel, 0, len(els))
			for i, el := range els {
				field := fmt.Sprintf("channels[%d]", i)
				fieldPos[field] = el.off
				var s string
				if err := jsonString(el.raw, &s); err != nil {
					fail(field, el.off, err)
					continue
				}
				c, err := levels.ParseChannel(s)
				if err != nil || strings.TrimSpace(s) == "" {
					fail(field, el.off, &levels.ParseError{Kind: "channel", Input: s})
					continue
				}
				kt.Channels = append(kt.Channels, c)
			}
		case "factors":
			els, err := jsonArray(m.raw, m.off)
			if err != nil {
				fail("factors", m.off, fmt.Errorf("%w: factors must be an array of strings", errMalformedJSON))
				continue
			}
			for i, el := range els {
				field := fmt.Sprintf("factors[%d]", i)
				fieldPos[field] = el.off
				var s string
				if err := jsonString(el.raw, &s); err != nil {
					fail(field, el.off, err)
					continue
				}
				kt.Factors = append(kt.Factors, Factor(s))
			}
		}
	}
	// Required fields absent from the object.
	var missing []string
	for f, req := range definitionFields {
		if _, present := fieldPos[f]; req && !present {
			missing = append(missing, f)
		}
	}
	sort.Strings(missing)
	for _, f := range missing {
		fail(f, base, errMissingField)
	}
	// The checks of Validate, for the fields that decoded.
	for _, p := range kt.problems() {
		if failed[topField(p.Field)] {
			continue
		}
		p.Index = index
		off, ok := fieldPos[p.Field]
		if !ok {
			off = fieldPos[topField(p.Field)]
		}
		p.Pos = Position{Offset: off}
		errs = append(errs, p)
	}
	for _, e := range errs {
		e.ID = kt.ID
	}
	sort.SliceStable(errs, func(i, j int) bool { return errs[i].Pos.Offset < errs[j].Pos.Offset })
	return kt, fieldPos, errs
}

// topField returns the JSON field a field path starts with: "channels" for
// "channels[1]", "names" for "names.fr".
func topField(f string) string {
	if i := strings.IndexAny(f, "[."); i >= 0 {
		return f[:i]
	}
	return f
}

// jsonString decodes a JSON string value.
func jsonString(raw []byte, s *string) error {
	if len(raw) == 0 || raw[0] != '"' {
		return fmt.Errorf("%w: want a string, got %s", errMalformedJSON, jsonKind(raw))
	}
	if err := json.Unmarshal(raw, s); err != nil {
		return fmt.Errorf("%w: %v", errMalformedJSON, err)
	}
	return nil
}

func jsonKind(raw []byte) string {
	if len(raw) == 0 {
		return "nothing"
	}
	switch raw[0] {
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

// element is a JSON value inside an array or object, with its byte offset
// in the whole input.
type element struct {
	key    string // object member name
	keyOff int64  // offset of the member name
	raw    json.RawMessage
	off    int64
}

// jsonArray splits the JSON array data (found at offset base of the input)
// into its elements. Errors are *DefinitionError values with an offset.
func jsonArray(data []byte, base int64) ([]element, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	start := int64(skipSpace(data, 0))
	tok, err := dec.Token()
	if err != nil {
		return nil, syntaxError(err, base, start)
	}
	if d, ok := tok.(json.Delim); !ok || d != '[' {
		return nil, &DefinitionError{Index: -1, Pos: Position{Offset: base + start},
			Err: fmt.Errorf("%w: want an array of definitions, got %s", errMalformedJSON, jsonKind(data[start:]))}
	}
	var out []element
	for dec.More() {
		off := int64(skipSeparators(data, int(dec.InputOffset())))
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, syntaxError(err, base, off)
		}
		out = append(out, element{raw: raw, off: base + off})
	}
	if _, err := dec.Token(); err != nil { // the closing ']'
		return nil, syntaxError(err, base, dec.InputOffset())
	}
	if end := skipSpace(data, int(dec.InputOffset())); end < len(data) {
		return nil, &DefinitionError{Index: -1, Pos: Position{Offset: base + int64(end)},
			Err: fmt.Errorf("%w: data after the end of the array", errMalformedJSON)}
	}
	return out, nil
}

// jsonObject splits the JSON object data (at offset base) into its members,
// in order, duplicates included.
func jsonObject(data []byte, base int64) ([]element, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	start := int64(skipSpace(data, 0))
	tok, err := dec.Token()
	if err != nil {
		return nil, syntaxError(err, base, start)
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return nil, &DefinitionError{Index: -1, Pos: Position{Offset: base + start},
			Err: fmt.Errorf("%w: a definition must be an object, got %s", errMalformedJSON, jsonKind(data[start:]))}
	}
	var out []element
	for dec.More() {
		keyOff := int64(skipSeparators(data, int(dec.InputOffset())))
		tok, err := dec.Token()
		if err != nil {
			return nil, syntaxError(err, base, keyOff)
		}
		key, _ := tok.(string)
		off := int64(skipSeparators(data, int(dec.InputOffset())))
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, syntaxError(err, base, off)
		}
		out = append(out, element{key: key, keyOff: base + keyOff, raw: raw, off: base + off})
	}
	if _, err := dec.Token(); err != nil {
		return nil, syntaxError(err, base, dec.InputOffset())
	}
	return out, nil
}

// checkSyntax reports the first syntax error of the JSON document data as
// a *DefinitionError wrapping errMalformedJSON, at the offending byte (or at
// the end of the input when it is cut short).
func checkSyntax(data []byte) error {
	var raw json.RawMessage
	err := json.Unmarshal(data, &raw)
	if err == nil {
		return nil
	}
	var se *json.SyntaxError
	if !errors.As(err, &se) {
		return &DefinitionError{Index: -1, Err: fmt.Errorf("%w: %v", errMalformedJSON, err)}
	}
	off := se.Offset // bytes read, the offending one included
	msg := strings.TrimPrefix(se.Error(), "json: ")
	if off >= int64(len(data)) && strings.Contains(msg, "unexpected end") {
		off = int64(len(data))
		msg = "unexpected end of input"
	} else if off > 0 {
		off--
	}
	return &DefinitionError{Index: -1, Pos: Position{Offset: off}, Err: fmt.Errorf("%w: %s", errMalformedJSON, msg)}
}

// syntaxError turns a decoding error into a *DefinitionError wrapping
// errMalformedJSON, at the syntax error's offset when it has one, else at
// fallback.
func syntaxError(err error, base, fallback int64) error {
	off := fallback
	var se *json.SyntaxError
	msg := err.Error()
	switch {
	case errors.As(err, &se):
		off = se.Offset // a json.Decoder reports the offending byte's offset
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		msg = "unexpected end of input"
	}
	msg = strings.TrimPrefix(msg, "json: ")
	return &DefinitionError{Index: -1, Pos: Position{Offset: base + off}, Err: fmt.Errorf("%w: %s", errMalformedJSON, msg)}
}

func skipSpace(data []byte, i int) int {
	for i < len(data) {
		switch data[i] {
		case ' ', '\t', '\n', '\r':
			i++
		default:
			return i
		}
	}
	return i
}

func skipSeparators(data []byte, i int) int {
	for i < len(data) {
		switch data[i] {
		case ' ', '\t', '\n', '\r', ',', ':':
			i++
		default:
			return i
		}
	}
	return i
}

// posTable converts byte offsets to line:column positions.
type posTable struct {
	data  []byte
	lines []int // offsets of line starts
}

func (p *posTable) at(off int64) Position {
	if off < 0 {
		off = 0
	}
	if off > int64(len(p.data)) {
		off = int64(len(p.data))
	}
	if p.lines == nil {
		p.lines = []int{0}
		for i, c := range p.data {
			if c == '\n' {
				p.lines = append(p.lines, i+1)
			}
		}
	}
	line := sort.Search(len(p.lines), func(i int) bool { return int64(p.lines[i]) > off })
	return Position{Offset: off, Line: line, Column: int(off) - p.lines[line-1] + 1}
}

// fix fills in the line:column of a *DefinitionError's offset.
func (p *posTable) fix(err error) error {
	var de *DefinitionError
	if errors.As(err, &de) {
		de.Pos = p.at(de.Pos.Offset)
	}
	return err
}
