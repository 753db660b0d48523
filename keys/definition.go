package keys

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"

	"github.com/csam-go/csam/internal/jsonwire"
	"github.com/csam-go/csam/levels"
)

// MaxDefinitionBytes is the largest definition file [Registry.LoadJSON]
// reads.
const MaxDefinitionBytes = 1 << 20

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

// wireDefinition is a definition as a file holds it, with plain strings,
// so that each field is checked, and reported, by its path.
type wireDefinition struct {
	ID       string          `json:"id"`
	Names    Names           `json:"names"`
	Level    string          `json:"level"`
	FAS      json.RawMessage `json:"fas"`
	EIDAS    string          `json:"eidas"`
	Channels []string        `json:"channels"`
	Factors  []string        `json:"factors"`
}

// source is a checked definition input: the offset of each value by path
// ("[1].channels[0]"), and their line:column.
type source struct {
	idx   jsonwire.Index
	lines *jsonwire.Lines
}

func newSource(data []byte, idx jsonwire.Index) *source {
	return &source{idx: idx, lines: jsonwire.NewLines(data)}
}

func (s *source) pos(off int64) Position {
	line, col := s.lines.At(off)
	return Position{Offset: off, Line: line, Column: col}
}

// at returns the position of the value at path, or of the closest value
// that holds it.
func (s *source) at(path string) Position {
	for {
		if off, ok := s.idx[path]; ok || path == "" {
			return s.pos(off)
		}
		path = path[:max(0, strings.LastIndexAny(path, ".["))]
	}
}

func (s *source) has(path string) bool {
	_, ok := s.idx[path]
	return ok
}

// documentError returns the error of a problem of the input as a whole.
func (s *source) documentError(p jsonwire.Problem) *DefinitionError {
	msg := p.Msg
	if p.Kind == jsonwire.Type {
		msg = strings.Replace(msg, "want an array", "want an array of definitions", 1)
	}
	return &DefinitionError{Index: -1, Pos: s.pos(p.Offset), Err: fmt.Errorf("%w: %s", errMalformedJSON, msg)}
}

// problemError returns the error of a problem of one definition's field.
func problemError(p jsonwire.Problem) error {
	if p.Kind == jsonwire.Unknown {
		return errors.New("keys: " + p.Msg)
	}
	return fmt.Errorf("%w: %s", errMalformedJSON, p.Msg)
}

func decodeDefinitions(data []byte) ([]KeyType, *source, error) {
	var ws []wireDefinition
	idx, probs := jsonwire.Decode(data, &ws, jsonwire.Options{Index: true})
	src := newSource(data, idx)
	byDef := map[int][]jsonwire.Problem{}
	for _, p := range probs {
		if p.Path == "" {
			return nil, nil, src.documentError(p)
		}
		i, _ := strconv.Atoi(p.Path[1:strings.IndexByte(p.Path, ']')])
		byDef[i] = append(byDef[i], p)
	}
	var (
		kts  []KeyType
		errs []*DefinitionError
		seen = map[ID]int{}
	)
	for i := range ws {
		prefix := "[" + strconv.Itoa(i) + "]"
		kt, probs := src.definition(&ws[i], prefix, i, byDef[i])
		if len(probs) == 0 {
			if first, dup := seen[kt.ID]; dup {
				probs = append(probs, &DefinitionError{ID: kt.ID, Index: i, Field: "id", Pos: src.at(prefix + ".id"),
					Err: fmt.Errorf("%w %q (first at definition %d)", ErrDuplicateID, string(kt.ID), first)})
			} else {
				seen[kt.ID] = i
			}
		}
		errs = append(errs, probs...)
		kts = append(kts, kt)
	}
	if len(errs) > 0 {
		return nil, nil, joinErrors(errs)
	}
	return kts, src, nil
}

// UnmarshalJSON decodes one definition in the strict format of
// [Registry.LoadJSON] (unknown fields rejected, required fields checked).
// Errors are *DefinitionError values (joined when several), with
// positions relative to b.
func (k *KeyType) UnmarshalJSON(b []byte) error {
	var w wireDefinition
	idx, probs := jsonwire.Decode(b, &w, jsonwire.Options{Index: true})
	src := newSource(b, idx)
	for _, p := range probs {
		if p.Path == "" {
			return src.documentError(p)
		}
	}
	kt, errs := src.definition(&w, "", -1, probs)
	if len(errs) > 0 {
		return joinErrors(errs)
	}
	*k = kt
	return nil
}

