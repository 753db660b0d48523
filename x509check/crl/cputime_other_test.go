//go:build !unix

package crl_test

import "time"

// cpuTime is not available here: the benchmarks report wall time only.
func cpuTime() (time.Duration, bool) { return 0, false }

// costUnit names what costOf measures.
const costUnit = "wall time"
