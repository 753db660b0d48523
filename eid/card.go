package eid

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
)

// Options configure a Card. The zero value is a valid default.
type Options struct {
	// Logger receives debug records of the commands sent (command name and
	// status word; never data, never a PIN). Nil: no logging.
	Logger *slog.Logger
	// Progress, when set, is called before each file is read from the card
	// (not for files served from the cache), e.g. to show progress of the
	// slow photo read.
	Progress func(id FileID)
}

// Card is a Belgian eID card (BELPIC applet 1.1 to 1.8) reached through a
// Transport. Files are read once per Card and kept; CardData is asked once.
// A Card is safe for concurrent use: commands are serialised.
//
// A Card is a Source, so ReadContents and Verify take it as they take a
// Dump.
type Card struct {
	t    Transport
	opts Options

	mu       sync.Mutex
	apdus    int
	mode     selectMode
	curDF    uint16
	files    map[FileID][]byte
	cardData *CardData
}

// New returns a Card on transport t. It sends nothing to the card.
func New(t Transport, opts *Options) *Card {
	c := &Card{t: t, files: make(map[FileID][]byte)}
	if opts != nil {
		c.opts = *opts
	}
	return c
}

func (c *Card) log(ctx context.Context, cmd string, sw uint16) {
	if c.opts.Logger != nil {
		c.opts.Logger.DebugContext(ctx, "eid: apdu", "command", cmd, "sw", fmt.Sprintf("%04X", sw))
	}
}

// ReadFile returns the content of a card file, selecting it and reading it
// with READ BINARY on the first call and from the session cache after.
// Certificate files are returned trimmed to their DER length (their zero
// padding is not read); an absent certificate (all zeros) reads as an empty
// slice. The returned slice must not be modified.
//
// The whole file or an error: a certificate ends at its DER length, and an
// 6B00 or a chunk ending it sooner is an error; another file ends where the
// card answers 6B00 after a short chunk or twice in a row.
//
// Errors: *StatusError (matching ErrFileNotFound when the card has no such
// file), an error matching ErrMalformed, or the transport's error.
func (c *Card) ReadFile(ctx context.Context, id FileID) ([]byte, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if b, ok := c.files[id]; ok {
		return b, nil
	}
	if c.opts.Progress != nil {
		c.opts.Progress(id)
	}
	if err := c.selectFile(ctx, id); err != nil {
		return nil, err
	}
	b, err := c.readBinary(ctx, id)
	if err != nil {
		return nil, err
	}
	c.files[id] = b
	return b, nil
}

// forget drops the files and card data kept for the session, so that the
// next reads ask the card again.
func (c *Card) forget() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.files = make(map[FileID][]byte)
	c.cardData = nil
}

// CardData returns the card data of GET CARD DATA (applet 1.8 reference
// manual §6.14, 1.7 §6.9): serial number, applet version, life cycle. It
// asks the card once per Card (80 E4 00 00 1C) and keeps the answer. The
// PIN tries left are not part of it: see PINTriesLeft.
func (c *Card) CardData(ctx context.Context) (*CardData, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.cardData != nil {
		return c.cardData, nil
	}
	b, err := c.command(ctx, "GET CARD DATA", []byte{claProprietary, 0xE4, 0x00, 0x00, 0x1C})
	if err != nil {
		return nil, err
	}
	cd, err := ParseCardData(b)
	if err != nil {
		return nil, err
	}
	c.cardData = cd
	return cd, nil
}

// PINTriesLeft returns the tries left of the cardholder PIN without using
// a try. On applet 1.8 it asks GET CARD DATA with P2=01 (80 E4 00 01 1F,
// §6.14: byte 28 of the answer); on older applets, or when the card refuses
// P2=01, it sends VERIFY with Lc=0 (§6.9), which answers 63Cx, or 9000 when
// the PIN is already verified (then the tries left are reported as 3, the
// maximum of card content v5.4 §3.2, since a successful verification resets
// the counter), or 6983 when blocked (0).
func (c *Card) PINTriesLeft(ctx context.Context) (int, error) {
	cd, err := c.CardData(ctx)
	if err != nil {
		return 0, err
	}
	if cd.AppletVersion >= 0x18 {
		c.mu.Lock()
		b, err := c.command(ctx, "GET CARD DATA", []byte{claProprietary, 0xE4, 0x00, 0x01, 0x1F})
		c.mu.Unlock()
		if err == nil {
			full, perr := ParseCardData(b)
			if perr == nil && full.PINTriesLeft >= 0 && full.PINTriesLeft != 0xFF {
				return full.PINTriesLeft, nil
			}
		} else if !errors.As(err, new(*StatusError)) {
			return 0, err
		}
	}
	st, err := c.PINStatus(ctx)
	if err != nil {
		return 0, err
	}
	if st.Verified {
		return maxPINTries, nil
	}
	return st.TriesLeft, nil
}
