package vtoken

import "errors"

var errTLV = errors.New("vtoken: malformed TLV")

// tlv is one BER-TLV element as PIV uses them: a one to three byte tag and
// a definite length of up to three bytes.
type tlv struct {
	tag   uint32
	value []byte
}

// parseTLVs splits b into its top-level elements.
func parseTLVs(b []byte) ([]tlv, error) {
	var out []tlv
	for len(b) > 0 {
		tag := uint32(b[0])
		b = b[1:]
		if tag&0x1f == 0x1f {
			for i := 0; ; i++ {
				if len(b) == 0 || i == 2 {
					return nil, errTLV
				}
				tag = tag<<8 | uint32(b[0])
				more := b[0]&0x80 != 0
				b = b[1:]
				if !more {
					break
				}
			}
		}
		if len(b) == 0 {
			return nil, errTLV
		}
		n := int(b[0])
		b = b[1:]
		switch {
		case n < 0x80:
		case n == 0x81 && len(b) >= 1:
			n = int(b[0])
			b = b[1:]
		case n == 0x82 && len(b) >= 2:
			n = int(b[0])<<8 | int(b[1])
			b = b[2:]
		case n == 0x83 && len(b) >= 3:
			n = int(b[0])<<16 | int(b[1])<<8 | int(b[2])
			b = b[3:]
		default:
			return nil, errTLV
		}
		if n > len(b) {
			return nil, errTLV
		}
		out = append(out, tlv{tag: tag, value: b[:n:n]})
		b = b[n:]
	}
	return out, nil
}

// find returns the value of the first element with tag and whether it is
// there.
func find(ts []tlv, tag uint32) ([]byte, bool) {
	for _, t := range ts {
		if t.tag == tag {
			return t.value, true
		}
	}
	return nil, false
}

// appendTLV appends tag, length and value to b.
func appendTLV(b []byte, tag uint32, value []byte) []byte {
	switch {
	case tag > 0xffff:
		b = append(b, byte(tag>>16), byte(tag>>8), byte(tag))
	case tag > 0xff:
		b = append(b, byte(tag>>8), byte(tag))
	default:
		b = append(b, byte(tag))
	}
	n := len(value)
	switch {
	case n < 0x80:
		b = append(b, byte(n))
	case n < 0x100:
		b = append(b, 0x81, byte(n))
	case n < 0x10000:
		b = append(b, 0x82, byte(n>>8), byte(n))
	default:
		b = append(b, 0x83, byte(n>>16), byte(n>>8), byte(n))
	}
	return append(b, value...)
}

func mkTLV(tag uint32, value []byte) []byte { return appendTLV(nil, tag, value) }
