package levels

import (
	"errors"
	"fmt"
	"strings"
)

// The errors callers of this package branch on. Every other problem is
// data on a typed error: [*ParseError] for a name that is not one of its
// kind, [*RequestError] for a request, [*SetupError] for an enterprise
// set-up.
var (
	// ErrUnknownApplication is returned, wrapped in a [*RequestError], when
	// a request names an application that no catalog entry lists on the
	// request's portal or channel: for a service, a bad request rather
	// than a denial.
	ErrUnknownApplication = errors.New("levels: unknown application")
	// ErrUnknownKeyState is returned, wrapped, when a presented key or a
	// credential has no state: the zero [KeyState], or a value out of
	// range. A key without a state grants nothing.
	ErrUnknownKeyState = errors.New("levels: unknown key state")
)

// ParseError is returned when a text is not the name of a level, channel,
// portal, role, audience or key state (ParseLevel, ParseChannel,
// ParseRole, UnmarshalText).
type ParseError struct {
	// Kind is what the text should have named: "level", "channel",
	// "portal", "role", "audience" or "key state".
	Kind string
	// Input is the text.
	Input string
}

// wantNames lists, by kind, the names a ParseError's message suggests.
var wantNames = map[string]string{
	"level":     "none, column1, column2 or column3",
	"channel":   "portal, ftp or mqseries",
	"portal":    "securitesociale, belgium or ehealth",
	"role":      "one of " + strings.Join(roleNames[1:], ", "),
	"audience":  "one of " + strings.Join(audienceNames[:], ", "),
	"key state": "active, must-change, deactivated or blocked",
}

// Error quotes the input and lists the names of its kind.
func (e *ParseError) Error() string {
	msg := fmt.Sprintf("levels: unknown %s %q", e.Kind, e.Input)
	if want := wantNames[e.Kind]; want != "" {
		msg += " (want " + want + ")"
	}
	return msg
}

// RequestError is returned for a request that DecodeRequest cannot read or
// Decide cannot decide on. Field is the field at fault, as a path such as
// "roles[1]" or "key.level" (empty for the whole input); Err is the cause,
// a [*ParseError] for a bad name, or wrapping [ErrUnknownApplication] or
// [ErrUnknownKeyState].
type RequestError struct {
	Field  string
	Offset int64 // byte offset in the input of the field or of a syntax error; 0 when unknown
	Err    error
}

// Error names the field or the byte offset, then the cause.
func (e *RequestError) Error() string {
	msg := strings.TrimPrefix(e.Err.Error(), "levels: ")
	switch {
	case e.Field != "":
		return fmt.Sprintf("levels: request field %s: %s", e.Field, msg)
	case e.Offset > 0:
		return fmt.Sprintf("levels: request at byte %d: %s", e.Offset, msg)
	}
	return "levels: request: " + msg
}

// Unwrap returns the cause.
func (e *RequestError) Unwrap() error { return e.Err }
