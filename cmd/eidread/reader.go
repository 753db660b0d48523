package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/csam-go/csam/eid"
	"github.com/csam-go/csam/eid/pcsc"
)

// openReader connects to the card in the named reader, or in the first
// reader that holds a card, and returns it with a function that releases
// it. The read runs inside a PC/SC transaction so that no other program's
// APDUs come in between. Built without cgo, package pcsc answers
// pcsc.ErrNoService saying how to rebuild, and eidread says so.
func openReader(ctx context.Context, reader string, progress io.Writer, opts *eid.Options) (*eid.Card, func(), error) {
	pc, err := pcsc.Establish()
	switch {
	case errors.Is(err, pcsc.ErrNoService):
		// The error says why: pcscd not running, or no cgo.
		return nil, nil, fmt.Errorf("%w; or read a card dump with -dump DIR", err)
	case err != nil:
		return nil, nil, err
	}
	readers := []string{reader}
	if reader == "" {
		if readers, err = pc.Readers(); err != nil {
			pc.Release()
			return nil, nil, err
		}
		if len(readers) == 0 {
			pc.Release()
			return nil, nil, errors.New("no PC/SC reader")
		}
	}
	for _, r := range readers {
		if err := ctx.Err(); err != nil {
			pc.Release()
			return nil, nil, err
		}
		card, err := pc.Connect(r)
		if errors.Is(err, pcsc.ErrNoCard) && reader == "" {
			continue
		}
		if err != nil {
			pc.Release()
			return nil, nil, err
		}
		if err := card.BeginTransaction(); err != nil {
			card.Close()
			pc.Release()
			return nil, nil, err
		}
		fmt.Fprintf(progress, "eidread: reading the card in %q\n", r)
		release := func() {
			card.EndTransaction()
			card.Close()
			pc.Release()
		}
		return eid.New(card, opts), release, nil
	}
	pc.Release()
	return nil, nil, fmt.Errorf("no card in any reader (%d readers)", len(readers))
}
