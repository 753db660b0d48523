package eid

import "fmt"

// TLV is one field of a simplified-TLV file (identity 4031, address 4033).
type TLV struct {
	Tag   byte
	Value []byte
}

// ParseTLV splits a file in the simplified TLV format of card content v5.4
// §6.1: a one-byte tag; a length of one byte for 0–254, where each leading
// FF byte adds 255 (FF x = 255+x, FF FF x = 510+x, …); the value. The data
// may be followed by zero padding, which ends the parse (a zero tag byte is
// accepted only as tag 00, the file structure version, when non-zero bytes
// follow). Values alias b. Errors match ErrMalformed.
func ParseTLV(b []byte) ([]TLV, error) {
	var out []TLV
	for i := 0; i < len(b); {
		if allZero(b[i:]) {
			break
		}
		tag := b[i]
		i++
		n := 0
		for {
			if i >= len(b) {
				return nil, fmt.Errorf("%w: TLV tag %02X: length runs past the end", ErrMalformed, tag)
			}
			l := b[i]
			i++
			n += int(l)
			if l != 0xFF {
				break
			}
		}
		if n > len(b)-i {
			return nil, fmt.Errorf("%w: TLV tag %02X: length %d runs past the end (%d bytes left)", ErrMalformed, tag, n, len(b)-i)
		}
		out = append(out, TLV{Tag: tag, Value: b[i : i+n : i+n]})
		i += n
	}
	return out, nil
}

func allZero(b []byte) bool {
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
}

// trimZeros returns b without its trailing zero bytes.
func trimZeros(b []byte) []byte {
	n := len(b)
	for n > 0 && b[n-1] == 0 {
		n--
	}
	return b[:n]
}
