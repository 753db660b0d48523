package main

import (
	"context"
	"errors"
	"io"

	"github.com/csam-go/csam/eid"
)

// openReader connects to the card in the named reader (or the first reader
// holding a card) and returns it with a function that releases it. The PC/SC
// transport (package eid/pcsc) is not part of this build yet: use -dump.
func openReader(ctx context.Context, reader string, progress io.Writer, opts *eid.Options) (*eid.Card, func(), error) {
	return nil, nil, errors.New("reading a card through a PC/SC reader needs the PC/SC transport (package eid/pcsc), not in this build; use -dump DIR")
}
