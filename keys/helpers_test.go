package keys_test

import (
	"errors"
	"strings"

	"github.com/csam-go/csam/levels"
)

// kind names the Kind of a *levels.ParseError a test expects.
type kind string

// isProblem reports whether err is the problem want names: a sentinel
// (errors.Is), a kind of *levels.ParseError, or a fragment of the message.
func isProblem(err error, want any) bool {
	if err == nil {
		return false
	}
	switch w := want.(type) {
	case error:
		return errors.Is(err, w)
	case kind:
		var pe *levels.ParseError
		return errors.As(err, &pe) && pe.Kind == string(w)
	case string:
		return strings.Contains(err.Error(), w)
	}
	return false
}
