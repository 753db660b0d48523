//go:build !cgo

package pcsc

import "context"

// Context is a PC/SC context. Without cgo it cannot be established.
type Context struct{}

// Card is a connection to a card. Without cgo there is none.
type Card struct{}

func noCgo(op string) error { return &Error{Op: op, Err: ErrNoCgo} }

// Establish returns ErrNoCgo: the module was built without cgo.
func Establish() (*Context, error) { return nil, noCgo("establish") }

// Release does nothing.
func (c *Context) Release() error { return nil }

// Readers returns ErrNoCgo.
func (c *Context) Readers() ([]string, error) { return nil, noCgo("list readers") }

// WaitForCard returns ErrNoCgo.
func (c *Context) WaitForCard(ctx context.Context, reader string) (string, error) {
	return "", noCgo("wait")
}

// WaitForRemoval returns ErrNoCgo.
func (c *Context) WaitForRemoval(ctx context.Context, reader string) error { return noCgo("wait") }

// Connect returns ErrNoCgo.
func (c *Context) Connect(reader string) (*Card, error) { return nil, noCgo("connect") }

// Transmit returns ErrNoCgo.
func (c *Card) Transmit(ctx context.Context, apdu []byte) ([]byte, error) {
	return nil, noCgo("transmit")
}

// ATR returns nil.
func (c *Card) ATR() []byte { return nil }

// Reader returns "".
func (c *Card) Reader() string { return "" }

// BeginTransaction returns ErrNoCgo.
func (c *Card) BeginTransaction() error { return noCgo("begin transaction") }

// EndTransaction returns ErrNoCgo.
func (c *Card) EndTransaction() error { return noCgo("end transaction") }

// Close does nothing.
func (c *Card) Close() error { return nil }
