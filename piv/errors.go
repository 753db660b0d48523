package piv

import (
	"errors"
	"fmt"
	"strings"
)

var (
	// ErrNoCgo: the module was built without cgo, so there is no PC/SC.
	ErrNoCgo = errors.New("piv: built without cgo: PC/SC needs cgo and libpcsclite")
	// ErrNoService: the PC/SC service (pcscd) is not running.
	ErrNoService = errors.New("piv: PC/SC service not available")
	// ErrNoToken: no PIV token in the named reader, or in any reader.
	ErrNoToken = errors.New("piv: no PIV token")
	// ErrBusy: another program (or another Token) holds the token
	// exclusively.
	ErrBusy = errors.New("piv: token in exclusive use by another program")
	// ErrRemoved: the token was removed (or stopped answering) during an
	// operation; the operation's result is unknown.
	ErrRemoved = errors.New("piv: token removed")
	// ErrClosed: the Token was closed.
	ErrClosed = errors.New("piv: token closed")
	// ErrNotFound: the slot has no key or no certificate.
	ErrNotFound = errors.New("piv: no key or certificate in the slot")
	// ErrPINRequired: the operation needs the PIN and no PIN callback was
	// given (or it returned an empty PIN).
	ErrPINRequired = errors.New("piv: PIN required")
	// ErrPINBlocked: the PIN is blocked (no tries left); the PUK unblocks
	// it. A *PINError with Retries 0 unwraps to it.
	ErrPINBlocked = errors.New("piv: PIN blocked")
	// ErrPUKBlocked: the PUK is blocked; only a reset of the PIV
	// application helps.
	ErrPUKBlocked = errors.New("piv: PUK blocked")
	// ErrManagementKey: authentication with the management key failed.
	ErrManagementKey = errors.New("piv: management key authentication failed")
	// ErrSecurityStatus: the token refused the operation for want of PIN
	// or management key authentication.
	ErrSecurityStatus = errors.New("piv: security status not satisfied")
	// ErrUnsupported: the token or this package does not support the
	// algorithm, slot or policy asked.
	ErrUnsupported = errors.New("piv: not supported")
	// ErrKeyMismatch: a certificate's public key is not the key of the
	// slot (or not the attested key).
	ErrKeyMismatch = errors.New("piv: certificate public key differs from the slot key")

	// ErrAttestationFormat: an attestation certificate is malformed or
	// lacks Yubico's attestation extensions.
	ErrAttestationFormat = errors.New("piv: malformed attestation")
	// ErrWrongDevice: the slot attestation was not signed by the given
	// device attestation certificate (an attestation from another device).
	ErrWrongDevice = errors.New("piv: slot attestation not signed by this device")
	// ErrUntrustedRoot: the device attestation certificate does not chain
	// to a configured attestation root.
	ErrUntrustedRoot = errors.New("piv: device attestation certificate does not chain to a configured root")
	// ErrExpired: an attestation certificate is outside its validity
	// period.
	ErrExpired = errors.New("piv: attestation certificate expired or not yet valid")
	// ErrWrongSlot: the attestation is for another slot than expected.
	ErrWrongSlot = errors.New("piv: attestation is for another slot")
)

// Error is a failed token operation. It unwraps to a sentinel of this
// package (Err) and to the underlying cause.
type Error struct {
	Op    string // "open", "read certificate", "sign", "generate", ...
	Slot  Slot   // zero when not about a slot
	Err   error  // a sentinel above, or nil
	Cause error  // what piv-go or PC/SC returned, or nil
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("piv: ")
	b.WriteString(e.Op)
	if e.Slot != 0 {
		fmt.Fprintf(&b, " (slot %s)", e.Slot)
	}
	if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(strings.TrimPrefix(e.Err.Error(), "piv: "))
	}
	if e.Cause != nil {
		b.WriteString(": ")
		b.WriteString(e.Cause.Error())
	}
	return b.String()
}

// Unwrap returns the sentinel and the cause.
func (e *Error) Unwrap() []error {
	var out []error
	if e.Err != nil {
		out = append(out, e.Err)
	}
	if e.Cause != nil {
		out = append(out, e.Cause)
	}
	return out
}

// PINError is a refused PIN or PUK. Retries is the number of tries left;
// 0 means blocked, and the error then unwraps to ErrPINBlocked (or
// ErrPUKBlocked).
type PINError struct {
	PUK     bool // the PUK, not the PIN, was refused
	Retries int
}

func (e *PINError) Error() string {
	what := "PIN"
	if e.PUK {
		what = "PUK"
	}
	if e.Retries == 0 {
		return fmt.Sprintf("piv: wrong %s: blocked", what)
	}
	return fmt.Sprintf("piv: wrong %s: %d tries left", what, e.Retries)
}

// Unwrap returns ErrPINBlocked or ErrPUKBlocked when no try is left.
func (e *PINError) Unwrap() error {
	switch {
	case e.Retries != 0:
		return nil
	case e.PUK:
		return ErrPUKBlocked
	}
	return ErrPINBlocked
}

// AttestationError is a failed attestation verification; it unwraps to
// one of ErrAttestationFormat, ErrWrongDevice, ErrUntrustedRoot,
// ErrExpired, ErrWrongSlot or ErrKeyMismatch.
type AttestationError struct {
	Err    error // the sentinel
	Detail string
}

func (e *AttestationError) Error() string {
	if e.Detail == "" {
		return e.Err.Error()
	}
	return e.Err.Error() + ": " + e.Detail
}

// Unwrap returns the sentinel.
func (e *AttestationError) Unwrap() error { return e.Err }

func attErr(err error, format string, a ...any) error {
	return &AttestationError{Err: err, Detail: fmt.Sprintf(format, a...)}
}
