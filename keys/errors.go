package keys

import (
	"errors"
	"fmt"
	"strings"
)

// ErrDuplicateID is returned, wrapped in a [*DefinitionError], when a key
// type's identifier is already registered, or appears twice in one
// definition file.
var ErrDuplicateID = errors.New("keys: duplicate identifier")

// The other causes of a *DefinitionError, which callers need not tell
// apart: the error names the definition, the field and the position, and
// its message the problem. An unknown level or channel is a
// *levels.ParseError.
var (
	errMalformedJSON = errors.New("keys: malformed JSON")
	errMissingField  = errors.New("keys: missing field")
	errUnknownFAS    = errors.New("keys: unknown FAS level")
	errUnknownEIDAS  = errors.New("keys: unknown eIDAS level")
	errInvalidValue  = errors.New("keys: invalid value")
	errTooLarge      = errors.New("keys: definition file too large")
)

// Position is a place in a JSON input. Line and Column count from 1
// (columns in bytes); Line 0 means the position is unknown.
type Position struct {
	Offset int64 // byte offset from the start of the input
	Line   int
	Column int
}

// IsValid reports whether the position is known.
func (p Position) IsValid() bool { return p.Line > 0 }

// String formats the position as "line:column (offset N)", or "-" when unknown.
func (p Position) String() string {
	if !p.IsValid() {
		return "-"
	}
	return fmt.Sprintf("%d:%d (offset %d)", p.Line, p.Column, p.Offset)
}

// DefinitionError is returned for a bad key type definition, given to
// Register or read by LoadJSON: one per problem, joined with errors.Join
// when there are several.
type DefinitionError struct {
	// ID is the definition's identifier, when known.
	ID ID
	// Index is the definition's position in a JSON file (0-based), or -1.
	Index int
	// Field names the JSON field at fault ("level", "channels[1]",
	// "names.fr"), or "" for the definition or the file as a whole.
	Field string
	// Pos is where in the JSON input the problem is; unknown for Register.
	Pos Position
	// Err is the cause: a *levels.ParseError for an unknown level or
	// channel, wrapping [ErrDuplicateID] for an identifier given twice.
	Err error
}

// Error names the position, the definition and the field, then the cause.
func (e *DefinitionError) Error() string {
	var b strings.Builder
	b.WriteString("keys: ")
	sep := ""
	if e.Pos.IsValid() {
		fmt.Fprintf(&b, "line %d:%d", e.Pos.Line, e.Pos.Column)
		sep = ": "
	}
	if e.Index >= 0 || e.ID != "" {
		b.WriteString(sep)
		b.WriteString("definition")
		if e.Index >= 0 {
			fmt.Fprintf(&b, " %d", e.Index)
		}
		if e.ID != "" {
			fmt.Fprintf(&b, " %q", string(e.ID))
		}
		sep = ": "
	}
	if e.Field != "" {
		b.WriteString(sep)
		fmt.Fprintf(&b, "field %q", e.Field)
		sep = ": "
	}
	b.WriteString(sep)
	b.WriteString(strings.TrimPrefix(strings.TrimPrefix(e.Err.Error(), "keys: "), "levels: "))
	return b.String()
}

// Unwrap returns Err.
func (e *DefinitionError) Unwrap() error { return e.Err }

// joinErrors returns nil for no error, the error itself for one, and
// errors.Join of them all otherwise.
func joinErrors(errs []*DefinitionError) error {
	switch len(errs) {
	case 0:
		return nil
	case 1:
		return errs[0]
	}
	es := make([]error, len(errs))
	for i, e := range errs {
		es[i] = e
	}
	return errors.Join(es...)
}
