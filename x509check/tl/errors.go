package tl

import (
	"fmt"
	"time"

	"github.com/csam-go/csam/x509check"
	"github.com/csam-go/csam/x509check/internal/errs"
)

var (
	// ErrMalformed is returned (through a [ParseError]) when a list is not
	// well-formed XML, not a TS 119 612 trusted list, or larger than the
	// size bound, and when [List.Qualify] is given an unusable chain. It is
	// [x509check.ErrBadInput].
	ErrMalformed = x509check.ErrBadInput
	// ErrSignature is returned (through a [SignatureError]) when a list's
	// XMLDSig signature is missing, unsupported, invalid, or not made by a
	// pinned signer.
	ErrSignature = errs.BadListSignature
	// ErrExpired is returned (through a [TimeError]) when a list's next
	// update is at or before the validation time, or the list is closed.
	// It is [x509check.ErrExpired].
	ErrExpired = x509check.ErrExpired
)

// errNoSigner is returned by Verify without pinned signer certificates.
var errNoSigner = fmt.Errorf("%w: tl: no trusted list signer certificate pinned", x509check.ErrNoTrust)

// ParseError describes where a list is malformed. It wraps [ErrMalformed].
type ParseError struct {
	// Path names the element or attribute at fault (e.g.
	// "SchemeInformation/ListIssueDateTime"); empty for document-level
	// faults.
	Path string
	// Reason says what is wrong.
	Reason string
	// Err is the underlying error, if any.
	Err error
}

func (e *ParseError) Error() string {
	msg := "tl: malformed trusted list"
	if e.Path != "" {
		msg += ": " + e.Path
	}
	msg += ": " + e.Reason
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

// Unwrap returns ErrMalformed and the underlying error.
func (e *ParseError) Unwrap() []error {
	if e.Err != nil {
		return []error{ErrMalformed, e.Err}
	}
	return []error{ErrMalformed}
}

func malformed(path, reason string, err error) error {
	return &ParseError{Path: path, Reason: reason, Err: err}
}

// SignatureError describes why a list's signature was refused. It wraps
// [ErrSignature].
type SignatureError struct {
	// Reason says what is wrong.
	Reason string
	// Err is the underlying error, if any.
	Err error
}

func (e *SignatureError) Error() string {
	msg := "tl: signature not valid: " + e.Reason
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

// Unwrap returns ErrSignature and the underlying error.
func (e *SignatureError) Unwrap() []error {
	if e.Err != nil {
		return []error{ErrSignature, e.Err}
	}
	return []error{ErrSignature}
}

func sigErr(err error, format string, args ...any) error {
	return &SignatureError{Reason: fmt.Sprintf(format, args...), Err: err}
}

// TimeError reports a list that is not current at the validation time. It
// wraps [ErrExpired], or [x509check.ErrNotYetValid] for a list issued after
// the validation time.
type TimeError struct {
	// Time is the validation time.
	Time time.Time
	// IssueDate and NextUpdate are the list's (NextUpdate is zero for a
	// closed list).
	IssueDate, NextUpdate time.Time
}

func (e *TimeError) Error() string {
	switch {
	case e.Time.Before(e.IssueDate):
		return fmt.Sprintf("tl: trusted list issued %s, after the validation time %s",
			e.IssueDate.UTC().Format(time.RFC3339), e.Time.UTC().Format(time.RFC3339))
	case e.NextUpdate.IsZero():
		return "tl: trusted list is closed (no next update)"
	default:
		return fmt.Sprintf("tl: trusted list past its next update %s (validation time %s)",
			e.NextUpdate.UTC().Format(time.RFC3339), e.Time.UTC().Format(time.RFC3339))
	}
}

// Unwrap returns [x509check.ErrNotYetValid] or [ErrExpired].
func (e *TimeError) Unwrap() error {
	if e.Time.Before(e.IssueDate) {
		return x509check.ErrNotYetValid
	}
	return ErrExpired
}
