package sign

import (
	"bytes"

	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// maxBERDepth bounds the nesting of a BER input.
const maxBERDepth = 32

// berToDER re-encodes a BER input with definite lengths, and constructed
// OCTET STRINGs (the chunks of a streamed content) as primitive ones, as
// OpenSSL's -stream output and other streaming encoders need. Primitive
// values are copied as they are, so DER parts (the signed attributes, the
// certificates) keep their bytes. ok is false for input that is not BER.
func berToDER(in []byte) ([]byte, bool) {
	var b cryptobyte.Builder
	rest, ok := berElement(&b, in, 0)
	if !ok || len(rest) != 0 {
		return nil, false
	}
	out, err := b.Bytes()
	return out, err == nil
}

// berElement converts the element at the start of in and returns what
// follows it.
func berElement(b *cryptobyte.Builder, in []byte, depth int) ([]byte, bool) {
	if depth > maxBERDepth || len(in) < 2 {
		return nil, false
	}
	tag := in[0]
	if tag&0x1f == 0x1f {
		return nil, false // multi-byte tags: none in CMS
	}
	constructed := tag&0x20 != 0
	l, hdr, indefinite, ok := berLength(in[1:])
	if !ok {
		return nil, false
	}
	body := in[1+hdr:]
	if !constructed {
		if indefinite || uint64(len(body)) < l {
			return nil, false
		}
		b.AddASN1(cbasn1.Tag(tag), func(c *cryptobyte.Builder) { c.AddBytes(body[:l]) })
		return body[l:], true
	}
	var children, rest []byte
	if indefinite {
		children = body
	} else {
		if uint64(len(body)) < l {
			return nil, false
		}
		children, rest = body[:l], body[l:]
	}
	var inner cryptobyte.Builder
	octets := tag == 0x24 // constructed OCTET STRING
	var content bytes.Buffer
	for {
		if indefinite && len(children) >= 2 && children[0] == 0 && children[1] == 0 {
			rest = children[2:]
			break
		}
		if !indefinite && len(children) == 0 {
			break
		}
		if len(children) == 0 {
			return nil, false // no end-of-contents
		}
		var child cryptobyte.Builder
		next, ok := berElement(&child, children, depth+1)
		if !ok {
			return nil, false
		}
		cb, err := child.Bytes()
		if err != nil {
			return nil, false
		}
		if octets {
			s := cryptobyte.String(cb)
			var chunk cryptobyte.String
			if !s.ReadASN1(&chunk, cbasn1.OCTET_STRING) {
				return nil, false
			}
			content.Write(chunk)
		} else {
			inner.AddBytes(cb)
		}
		children = next
	}
	if octets {
		b.AddASN1OctetString(content.Bytes())
		return rest, true
	}
	ib, err := inner.Bytes()
	if err != nil {
		return nil, false
	}
	b.AddASN1(cbasn1.Tag(tag), func(c *cryptobyte.Builder) { c.AddBytes(ib) })
	return rest, true
}

// berLength reads a BER length: its value, the octets it took, and whether
// it is the indefinite form.
func berLength(in []byte) (l uint64, n int, indefinite, ok bool) {
	if len(in) == 0 {
		return 0, 0, false, false
	}
	switch first := in[0]; {
	case first < 0x80:
		return uint64(first), 1, false, true
	case first == 0x80:
		return 0, 1, true, true
	default:
		k := int(first & 0x7f)
		if k > 4 || len(in) < 1+k {
			return 0, 0, false, false
		}
		for _, c := range in[1 : 1+k] {
			l = l<<8 | uint64(c)
		}
		return l, 1 + k, false, true
	}
}
