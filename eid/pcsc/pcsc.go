//go:build cgo

package pcsc

import (
	"bytes"
	"context"
	"errors"
	"slices"
	"sync"
	"time"

	"github.com/ebfe/scard"
)

// pollInterval bounds each blocking GetStatusChange call, so that waits
// notice a cancelled context quickly.
const pollInterval = 250 * time.Millisecond

// Context is a PC/SC context (a session with pcscd). Use one per goroutine
// that waits; Connect may be called from any goroutine.
type Context struct {
	c *scard.Context
}

func wrap(op string, err error) error {
	if err == nil {
		return nil
	}
	var se scard.Error
	if errors.As(err, &se) {
		return &Error{Op: op, Code: uint32(se), Err: sentinel(uint32(se))}
	}
	return &Error{Op: op, Err: err}
}

func code(err error) uint32 {
	var se scard.Error
	if errors.As(err, &se) {
		return uint32(se)
	}
	return 0
}

// Establish opens a PC/SC context. It fails with [ErrNoService] when pcscd
// is not running.
func Establish() (*Context, error) {
	c, err := scard.EstablishContext()
	if err != nil {
		return nil, wrap("establish", err)
	}
	return &Context{c: c}, nil
}

// Release closes the context.
func (c *Context) Release() error {
	return wrap("release", c.c.Release())
}

// Readers lists the readers known to pcscd. With no reader at all it
// returns an empty list and no error.
func (c *Context) Readers() ([]string, error) {
	r, err := c.c.ListReaders()
	if code(err) == codeNoReaders {
		return nil, nil
	}
	if err != nil {
		return nil, wrap("list readers", err)
	}
	return r, nil
}

func present(s scard.StateFlag) bool {
	return s&scard.StatePresent != 0 && s&scard.StateMute == 0
}

// WaitForCard waits until a card is present in reader (any reader when
// reader is ""), and returns that reader's name. It returns at once if a
// card is already there; it fails with [ErrNoCard] when a named reader does
// not exist, and with the context's error when ctx is done.
func (c *Context) WaitForCard(ctx context.Context, reader string) (string, error) {
	name := ""
	err := c.wait(ctx, reader, func(r string, s scard.StateFlag) bool {
		if present(s) {
			name = r
			return true
		}
		return false
	})
	return name, err
}

// WaitForRemoval waits until reader has no card (or is gone).
func (c *Context) WaitForRemoval(ctx context.Context, reader string) error {
	if reader == "" {
		return &Error{Op: "wait", Code: codeUnknownReader, Err: ErrNoCard}
	}
	return c.wait(ctx, reader, func(_ string, s scard.StateFlag) bool {
		return s&scard.StatePresent == 0
	})
}

// wait polls GetStatusChange until done reports true for a reader.
func (c *Context) wait(ctx context.Context, reader string, done func(string, scard.StateFlag) bool) error {
	var states []scard.ReaderState
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		readers, err := c.Readers()
		if err != nil {
			return err
		}
		if reader != "" {
			if !slices.Contains(readers, reader) {
				return &Error{Op: "wait", Code: codeUnknownReader, Err: ErrNoCard}
			}
			readers = []string{reader}
		}
		if len(readers) == 0 {
			// No reader yet: wait for one to appear.
			if err := sleep(ctx, pollInterval); err != nil {
				return err
			}
			continue
		}
		if !sameReaders(states, readers) {
			states = make([]scard.ReaderState, len(readers))
			for i, r := range readers {
				states[i] = scard.ReaderState{Reader: r, CurrentState: scard.StateUnaware}
			}
		}
		err = c.c.GetStatusChange(states, pollInterval)
		switch code(err) {
		case 0:
		case codeTimeout:
			continue
		case codeUnknownReader, codeReaderGone:
			states = nil
			if reader != "" {
				return &Error{Op: "wait", Code: code(err), Err: ErrNoCard}
			}
			continue
		default:
			return wrap("wait", err)
		}
		for i := range states {
			ev := states[i].EventState &^ scard.StateChanged
			if done(states[i].Reader, ev) {
				return nil
			}
			states[i].CurrentState = ev
		}
	}
}

