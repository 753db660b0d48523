//go:build cgo

package pcsc

// Reader returns the name of the reader the card was connected in, for the
// tests of Connect.
func (c *Card) Reader() string { return c.reader }
