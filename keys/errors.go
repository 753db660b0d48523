package keys

import (
	"errors"
	"fmt"
	"strings"

	"github.com/csam-go/csam/levels"
)

// Sentinel errors of key type definitions, wrapped in *DefinitionError and
// matched with errors.Is. Those this package shares with package levels are
// the same values ([levels.ErrUnknownField] and keys.ErrUnknownField are
// one error), so errors.Is works with either name.
var (
	// ErrMalformedJSON is returned when the definition file is not valid
	// JSON, or a value has the wrong JSON type.
	ErrMalformedJSON = errors.New("keys: malformed JSON")
	// ErrUnknownField is [levels.ErrUnknownField], returned when a
	// definition has a field the format does not define.
	ErrUnknownField = levels.ErrUnknownField
	// ErrMissingField is [levels.ErrMissingField], returned when a required
	// field (id, names, level, factors) is absent.
	ErrMissingField = levels.ErrMissingField
	// ErrDuplicateID is returned when the identifier is already
	// registered, or appears twice in one file.
	ErrDuplicateID = errors.New("keys: duplicate identifier")
	// ErrUnknownLevel is [levels.ErrUnknownLevel], returned when the level
	// is not none, column1, column2 or column3.
	ErrUnknownLevel = levels.ErrUnknownLevel
	// ErrUnknownChannel is [levels.ErrUnknownChannel], returned when a
	// channel is not portal, ftp or mqseries.
	ErrUnknownChannel = levels.ErrUnknownChannel
	// ErrUnknownFAS is returned when a FAS level is not one of 100, 200,
	// 300, 350, 400, 450, 500 (or its ACR value).
	ErrUnknownFAS = errors.New("keys: unknown FAS level")
	// ErrUnknownEIDAS is returned when an eIDAS level is not low,
	// substantial or high (or its URI).
	ErrUnknownEIDAS = errors.New("keys: unknown eIDAS level")
	// ErrInvalidValue is returned when a value is well-typed but not
	// acceptable (a malformed identifier, level none, an empty or repeated
	// list element...).
	ErrInvalidValue = errors.New("keys: invalid value")
	// ErrTooLarge is returned when the definition file exceeds
	// [MaxDefinitionBytes].
	ErrTooLarge = errors.New("keys: definition file too large")
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

// DefinitionError reports one bad key type definition, given to Register or
// read by LoadJSON. Err wraps one of the package's sentinel errors.
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
	// Err is the cause, wrapping a sentinel such as ErrUnknownLevel.
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

// Unwrap returns Err, which wraps a sentinel of this package.
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
