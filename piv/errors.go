package piv

import (
	"errors"
	"fmt"
	"strings"

	"github.com/csam-go/csam/eid/pcsc"
)

// Errors callers branch on, matched with errors.Is. The PC/SC ones are
// those of package pcsc, so that one test covers an eID card and a PIV
// token. A refused or missing PIN is a [*PINError]; a failed attestation an
// [*AttestationError]; the rest is data on [*Error].
var (
	// ErrNotFound is returned when the slot has no key or no certificate.
	ErrNotFound = errors.New("piv: no key or certificate in the slot")
	// ErrNoService is returned when PC/SC is not available: pcscd is not
	// running, or the module was built without cgo. It is
	// [pcsc.ErrNoService].
	ErrNoService = pcsc.ErrNoService
	// ErrNoToken is returned when there is no PIV token to open: none in
	// the named reader or in any reader, or the one there is held
	// exclusively by another program. It is [pcsc.ErrNoCard].
	ErrNoToken = pcsc.ErrNoCard
	// ErrRemoved is returned when the token was removed (or stopped
	// answering) during an operation, and by every later operation on the
	// Token: the operation's result is unknown. It is [pcsc.ErrCardRemoved].
	ErrRemoved = pcsc.ErrCardRemoved
)

// kind is what failed, when it is not a sentinel of its own: its message,
// and the sentinel it matches, if any.
type kind struct {
	msg string
	is  error
}

func (k *kind) Error() string { return "piv: " + k.msg }
func (k *kind) Unwrap() error { return k.is }

var (
	errNoService      = &kind{"PC/SC service not available", ErrNoService}
	errNoToken        = &kind{"no PIV token", ErrNoToken}
	errBusy           = &kind{"token in exclusive use by another program", ErrNoToken}
	errRemoved        = &kind{"token removed", ErrRemoved}
	errClosed         = &kind{"token closed", nil}
	errManagementKey  = &kind{"management key authentication failed", nil}
	errSecurityStatus = &kind{"security status not satisfied", nil}
	errUnsupported    = &kind{"not supported", nil}
	errKeyMismatch    = &kind{"certificate public key differs from the slot key", nil}
)

// Error is a failed token operation. It matches [ErrNotFound],
// [ErrNoService], [ErrNoToken] or [ErrRemoved] with errors.Is when it is
// one of those, and unwraps to the underlying cause.
type Error struct {
	Op   string // "open", "read certificate", "sign", "generate", ...
	Slot Slot   // zero when not about a slot
	// SW is the status word the token answered (e.g. 0x6982, security
	// status not satisfied; 0x6A80, not supported), 0 when none.
	SW    uint16
	Err   error // what failed, as the message says; may be nil
	Cause error // what piv-go or PC/SC returned, or nil
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
	} else if e.SW != 0 {
		fmt.Fprintf(&b, " (%04X)", e.SW)
	}
	return b.String()
}

// Unwrap returns Err and Cause.
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

// PINError is a PIN or PUK that was refused, or not given. Retries is the
// number of tries left: 0 means blocked (the PUK unblocks a PIN; a blocked
// PUK needs a reset of the PIV application), -1 means that no PIN was given
// (no PIN callback, or it returned an empty PIN or an error, in Err) and
// the token was not asked.
type PINError struct {
	PUK     bool // the PUK, not the PIN, was refused
	Retries int
	Err     error // the PIN callback's error, or nil
}

func (e *PINError) Error() string {
	what := "PIN"
	if e.PUK {
		what = "PUK"
	}
	switch {
	case e.Retries < 0 && e.Err != nil:
		return fmt.Sprintf("piv: %s required: %v", what, e.Err)
	case e.Retries < 0:
		return fmt.Sprintf("piv: %s required", what)
	case e.Retries == 0:
		return fmt.Sprintf("piv: wrong %s: blocked", what)
	}
	return fmt.Sprintf("piv: wrong %s: %d tries left", what, e.Retries)
}

// Unwrap returns Err.
func (e *PINError) Unwrap() error { return e.Err }

// Reasons of an [AttestationError].
const (
	reasonFormat      = "format"
	reasonWrongDevice = "wrong device"
	reasonRoot        = "untrusted root"
	reasonExpired     = "expired"
	reasonWrongSlot   = "wrong slot"
	reasonKeyMismatch = "key mismatch"
)

// AttestationError is a failed attestation verification. Reason says
// why: "format" (a malformed attestation, or one without Yubico's
// extensions), "wrong device" (the slot attestation was not signed by the
// given device certificate), "untrusted root" (the device certificate does
// not chain to a configured root), "expired" (a certificate outside its
// validity period), "wrong slot" (the attestation is for another slot) or
// "key mismatch" (a certificate's public key is not the attested key).
type AttestationError struct {
	Reason string
	Detail string
}

func (e *AttestationError) Error() string {
	msg := "piv: " + e.Reason
	if m, ok := reasonText[e.Reason]; ok {
		msg = "piv: " + m
	}
	if e.Detail == "" {
		return msg
	}
	return msg + ": " + e.Detail
}

var reasonText = map[string]string{
	reasonFormat:      "malformed attestation",
	reasonWrongDevice: "slot attestation not signed by this device",
	reasonRoot:        "device attestation certificate does not chain to a configured root",
	reasonExpired:     "attestation certificate expired or not yet valid",
	reasonWrongSlot:   "attestation is for another slot",
	reasonKeyMismatch: "certificate public key differs from the attested key",
}

func attErr(reason, format string, a ...any) error {
	return &AttestationError{Reason: reason, Detail: fmt.Sprintf(format, a...)}
}
