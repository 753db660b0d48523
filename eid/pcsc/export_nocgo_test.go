//go:build !cgo

package pcsc

// Reader returns "": without cgo there is no card.
func (c *Card) Reader() string { return "" }
