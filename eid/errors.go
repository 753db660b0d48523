package eid

import (
	"errors"
	"fmt"
)

// Sentinel errors, matched with errors.Is. Status words returned by the card
// come as *StatusError, which matches ErrFileNotFound, ErrSecurityStatus,
// ErrWrongPIN or ErrPINBlocked for those status words and carries the others
// as data ([StatusError.Meaning]); PIN failures come as *PINError.
var (
	// ErrFileNotFound is returned when the card answers 6A82 (file not
	// found), or a dump folder has no file for the ID.
	ErrFileNotFound = errors.New("eid: file not found")
	// ErrSecurityStatus is returned when the card answers 6982, security
	// status not satisfied (e.g. a PIN is needed before a signature).
	ErrSecurityStatus = errors.New("eid: security status not satisfied")
	// ErrPINBlocked is returned when the card answers 6983: the PIN is
	// blocked (retry counter at zero).
	ErrPINBlocked = errors.New("eid: PIN blocked")
	// ErrWrongPIN is returned when the card answers 63Cx: PIN verification
	// failed with x tries left ([PINError] carries them).
	ErrWrongPIN = errors.New("eid: wrong PIN")
	// ErrBadResponse is returned when the card's response breaks the
	// protocol: fewer than two bytes (a reader was seen to return success
	// with an empty response when the card went away; this package never
	// takes that for data), too many GET RESPONSE rounds, a file larger than
	// READ BINARY can address, a response of the wrong length.
	ErrBadResponse = errors.New("eid: malformed response from the card")
	// ErrMalformed is returned when a file's content does not follow the
	// card content specification (TLV, dates, national number,
	// certificate).
	ErrMalformed = errors.New("eid: malformed card file")
	// ErrInvalidPIN is returned when the PIN given is not 4 to 12 decimal
	// digits; nothing was sent to the card.
	ErrInvalidPIN = errors.New("eid: PIN must be 4 to 12 digits")
	// ErrNoPIN is returned when a PIN was needed and no PIN prompt was
	// configured, or the prompt returned no PIN.
	ErrNoPIN = errors.New("eid: PIN needed but none given")
	// ErrNotACard is returned when the operation needs a card (INTERNAL
	// AUTHENTICATE, PIN, signing) and the source is a dump.
	ErrNotACard = errors.New("eid: source is not a card")
)

// StatusError is a status word other than 9000 returned by the card for a
// command. It matches with errors.Is ErrFileNotFound (6A82),
// ErrSecurityStatus (6982), ErrPINBlocked (6983) or ErrWrongPIN (63Cx);
// Meaning names the others.
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
	if s := e.sentinel(); s != nil {
		return s.Error()[len("eid: "):]
	}
	switch {
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

// sentinel maps the status words callers branch on to their sentinel.
func (e *StatusError) sentinel() error {
	switch {
	case e.SW == 0x6A82:
		return ErrFileNotFound
	case e.SW == 0x6982:
		return ErrSecurityStatus
	case e.SW == 0x6983:
		return ErrPINBlocked
	case e.SW&0xFFF0 == 0x63C0:
		return ErrWrongPIN
	}
	return nil
}

// Is reports whether target is the sentinel of the status word.
func (e *StatusError) Is(target error) bool {
	s := e.sentinel()
	return s != nil && s == target
}

// PINError is a failed PIN verification or change: a wrong PIN with the
// tries left, or a blocked PIN. It matches ErrWrongPIN (tries left > 0) or
// ErrPINBlocked (no tries left), and unwraps to the card's *StatusError.
// This package never retries a PIN by itself.
type PINError struct {
	TriesLeft int
	Err       *StatusError
}

// Error says the PIN was wrong (with the tries left) or is blocked; it
// never shows the PIN.
func (e *PINError) Error() string {
	if e.TriesLeft <= 0 {
		return "eid: PIN blocked"
	}
	if e.TriesLeft == 1 {
		return "eid: wrong PIN, 1 try left"
	}
	return fmt.Sprintf("eid: wrong PIN, %d tries left", e.TriesLeft)
}

// Blocked reports whether the PIN is blocked.
func (e *PINError) Blocked() bool { return e.TriesLeft <= 0 }

// Is matches ErrWrongPIN or ErrPINBlocked.
func (e *PINError) Is(target error) bool {
	if e.Blocked() {
		return target == ErrPINBlocked
	}
	return target == ErrWrongPIN
}

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
// matches ErrMalformed.
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
