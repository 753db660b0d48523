package eid

// Names the external tests of this package use and users do not need.

// AppendTLV appends one field in the simplified TLV format.
func AppendTLV(dst []byte, tag byte, value []byte) []byte { return appendTLV(dst, tag, value) }

// APDUCount returns the number of command APDUs the card sent so far.
func (c *Card) APDUCount() int { return c.apduCount() }
