package tl

import (
	"errors"
	"fmt"
	"time"
)

// Sentinel errors, matched with errors.Is. The typed errors below wrap them.
var (
	// ErrMalformed reports a list that is not well-formed XML or not a
	// TS 119 612 trusted list (a *ParseError wraps it).
	ErrMalformed = errors.New("tl: malformed trusted list")
	// ErrTooLarge reports an input larger than the configured size bound.
	ErrTooLarge = errors.New("tl: trusted list too large")
	// ErrSignature reports a missing, unsupported or invalid XMLDSig
	// signature, or one not made by a pinned signer (a *SignatureError
	// wraps it).
	ErrSignature = errors.New("tl: signature not valid")
	// ErrNoSigner reports a call to Verify without pinned signer
	// certificates.
	ErrNoSigner = errors.New("tl: no signer certificate pinned")
	// ErrExpired reports a list whose next update is at or before the
	// validation time, or a closed list (a *TimeError wraps it).
	ErrExpired = errors.New("tl: trusted list past its next update")
	// ErrNotYetValid reports a list issued after the validation time (a
	// *TimeError wraps it).
	//
	// Deprecated: Verify judges a time before the list's issue date from
	// its services' history (ETSI TS 119 615 historical validation) and no
	// longer returns it.
	ErrNotYetValid = errors.New("tl: trusted list issued after the validation time")
)

// ParseError describes where a list is malformed. It wraps ErrMalformed.
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
// ErrSignature.
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
// wraps ErrExpired or ErrNotYetValid.
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

// Unwrap returns ErrNotYetValid or ErrExpired.
func (e *TimeError) Unwrap() error {
	if e.Time.Before(e.IssueDate) {
		return ErrNotYetValid
	}
	return ErrExpired
}
