// Package pcsc is the PC/SC transport of package eid: it lists readers,
// waits for cards to be inserted or removed, connects to a card (shared
// mode, protocol T=0, as BELPIC cards speak) and transmits APDUs. A *Card
// implements eid.Transport.
//
// It is the only package of the module that uses cgo: it binds libpcsclite
// (pcsc-lite on Linux, via github.com/ebfe/scard; build with pkg-config and
// the libpcsclite development files). Built with CGO_ENABLED=0, every
// call that needs PC/SC returns an error matching [ErrNoService] that says so
// (Release and Close return nil).
//
//	pc, err := pcsc.Establish()          // an error matching pcsc.ErrNoService without pcscd
//	name, err := pc.WaitForCard(ctx, "") // first reader with a card; ctx cancels
//	tr, err := pc.Connect(name)          // shared, T=0; tr is an eid.Transport
//	card := eid.New(tr, nil)
//
// Failures are *Error values: the operation, the PC/SC return code, and a
// match with errors.Is for the three failures callers branch on,
// [ErrNoService], [ErrNoCard] and [ErrCardRemoved]. A card pulled out
// mid-exchange makes pcsc-lite return an empty "successful" response:
// Transmit then asks the card status and reports ErrCardRemoved (an empty
// response from a card still present is an *Error too); either way an
// error, never data.
//
// The tests that need pcscd (reader "Virtual PCD 00 00", TCP 35963) run
// when CSAM_PCSC=1; scripts/test.sh starts pcscd for them.
package pcsc

import (
	"errors"
	"fmt"
)

var (
	// ErrNoService is returned when PC/SC is not available: pcscd is not
	// running, or the module was built without cgo.
	ErrNoService = errors.New("PC/SC service not available")
	// ErrNoCard is returned when there is no card to talk to: the reader
	// holds none, there is no reader of that name, or another program
	// holds the card exclusively ([Error.Code] says which).
	ErrNoCard = errors.New("no card")
	// ErrCardRemoved is returned when the card was removed, reset by
	// another program, or stopped answering while in use: the operation's
	// result and the card's session state are unknown.
	ErrCardRemoved = errors.New("card removed")
)

var (
	errNoResponse = errors.New("empty response from a card still in the reader")
	errClosed     = errors.New("card connection closed")
)

// Error is a failed PC/SC operation. It matches [ErrNoService], [ErrNoCard]
// or [ErrCardRemoved] with errors.Is when the failure is one of those.
type Error struct {
	Op   string // "establish", "list readers", "wait", "connect", "transmit", ...
	Code uint32 // PC/SC return code (SCARD_E_..., SCARD_W_...), 0 if none
	Err  error  // a sentinel above, or what failed when there is no code; may be nil
}

// Error names the operation, the failure and the PC/SC return code.
func (e *Error) Error() string {
	what := codeText(e.Code)
	if what == "" && e.Err != nil {
		what = e.Err.Error()
	}
	switch {
	case what != "" && e.Code != 0:
		return fmt.Sprintf("eid/pcsc: %s: %s (0x%08X)", e.Op, what, e.Code)
	case what != "":
		return fmt.Sprintf("eid/pcsc: %s: %s", e.Op, what)
	}
	return fmt.Sprintf("eid/pcsc: %s: PC/SC error 0x%08X", e.Op, e.Code)
}

// Unwrap returns Err.
func (e *Error) Unwrap() error { return e.Err }

// PC/SC return codes this package maps to sentinels (pcsc-lite's
// pcsclite.h, the same values as Windows' winscard).
const (
	codeCancelled        = 0x80100002
	codeUnknownReader    = 0x80100009
	codeTimeout          = 0x8010000A
	codeSharingViolation = 0x8010000B
	codeNoSmartcard      = 0x8010000C
	codeReaderGone       = 0x80100017 // SCARD_E_READER_UNAVAILABLE
	codeNoService        = 0x8010001D
	codeServiceStopped   = 0x8010001E
	codeNoReaders        = 0x8010002E
	codeUnresponsive     = 0x80100066
	codeUnpowered        = 0x80100067
	codeReset            = 0x80100068
	codeRemoved          = 0x80100069
)

// sentinel maps a PC/SC return code to a sentinel error (nil if none).
func sentinel(code uint32) error {
	switch code {
	case codeNoService, codeServiceStopped:
		return ErrNoService
	case codeUnknownReader, codeNoReaders, codeReaderGone, codeNoSmartcard, codeSharingViolation:
		return ErrNoCard
	case codeRemoved, codeUnresponsive, codeUnpowered, codeReset:
		return ErrCardRemoved
	}
	return nil
}

// codeText describes the return codes this package maps ("" for others).
func codeText(code uint32) string {
	switch code {
	case codeNoService, codeServiceStopped:
		return "PC/SC service not available: start pcscd"
	case codeUnknownReader, codeReaderGone:
		return "no such reader"
	case codeNoReaders:
		return "no reader"
	case codeNoSmartcard:
		return "no card in the reader"
	case codeSharingViolation:
		return "card in exclusive use by another program"
	case codeRemoved:
		return "card removed"
	case codeUnresponsive:
		return "card not responding"
	case codeUnpowered:
		return "card not powered"
	case codeReset:
		return "card reset by another program"
	case codeCancelled:
		return "cancelled"
	case codeTimeout:
		return "timeout"
	}
	return ""
}
