//go:build unix

package testenv

import (
	"syscall"
	"time"
)

// CPUTime returns the CPU time (user and system) the test process has
// used so far, and false where the system does not tell. Unlike the wall
// clock it does not grow while the process waits for a core on a busy
// machine, so a test bounding the cost of an operation takes the
// difference of two readings around it.
func CPUTime() (time.Duration, bool) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0, false
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), true
}
