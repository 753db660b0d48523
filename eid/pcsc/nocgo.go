//go:build !cgo

package pcsc

import (
	"context"
	"fmt"
)

// Context is a PC/SC context. Without cgo it cannot be established.
type Context struct{}

// Card is a connection to a card. Without cgo there is none.
type Card struct{}

var errNoCgo = fmt.Errorf("%w: built without cgo: PC/SC needs cgo and libpcsclite; rebuild with CGO_ENABLED=1", ErrNoService)

func noCgo(op string) error { return &Error{Op: op, Err: errNoCgo} }

// Establish returns an error matching [ErrNoService]: the module was
// built without cgo.
func Establish() (*Context, error) { return nil, noCgo("establish") }

// Release does nothing.
func (c *Context) Release() error { return nil }

// Readers returns an error matching [ErrNoService].
func (c *Context) Readers() ([]string, error) { return nil, noCgo("list readers") }

// WaitForCard returns an error matching [ErrNoService].
func (c *Context) WaitForCard(ctx context.Context, reader string) (string, error) {
	return "", noCgo("wait")
}

// WaitForRemoval returns an error matching [ErrNoService].
func (c *Context) WaitForRemoval(ctx context.Context, reader string) error { return noCgo("wait") }

// Connect returns an error matching [ErrNoService].
func (c *Context) Connect(reader string) (*Card, error) { return nil, noCgo("connect") }

// Transmit returns an error matching [ErrNoService].
func (c *Card) Transmit(ctx context.Context, apdu []byte) ([]byte, error) {
	return nil, noCgo("transmit")
}

// ATR returns nil.
func (c *Card) ATR() []byte { return nil }

// BeginTransaction returns an error matching [ErrNoService].
func (c *Card) BeginTransaction() error { return noCgo("begin transaction") }

// EndTransaction returns an error matching [ErrNoService].
func (c *Card) EndTransaction() error { return noCgo("end transaction") }

// Close does nothing.
func (c *Card) Close() error { return nil }
