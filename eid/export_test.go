package eid

// Names the external tests of this package use and users do not need.

// AppendTLV appends one field in the simplified TLV format of card content
// v5.4 §6.1 to dst.
func AppendTLV(dst []byte, tag byte, value []byte) []byte {
	dst = append(dst, tag)
	n := len(value)
	for n >= 0xFF {
		dst = append(dst, 0xFF)
		n -= 0xFF
	}
	dst = append(dst, byte(n))
	return append(dst, value...)
}

// APDUCount returns the number of command APDUs the card sent so far
// (GET RESPONSE and resent commands included).
func (c *Card) APDUCount() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.apdus
}