// MarshalDefinitions encodes key types in the definition format, indented,
// so that [Registry.LoadJSON] reads them back equal.
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

// requiredFields are the fields a definition must have, in the order
// their absence is reported.
var requiredFields = []string{"factors", "id", "level", "names"}

// definition converts the definition w, found at path prefix of the input
// ("" or "[index]"), into a key type, and reports the problems of the
// input (probs) and those of its values, each with its position.
func (s *source) definition(w *wireDefinition, prefix string, index int, probs []jsonwire.Problem) (KeyType, []*DefinitionError) {
	var (
		kt     KeyType
		errs   []*DefinitionError
		failed = map[string]bool{}
	)
	path := func(field string) string {
		if prefix == "" {
			return field
		}
		return prefix + "." + field
	}
	fail := func(field string, pos Position, err error) {
		failed[topField(field)] = true
		errs = append(errs, &DefinitionError{Index: index, Field: field, Pos: pos, Err: err})
	}
	for _, p := range probs {
		if p.Path == prefix { // the definition itself
			msg := strings.Replace(p.Msg, "want an object", "a definition must be an object", 1)
			return kt, []*DefinitionError{{Index: index, Pos: s.pos(p.Offset), Err: fmt.Errorf("%w: %s", errMalformedJSON, msg)}}
		}
		fail(strings.TrimPrefix(p.Path[len(prefix):], "."), s.pos(p.Offset), problemError(p))
	}
	has := func(field string) bool { return s.has(path(field)) && !failed[field] }
	if has("id") {
		kt.ID = ID(w.ID)
	}
	if has("names") {
		for _, n := range []struct{ lang, name string }{{"fr", w.Names.FR}, {"nl", w.Names.NL}, {"en", w.Names.EN}, {"de", w.Names.DE}} {
			if f := "names." + n.lang; s.has(path(f)) && strings.TrimSpace(n.name) == "" {
				fail(f, s.at(path(f)), fmt.Errorf("%w: empty name (omit the language instead)", errInvalidValue))
			}
		}
		kt.Names = w.Names
	}
	if has("level") {
		if l, err := levels.ParseLevel(w.Level); err != nil {
			fail("level", s.at(path("level")), err)
		} else {
			kt.Level = l
		}
	}
	if has("fas") {
		if err := kt.FAS.UnmarshalJSON(w.FAS); err != nil {
			fail("fas", s.at(path("fas")), err)
		}
	}
	if has("eidas") {
		if l, err := parseEIDASLevel(w.EIDAS); err != nil {
			fail("eidas", s.at(path("eidas")), err)
		} else {
			kt.EIDAS = l
		}
	}
	if has("channels") {
		kt.Channels = make([]levels.Channel, 0, len(w.Channels))
		for i, name := range w.Channels {
			c, err := levels.ParseChannel(name)
			if err != nil || strings.TrimSpace(name) == "" {
				f := fmt.Sprintf("channels[%d]", i)
				fail(f, s.at(path(f)), &levels.ParseError{Kind: "channel", Input: name})
				continue
			}
			kt.Channels = append(kt.Channels, c)
		}
	}
	if has("factors") {
		for _, f := range w.Factors {
			kt.Factors = append(kt.Factors, Factor(f))
		}
	}
	for _, f := range requiredFields {
		if !s.has(path(f)) && !failed[f] {
			fail(f, s.at(prefix), errMissingField)
		}
	}
	// The checks of Validate, for the fields that decoded.
	for _, p := range kt.problems() {
		if failed[topField(p.Field)] {
			continue
		}
		p.Index = index
		p.Pos = s.at(path(p.Field))
		errs = append(errs, p)
	}
	for _, e := range errs {
		e.ID = kt.ID
	}
	sort.SliceStable(errs, func(i, j int) bool { return errs[i].Pos.Offset < errs[j].Pos.Offset })
	return kt, errs
}

// topField returns the JSON field a field path starts with: "channels" for
// "channels[1]", "names" for "names.fr".
func topField(f string) string {
	if i := strings.IndexAny(f, "[."); i >= 0 {
		return f[:i]
	}
	return f
}
