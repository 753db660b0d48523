// Package pcsc is the PC/SC transport of package eid: it lists readers,
// waits for cards to be inserted or removed, connects to a card (shared
// mode, protocol T=0, as BELPIC cards speak) and transmits APDUs. A *Card
// implements eid.Transport.
//
// It is the only package of the module that uses cgo: it binds libpcsclite
// (pcsc-lite on Linux, via github.com/ebfe/scard; build with pkg-config and
// the libpcsclite development files). Built with CGO_ENABLED=0, every
// call that needs PC/SC returns ErrNoCgo (Release and Close return nil).
//
//	pc, err := pcsc.Establish()          // pcsc.ErrNoService without pcscd
//	name, err := pc.WaitForCard(ctx, "") // first reader with a card; ctx cancels
//	tr, err := pc.Connect(name)          // shared, T=0; tr is an eid.Transport
//	card := eid.New(tr, nil)
//
// Failures are *Error values that unwrap to the sentinels below, so that
// callers can write errors.Is(err, pcsc.ErrNoCard): ErrNoService,
// ErrNoReader, ErrNoCard, ErrCardRemoved, ErrCardReset, ErrSharingViolation
// and ErrNoResponse. A card pulled out mid-exchange makes pcsc-lite return
// an empty "successful" response: Transmit then asks the card status and
// reports ErrCardRemoved (ErrNoResponse only for a card still present);
// either way an error, never data.
//
// The tests that need pcscd (reader "Virtual PCD 00 00", TCP 35963) run
// when CSAM_PCSC=1; scripts/test.sh starts pcscd for them.
package pcsc

import (
	"errors"
	"fmt"
)

var (
	// ErrNoService: the PC/SC service (pcscd) is not running.
	ErrNoService = errors.New("eid/pcsc: PC/SC service not available")
	// ErrNoReader: no reader, or not the named one.
	ErrNoReader = errors.New("eid/pcsc: no such reader")
	// ErrNoCard: the reader has no card.
	ErrNoCard = errors.New("eid/pcsc: no card in the reader")
	// ErrCardRemoved: the card was removed (or stopped answering) while in
	// use. Data read so far must not be taken as complete.
	ErrCardRemoved = errors.New("eid/pcsc: card removed")
	// ErrCardReset: another program reset the card; the session state
	// (selected file, PIN verification) is lost.
	ErrCardReset = errors.New("eid/pcsc: card reset by another program")
	// ErrSharingViolation: another program holds the card exclusively.
	ErrSharingViolation = errors.New("eid/pcsc: card in exclusive use by another program")
	// ErrNoResponse: a card still in the reader returned less than a
	// status word. (pcsc-lite reports an exchange that lost the card as an
	// empty success; Transmit then finds the card gone and returns
	// ErrCardRemoved instead.)
	ErrNoResponse = errors.New("eid/pcsc: empty response from the card")
	// ErrNoCgo: the module was built without cgo, so there is no PC/SC.
	ErrNoCgo = errors.New("eid/pcsc: built without cgo: PC/SC needs cgo and libpcsclite")
)

// Error is a failed PC/SC operation.
type Error struct {
	Op   string // "establish", "list readers", "wait", "connect", "transmit", ...
	Code uint32 // PC/SC return code (SCARD_E_..., SCARD_W_...), 0 if none
	Err  error  // one of the sentinels above, or nil
}

// Error names the failure, the operation and the PC/SC return code.
func (e *Error) Error() string {
	switch {
	case e.Err != nil && e.Code != 0:
		return fmt.Sprintf("%s (%s, 0x%08X)", e.Err.Error(), e.Op, e.Code)
	case e.Err != nil:
		return fmt.Sprintf("%s (%s)", e.Err.Error(), e.Op)
	}
	return fmt.Sprintf("eid/pcsc: %s: PC/SC error 0x%08X", e.Op, e.Code)
}

// Unwrap returns the sentinel error.
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
	case codeUnknownReader, codeNoReaders, codeReaderGone:
		return ErrNoReader
	case codeNoSmartcard:
		return ErrNoCard
	case codeRemoved, codeUnresponsive, codeUnpowered:
		return ErrCardRemoved
	case codeReset:
		return ErrCardReset
	case codeSharingViolation:
		return ErrSharingViolation
	}
	return nil
}
