package levels_test

import (
	"errors"

	"github.com/csam-go/csam/internal/levelstest"
)

func errorsAs(err error, target any) bool { return errors.As(err, target) }

// kind names the Kind of a *levels.ParseError a test expects.
type kind = levelstest.Kind

// isProblem reports whether err is the problem want names (see
// levelstest.IsProblem).
var isProblem = levelstest.IsProblem
