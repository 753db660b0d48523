// Package levelstest holds what the tests of levels and of the packages
// built on it (keys) share: telling whether an error is the problem a
// table test expects.
package levelstest

import (
	"errors"
	"strings"

	"github.com/csam-go/csam/levels"
)

// Kind names the Kind of a *levels.ParseError a test expects.
type Kind string

// IsProblem reports whether err is the problem want names: a sentinel
// (errors.Is), a Kind of *levels.ParseError, or a fragment of the message.
func IsProblem(err error, want any) bool {
	if err == nil {
		return false
	}
	switch w := want.(type) {
	case error:
		return errors.Is(err, w)
	case Kind:
		var pe *levels.ParseError
		return errors.As(err, &pe) && pe.Kind == string(w)
	case string:
		return strings.Contains(err.Error(), w)
	}
	return false
}
