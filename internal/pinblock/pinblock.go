// Package pinblock encodes the cardholder PIN of a Belgian eID card the way
// VERIFY and CHANGE REFERENCE DATA carry it and the card stores it (card
// content v5.4 §5.3.3 AODF, applet manuals §3.2): the format nibble 2, the
// number of digits (4 to 12), the digits in BCD, F padding to 8 bytes.
//
// Package eid sends it and the virtual card (eid/vcard) checks it; neither
// imports the other, so the encoding lives here once.
package pinblock

// Encode writes the PIN block of pin into dst: "1234" gives
// 24 12 34 FF FF FF FF FF. It reports false, leaving dst unspecified,
// unless pin is 4 to 12 decimal digits.
func Encode(dst *[8]byte, pin []byte) bool {
	if len(pin) < 4 || len(pin) > 12 {
		return false
	}
	for _, d := range pin {
		if d < '0' || d > '9' {
			return false
		}
	}
	for i := range dst {
		dst[i] = 0xFF
	}
	dst[0] = 0x20 | byte(len(pin))
	for i, d := range pin {
		b := &dst[1+i/2]
		if i%2 == 0 {
			*b = (d-'0')<<4 | 0x0F
		} else {
			*b = *b&0xF0 | (d - '0')
		}
	}
	return true
}
