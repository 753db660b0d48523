package vcard

import (
	"context"
	"fmt"

	"github.com/csam-go/csam/internal/vpcd"
)

// VPCDOptions tune ServeVPCDWith.
type VPCDOptions struct {
	// NoQuickAck leaves TCP_QUICKACK off. vpcd sends the length and the
	// payload of a frame in two writes; with delayed acknowledgements each
	// APDU then waits for the peer's delayed-ACK timer (about 40 ms).
	// Only useful to measure that effect.
	NoQuickAck bool
}

// ServeVPCD attaches the card to a vpcd reader (vsmartcard's virtual
// reader driver for pcscd): it connects to addr (e.g. "127.0.0.1:35963",
// reader "Virtual PCD 00 00") and answers vpcd's frames until ctx is done,
// the card is removed (Remove, RemoveAfter) or vpcd closes the connection.
// Closing the connection is a card removal for pcscd. It returns nil when
// ctx is done or the card was removed.
func (c *Card) ServeVPCD(ctx context.Context, addr string) error {
	return c.ServeVPCDWith(ctx, addr, VPCDOptions{})
}

// ServeVPCDWith is ServeVPCD with options.
func (c *Card) ServeVPCDWith(ctx context.Context, addr string, o VPCDOptions) error {
	if err := vpcd.Serve(ctx, addr, vpcdCard{c}, vpcd.Options{NoQuickAck: o.NoQuickAck}); err != nil {
		return fmt.Errorf("vcard: %w", err)
	}
	return nil
}

// vpcdCard is the card as package vpcd serves it.
type vpcdCard struct{ *Card }

func (c vpcdCard) Removed() (bool, <-chan struct{}) { return c.removedChan() }
