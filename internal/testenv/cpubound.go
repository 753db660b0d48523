package testenv

import "time"

// CPUBounded runs f on its own goroutine and returns the process CPU time
// used meanwhile and whether f returned. It stops waiting as soon as that
// CPU time exceeds limit (f then goes on in the background: the caller
// fails its test), so that a runaway computation fails at once instead of
// at the test binary's timeout. Where the CPU time cannot be read
// (CPUTime reports false) it waits for f and returns 0, true.
func CPUBounded(limit time.Duration, f func()) (time.Duration, bool) {
	done := make(chan struct{})
	c0, ok := CPUTime()
	go func() {
		defer close(done)
		f()
	}()
	if !ok {
		<-done
		return 0, true
	}
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-done:
			c1, _ := CPUTime()
			return c1 - c0, true
		case <-tick.C:
			if c1, _ := CPUTime(); c1-c0 > limit {
				return c1 - c0, false
			}
		}
	}
}
