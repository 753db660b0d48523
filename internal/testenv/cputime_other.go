//go:build !unix

package testenv

import "time"

// CPUTime reports false: the process CPU time is read with getrusage,
// which needs a Unix.
func CPUTime() (time.Duration, bool) { return 0, false }
