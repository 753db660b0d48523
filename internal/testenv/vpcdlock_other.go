//go:build !unix

package testenv

import "testing"

// LockVPCD does nothing where there is no flock: the pcscd tests run on
// Linux.
func LockVPCD(t testing.TB) {}