func sameReaders(states []scard.ReaderState, readers []string) bool {
	if len(states) != len(readers) {
		return false
	}
	for i := range states {
		if states[i].Reader != readers[i] {
			return false
		}
	}
	return true
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// Card is a connection to the card in a reader, shared with other
// programs, protocol T=0. It implements eid.Transport. Its methods are safe
// for concurrent use (APDUs are sent one at a time).
type Card struct {
	mu     sync.Mutex
	card   *scard.Card
	reader string
	atr    []byte
}

// Connect connects to the card in reader (shared mode, T=0). It fails with
// [ErrNoCard] (no such reader, no card, or the card held exclusively by
// another program; [Error.Code] says which).
func (c *Context) Connect(reader string) (*Card, error) {
	card, err := c.c.Connect(reader, scard.ShareShared, scard.ProtocolT0)
	if err != nil {
		return nil, wrap("connect", err)
	}
	k := &Card{card: card, reader: reader}
	if st, err := card.Status(); err == nil {
		k.atr = bytes.Clone(st.Atr)
	}
	return k, nil
}

// Transmit sends one APDU and returns the response (data and SW1 SW2),
// without T=0 processing (61xx and 6Cxx come back to the caller). A card
// pulled out gives [ErrCardRemoved], also when pcsc-lite reports the failed
// exchange as an empty success; a response shorter than two bytes from a
// card still present is an *Error without a sentinel. ctx is checked before sending: a PC/SC
// exchange cannot be interrupted.
func (c *Card) Transmit(ctx context.Context, apdu []byte) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.card == nil {
		return nil, &Error{Op: "transmit", Err: errClosed}
	}
	r, err := c.card.Transmit(apdu)
	if err != nil {
		return nil, wrap("transmit", err)
	}
	if len(r) < 2 {
		return nil, c.noResponse(ctx)
	}
	return r, nil
}

// removedChecks and removedWait bound how long an empty response waits for
// pcscd to notice a removal: it learns of it by polling the reader driver
// (every 400 ms in pcsc-lite), so up to about half a second after the
// exchange failed. A card still present after 1.5 s answered nothing.
const (
	removedChecks = 60
	removedWait   = 25 * time.Millisecond
)

// noResponse names an empty response. pcsc-lite was seen to report success
// with no bytes when the card was pulled out during the exchange: when the
// card's status then says it is gone, the error is [ErrCardRemoved] (with the
// PC/SC code of the status query), otherwise (or when ctx is done first)
// an error without a sentinel.
func (c *Card) noResponse(ctx context.Context) error {
	for i := 0; i < removedChecks; i++ {
		st, err := c.card.Status()
		if err != nil {
			if s := sentinel(code(err)); s == ErrCardRemoved || code(err) == codeNoSmartcard {
				return &Error{Op: "transmit", Code: code(err), Err: ErrCardRemoved}
			}
			break
		}
		if st.State&scard.Present == 0 || st.State&scard.Absent != 0 {
			return &Error{Op: "transmit", Err: ErrCardRemoved}
		}
		if sleep(ctx, removedWait) != nil {
			break
		}
	}
	return &Error{Op: "transmit", Err: errNoResponse}
}

// ATR returns the card's answer to reset as read when connecting.
func (c *Card) ATR() []byte { return bytes.Clone(c.atr) }

// BeginTransaction gives this connection exclusive use of the card until
// EndTransaction, so that no other program's APDUs come in between (a
// multi-APDU read, VERIFY then PSO).
func (c *Card) BeginTransaction() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return wrap("begin transaction", c.card.BeginTransaction())
}

// EndTransaction ends a transaction, leaving the card as it is.
func (c *Card) EndTransaction() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return wrap("end transaction", c.card.EndTransaction(scard.LeaveCard))
}

// Close disconnects, leaving the card powered as it is.
func (c *Card) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.card == nil {
		return nil
	}
	err := c.card.Disconnect(scard.LeaveCard)
	c.card = nil
	if code(err) == codeRemoved {
		return nil
	}
	return wrap("disconnect", err)
}
