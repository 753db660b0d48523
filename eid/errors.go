package eid

import (
	"errors"
	"fmt"
)

// Errors callers branch on, matched with errors.Is. Status words the card
// returns come as [*StatusError] (which matches [ErrFileNotFound] for 6A82
// and carries the others as data); a wrong, blocked or missing PIN is a
// [*PINError].
var (
	// ErrFileNotFound is returned when the card answers 6A82 (file not
	// found), or a dump folder has no file for the ID.
	ErrFileNotFound = errors.New("eid: file not found")
	// ErrMalformed is returned when what the card or a dump gives does not
	// follow the specifications: a file whose content breaks the card
	// content specification (TLV, dates, national number, certificate;
	// [*FieldError] says where), or a response that breaks the protocol
	// (fewer than two bytes: a reader was seen to return success with an
	// empty response when the card went away, and this package never takes
	// that for data; too many GET RESPONSE rounds; a file larger than READ
	// BINARY can address; a response of the wrong length).
	ErrMalformed = errors.New("eid: malformed card file")
)

// kind is an error of this package without a sentinel of its own: its
// message, and the sentinel it matches, if any.
type kind struct {
	msg string
	is  error
}

func (k *kind) Error() string { return k.msg }
func (k *kind) Unwrap() error { return k.is }

var (
	// errBadResponse: the card's response breaks the protocol.
	errBadResponse = &kind{"eid: malformed response from the card", ErrMalformed}
	// errInvalidPIN: the PIN given is not 4 to 12 decimal digits; nothing
	// was sent to the card.
	errInvalidPIN = errors.New("eid: PIN must be 4 to 12 digits")
	// errNotACard: the operation needs a card (INTERNAL AUTHENTICATE, PIN,
	// signing) and the source is a dump.
	errNotACard = errors.New("eid: source is not a card")
	// errIntegrity is the cause of every failed integrity check (the
	// Integrity report is what callers read).
	errIntegrity = errors.New("eid: integrity check failed")
)

// StatusError is a status word other than 9000 returned by the card for a
// command. It matches [ErrFileNotFound] (6A82) with errors.Is; callers
// test SW for the others (6982, security status not satisfied: a PIN is
// needed first), and Meaning names them.
type StatusError struct {
	Command string // command name, e.g. "SELECT", "READ BINARY"
	SW      uint16 // SW1 SW2
}

// Error names the command, the status word and its meaning.
func (e *StatusError) Error() string {
	msg := fmt.Sprintf("eid: %s: card returned %04X", e.Command, e.SW)
	if m := e.Meaning(); m != "" {
		msg += " (" + m + ")"
	}
	return msg
}

// Meaning describes the status word after the status-byte tables of the
// applet 1.7 and 1.8 reference manuals (§6), e.g. "wrong length" for 6700;
// it returns "" for a status word the manuals do not list.
func (e *StatusError) Meaning() string {
	switch {
	case e.SW == 0x6A82:
		return "file not found"
	case e.SW == 0x6982:
		return "security status not satisfied"
	case e.SW == 0x6983:
		return "PIN blocked"
	case e.SW&0xFFF0 == 0x63C0:
		return "wrong PIN"
	case e.SW == 0x6700 || e.SW>>8 == 0x6C:
		return "wrong length"
	case e.SW == 0x6985 || e.SW == 0x6986:
		// File not activated, security environment not set, algorithm
		// locked (6985); no current EF (6986).
		return "conditions of use not satisfied"
	case e.SW == 0x6400 || e.SW == 0x6581:
		// No precise diagnostic (6400); EEPROM corrupted, the card then
		// stays mute for a while (6581): applet 1.8 manual, e.g. Table 23.
		return "card failure"
	case e.SW == 0x6A86 || e.SW == 0x6B00 || e.SW == 0x6A87:
		// On READ BINARY, 6B00 is an offset beyond the end of the file.
		return "wrong parameters P1-P2"
	case e.SW == 0x6A80:
		return "incorrect data"
	case e.SW == 0x6A88:
		return "referenced data not found"
	case e.SW == 0x6D00 || e.SW == 0x6E00 || e.SW == 0x6881:
		return "command not supported"
	}
	return ""
}

// Is reports whether target is [ErrFileNotFound] and the status word 6A82.
func (e *StatusError) Is(target error) bool {
	return target == ErrFileNotFound && e.SW == 0x6A82
}

// hasSW reports whether err is a *StatusError with status word sw.
func hasSW(err error, sw uint16) bool {
	var se *StatusError
	return errors.As(err, &se) && se.SW == sw
}

// PINError is a failed PIN verification or change: a wrong PIN with the
// tries left (TriesLeft > 0), a blocked PIN (0), or no PIN given (-1: no
// PIN prompt, or it returned no PIN; the card was not asked). It unwraps
// to the card's *StatusError, if any. This package never retries a PIN by
// itself.
type PINError struct {
	TriesLeft int
	Err       *StatusError
}

// Error says the PIN was wrong (with the tries left), is blocked or was
// not given; it never shows the PIN.
func (e *PINError) Error() string {
	switch {
	case e.TriesLeft < 0:
		return "eid: PIN needed but none given"
	case e.TriesLeft == 0:
		return "eid: PIN blocked"
	case e.TriesLeft == 1:
		return "eid: wrong PIN, 1 try left"
	}
	return fmt.Sprintf("eid: wrong PIN, %d tries left", e.TriesLeft)
}

// Blocked reports whether the PIN is blocked.
func (e *PINError) Blocked() bool { return e.TriesLeft == 0 }

// Unwrap returns the card's status error.
func (e *PINError) Unwrap() error {
	if e.Err == nil {
		return nil
	}
	return e.Err
}

// pinError converts a VERIFY or CHANGE status word to a *PINError, or
// returns nil when the status word is not a PIN failure.
func pinError(se *StatusError) error {
	switch {
	case se.SW&0xFFF0 == 0x63C0:
		return &PINError{TriesLeft: int(se.SW & 0x0F), Err: se}
	case se.SW == 0x6983:
		return &PINError{TriesLeft: 0, Err: se}
	}
	return nil
}

// FieldError is a malformed field of an identity or address file. It
// matches [ErrMalformed].
type FieldError struct {
	File  FileID
	Tag   byte
	Field string
	Err   error
}

// Error names the file, the tag and the fault.
func (e *FieldError) Error() string {
	return fmt.Sprintf("eid: file %s tag %02X (%s): %v", e.File, e.Tag, e.Field, e.Err)
}

// Unwrap returns the cause.
func (e *FieldError) Unwrap() error { return e.Err }

// Is matches ErrMalformed.
func (e *FieldError) Is(target error) bool { return target == ErrMalformed }
