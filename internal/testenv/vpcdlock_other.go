//go:build !unix

package testenv

// LockVPCD does nothing where there is no flock: the pcscd tests run on
// Linux.
func LockVPCD(t TB) {}
