package eid

import (
	"context"
	"errors"
	"fmt"

	"github.com/csam-go/csam/internal/pinblock"
)

// maxPINTries is the cardholder PIN's retry limit (card content v5.4 §3.2).
const maxPINTries = 3

// PINStatus is the state of the cardholder PIN, as VERIFY with Lc=0 tells
// it without using a try.
type PINStatus struct {
	Verified  bool // the PIN was verified in this card session
	TriesLeft int  // tries left when not verified; 0 = blocked
}

// Blocked reports whether the PIN is blocked.
func (s PINStatus) Blocked() bool { return !s.Verified && s.TriesLeft == 0 }

// PINStatus asks the PIN state with VERIFY and Lc=0 (00 20 00 01), which
// does not decrease the retry counter (applet 1.8 reference manual §6.9,
// 1.7 §6.5): 9000 verified, 63Cx x tries left, 6983 blocked.
func (c *Card) PINStatus(ctx context.Context) (PINStatus, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	_, err := c.command(ctx, "VERIFY", []byte{claISO, 0x20, 0x00, 0x01})
	if err == nil {
		return PINStatus{Verified: true}, nil
	}
	var se *StatusError
	if errors.As(err, &se) {
		if pe := pinError(se); pe != nil {
			return PINStatus{TriesLeft: pe.(*PINError).TriesLeft}, nil
		}
	}
	return PINStatus{}, err
}

// pinBlock formats a PIN as the card stores it ([pinblock.Encode]):
// "1234" → 24 12 34 FF FF FF FF FF. It returns an error unless the PIN is 4
// to 12 decimal digits.
func pinBlock(dst *[8]byte, pin []byte) error {
	if !pinblock.Encode(dst, pin) {
		return errInvalidPIN
	}
	return nil
}

// zero overwrites a buffer that held a PIN.
func zero(b []byte) {
	for i := range b {
		b[i] = 0
	}
}

// VerifyPIN presents the cardholder PIN (VERIFY 00 20 00 01 08 <block>,
// §6.9). A wrong PIN gives a *PINError with the tries left, a blocked PIN
// a *PINError with none; a PIN that is not 4–12 digits gives an error
// without using a try (and without a *PINError). VerifyPIN
// never retries. The PIN is neither logged nor kept: the command buffer is
// zeroed after use (the caller's slice is left to the caller).
func (c *Card) VerifyPIN(ctx context.Context, pin []byte) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.verifyLocked(ctx, pin)
}

func (c *Card) verifyLocked(ctx context.Context, pin []byte) error {
	var apdu [13]byte
	defer zero(apdu[:])
	var block [8]byte
	defer zero(block[:])
	if err := pinBlock(&block, pin); err != nil {
		return err
	}
	copy(apdu[:], []byte{claISO, 0x20, 0x00, 0x01, 0x08})
	copy(apdu[5:], block[:])
	_, err := c.command(ctx, "VERIFY", apdu[:])
	return pinResult(err)
}

func pinResult(err error) error {
	var se *StatusError
	if errors.As(err, &se) {
		if pe := pinError(se); pe != nil {
			return pe
		}
	}
	return err
}

// ChangePIN replaces the cardholder PIN (CHANGE REFERENCE DATA 00 24 00 01
// 10 old‖new, §6.10). Errors as VerifyPIN; the card decreases the retry
// counter when the old PIN is wrong.
func (c *Card) ChangePIN(ctx context.Context, oldPIN, newPIN []byte) error {
	var o, n [8]byte
	defer zero(o[:])
	defer zero(n[:])
	if err := pinBlock(&o, oldPIN); err != nil {
		return fmt.Errorf("eid: old PIN: %w", err)
	}
	if err := pinBlock(&n, newPIN); err != nil {
		return fmt.Errorf("eid: new PIN: %w", err)
	}
	var apdu [21]byte
	defer zero(apdu[:])
	copy(apdu[:], []byte{claISO, 0x24, 0x00, 0x01, 0x10})
	copy(apdu[5:], o[:])
	copy(apdu[13:], n[:])
	c.mu.Lock()
	defer c.mu.Unlock()
	_, err := c.command(ctx, "CHANGE REFERENCE DATA", apdu[:])
	return pinResult(err)
}

// LogOff discards the access rights granted by a verified PIN (LOG OFF 80
// E6 00 00, §6.15).
func (c *Card) LogOff(ctx context.Context) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	_, err := c.command(ctx, "LOG OFF", []byte{claProprietary, 0xE6, 0x00, 0x00})
	return err
}

// InternalAuthenticate asks the card to sign challenge with its basic key
// (INTERNAL AUTHENTICATE 00 88 <alg> 81 <Lc> 94 <len> <challenge>, applet
// 1.8 reference manual §6.11): a 48-byte challenge uses algorithm 02 (the
// challenge is taken as a SHA-384 hash), 32 bytes 01, 64 bytes 04. It
// returns the raw signature r‖s. Applet 1.8 only.
func (c *Card) InternalAuthenticate(ctx context.Context, challenge []byte) ([]byte, error) {
	var alg byte
	switch len(challenge) {
	case 32:
		alg = 0x01
	case 48:
		alg = 0x02
	case 64:
		alg = 0x04
	default:
		return nil, fmt.Errorf("eid: internal authenticate: challenge of %d bytes, want 32, 48 or 64", len(challenge))
	}
	apdu := []byte{claISO, 0x88, alg, 0x81, byte(len(challenge) + 2), 0x94, byte(len(challenge))}
	apdu = append(apdu, challenge...)
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.command(ctx, "INTERNAL AUTHENTICATE", apdu)
}
