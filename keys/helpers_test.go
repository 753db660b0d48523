package keys_test

import "github.com/csam-go/csam/internal/levelstest"

// kind names the Kind of a *levels.ParseError a test expects.
type kind = levelstest.Kind

// isProblem reports whether err is the problem want names (see
// levelstest.IsProblem).
var isProblem = levelstest.IsProblem
