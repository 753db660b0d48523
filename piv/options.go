package piv

import "context"

// DefaultManagementKey is the factory management key of PIV tokens
// (01 02 ... 08 three times). Tokens in use should have another one.
var DefaultManagementKey = []byte{
	1, 2, 3, 4, 5, 6, 7, 8, 1, 2, 3, 4, 5, 6, 7, 8, 1, 2, 3, 4, 5, 6, 7, 8,
}

// PINFunc returns the PIN for an operation on slot (0 for VerifyPIN). It
// is called at most once per operation; an error or an empty PIN fails the
// operation with a [*PINError] whose Retries is -1. A wrong PIN is never
// retried by this package: the caller sees the *PINError and decides.
type PINFunc func(ctx context.Context, slot Slot) (string, error)

// Options tune Open. The zero value opens the first PIV token present and
// fails every operation that needs the PIN.
type Options struct {
	// Reader is the PC/SC reader name ("" for the first reader holding a
	// PIV token).
	Reader string
	// PIN supplies the PIN when a key needs it.
	PIN PINFunc
}
