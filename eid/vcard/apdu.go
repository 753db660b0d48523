package vcard

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/rsa"
	"crypto/subtle"
	"fmt"

	"github.com/csam-go/csam/internal/pinblock"
)

// Status words used by the card (applet 1.7 and 1.8 manuals, §6).
const (
	swOK               = 0x9000
	swWrongLength      = 0x6700
	swSecurityStatus   = 0x6982
	swPINBlocked       = 0x6983
	swConditionsOfUse  = 0x6985
	swNoCurrentEF      = 0x6986
	swWrongData        = 0x6A80
	swFileNotFound     = 0x6A82
	swWrongP1P2        = 0x6A86
	swLcInconsistent   = 0x6A87
	swRefNotFound      = 0x6A88
	swWrongP1P2Offset  = 0x6B00
	swINSNotSupported  = 0x6D00
	swCLANotSupported  = 0x6E00
	swBytesRemaining   = 0x6100 // | length
	swWrongLe          = 0x6C00 // | length
	swVerifyFailedBase = 0x63C0 // | tries left
)

func sw(code int) []byte { return []byte{byte(code >> 8), byte(code)} }

func withSW(data []byte, code int) []byte {
	out := make([]byte, 0, len(data)+2)
	return append(append(out, data...), byte(code>>8), byte(code))
}

// pinBlock encodes a PIN as the card expects it in VERIFY and CHANGE
// REFERENCE DATA ([pinblock.Encode]).
func pinBlock(pin string) ([]byte, error) {
	if len(pin) < 4 || len(pin) > 12 {
		return nil, fmt.Errorf("vcard: PIN must have 4 to 12 digits, not %d", len(pin))
	}
	var b [8]byte
	if !pinblock.Encode(&b, []byte(pin)) {
		return nil, fmt.Errorf("vcard: PIN must be digits only")
	}
	return b[:], nil
}

// validPINBlock reports whether b is a well-formed PIN block.
func validPINBlock(b []byte) bool {
	if len(b) != 8 || b[0]>>4 != 2 {
		return false
	}
	n := int(b[0] & 0x0F)
	if n < 4 || n > 12 {
		return false
	}
	for i := 2; i < 16; i++ {
		v := b[i/2] >> 4
		if i%2 == 1 {
			v = b[i/2] & 0x0F
		}
		if i-2 < n {
			if v > 9 {
				return false
			}
		} else if v != 0xF {
			return false
		}
	}
	return true
}

// apdu is a parsed short command APDU. T=0 gives the card either P3 as Lc
// (with data) or as Le; a trailing Le after the data (as PC/SC hands it
// over) is accepted and ignored, as a T=0 reader would drop it.
type apdu struct {
	cla, ins, p1, p2 byte
	data             []byte
	hasData          bool
	le               int // expected length; 256 for P3 = 00 or absent
}

func parseAPDU(b []byte) (apdu, bool) {
	if len(b) < 4 {
		return apdu{}, false
	}
	a := apdu{cla: b[0], ins: b[1], p1: b[2], p2: b[3], le: 256}
	switch {
	case len(b) == 4:
	case len(b) == 5:
		if b[4] != 0 {
			a.le = int(b[4])
		}
	default:
		lc := int(b[4])
		if lc == 0 || len(b) < 5+lc || len(b) > 6+lc {
			return apdu{}, false
		}
		a.data = b[5 : 5+lc]
		a.hasData = true
		if len(b) == 6+lc && b[5+lc] != 0 {
			a.le = int(b[5+lc])
		}
	}
	return a, true
}

// process handles one command APDU; c.mu is held.
func (c *Card) process(raw []byte) []byte {
	a, ok := parseAPDU(raw)
	if !ok {
		c.st.pending = nil
		return sw(swWrongLength)
	}
	if a.ins != 0xC0 {
		c.st.pending = nil
	}
	if a.ins != 0x20 {
		c.st.sinceVerify++
	}
	switch a.cla {
	case 0x00:
		switch a.ins {
		case 0xA4:
			return c.selectFile(a)
		case 0xB0:
			return c.readBinary(a)
		case 0xC0:
			return c.getResponse(a)
		case 0x20:
			return c.verify(a)
		case 0x24:
			return c.changePIN(a)
		case 0x22:
			return c.mseSet(a)
		case 0x2A:
			return c.psoSign(a)
		case 0x88:
			if c.profile == Applet18 {
				return c.internalAuthenticate(a)
			}
			return sw(swINSNotSupported)
		case 0xE4, 0xE6:
			return sw(swCLANotSupported)
		}
		return sw(swINSNotSupported)
	case 0x80:
		switch a.ins {
		case 0xE4:
			return c.getCardData(a)
		case 0xE6:
			return c.logOff(a)
		case 0xA4, 0xB0, 0xC0, 0x20, 0x24, 0x22, 0x2A, 0x88:
			return sw(swCLANotSupported)
		}
		return sw(swINSNotSupported)
	}
	return sw(swCLANotSupported)
}

// parentOf returns the DF holding file id, or 0 if the card has no such
// file.
func (c *Card) parentOf(id uint16) uint16 {
	switch id {
	case dfMF:
		return dfMF
	case dfBelpic, dfID, fileDIR:
		return dfMF
	}
	if _, ok := c.files[id]; !ok {
		return 0
	}
	if id>>8 == 0x50 {
		return dfBelpic
	}
	if id>>8 == 0x40 {
		return dfID
	}
	return dfMF
}

func isDF(id uint16) bool { return id == dfMF || id == dfBelpic || id == dfID }

func (c *Card) exists(id uint16) bool {
	if isDF(id) {
		return true
	}
	_, ok := c.files[id]
	return ok
}

// selectFile implements SELECT FILE (applet manuals §6.3/§6.6): P1 02 by
// file identifier (the MF, the current DF, its children and its sibling
// DFs), P1 08 by absolute path (with or without the leading 3F00, as
// readers send both), P1 04 by AID. P2 must be 0C (no FCI).
func (c *Card) selectFile(a apdu) []byte {
	if a.p2 != 0x0C {
		return sw(swWrongP1P2)
	}
	if !a.hasData {
		return sw(swLcInconsistent)
	}
	setCurrent := func(id uint16) []byte {
		if isDF(id) {
			c.st.df, c.st.ef = id, 0
		} else {
			c.st.df, c.st.ef = c.parentOf(id), id
		}
		return sw(swOK)
	}
	switch a.p1 {
	case 0x02:
		if len(a.data) != 2 {
			return sw(swLcInconsistent)
		}
		id := uint16(a.data[0])<<8 | uint16(a.data[1])
		if !c.exists(id) {
			return sw(swFileNotFound)
		}
		cur := c.st.df
		par := c.parentOf(id)
		switch {
		case id == dfMF, id == cur, par == cur:
		case isDF(id) && par == c.parentOf(cur): // sibling DF
		default:
			return sw(swFileNotFound)
		}
		return setCurrent(id)
	case 0x08:
		p := a.data
		if len(p)%2 != 0 {
			return sw(swLcInconsistent)
		}
		if len(p) >= 2 && p[0] == 0x3F && p[1] == 0x00 {
			p = p[2:]
		}
		at := uint16(dfMF)
		for i := 0; i < len(p); i += 2 {
			if !isDF(at) {
				return sw(swFileNotFound)
			}
			id := uint16(p[i])<<8 | uint16(p[i+1])
			if id == dfMF || !c.exists(id) || c.parentOf(id) != at {
				return sw(swFileNotFound)
			}
			at = id
		}
		return setCurrent(at)
	case 0x04:
		switch {
		case bytes.Equal(a.data, aidApplet):
			return setCurrent(dfMF)
		case bytes.Equal(a.data, aidBelpic):
			return setCurrent(dfBelpic)
		case bytes.Equal(a.data, aidID):
			return setCurrent(dfID)
		}
		return sw(swFileNotFound)
	}
	return sw(swWrongP1P2)
}

// readBinary implements READ BINARY: 6B00 for an offset at or past the end
// of the file, 6Cxx when Le asks for more than is left (xx bytes are).
func (c *Card) readBinary(a apdu) []byte {
	if a.hasData {
		return sw(swWrongLength)
	}
	if a.p1&0x80 != 0 {
		return sw(swWrongP1P2Offset)
	}
	if c.st.ef == 0 {
		return sw(swNoCurrentEF)
	}
	f := c.files[c.st.ef]
	off := int(a.p1)<<8 | int(a.p2)
	if off >= len(f) {
		return sw(swWrongP1P2Offset)
	}
	left := len(f) - off
	if a.le > left {
		return sw(swWrongLe | left)
	}
	return withSW(f[off:off+a.le], swOK)
}

// getResponse returns data left by a case-4 command (61xx).
func (c *Card) getResponse(a apdu) []byte {
	if a.p1 != 0 || a.p2 != 0 {
		return sw(swWrongP1P2Offset)
	}
	if a.hasData {
		return sw(swWrongLength)
	}
	if len(c.st.pending) == 0 {
		return sw(swConditionsOfUse)
	}
	n := len(c.st.pending)
	if a.le > n {
		return sw(swWrongLe | n) // the chaining is kept (manual §6.1 note)
	}
	out := c.st.pending[:a.le]
	rest := c.st.pending[a.le:]
	if len(rest) == 0 {
		c.st.pending = nil
		return withSW(out, swOK)
	}
	c.st.pending = rest
	return withSW(out, swBytesRemaining|lenByte(len(rest)))
}

// respond keeps data for GET RESPONSE and answers 61xx, as a T=0 card does
// for a case-4 command.
func (c *Card) respond(data []byte) []byte {
	c.st.pending = data
	return sw(swBytesRemaining | lenByte(len(data)))
}

// lenByte is a length as T=0 status words carry it: 00 for 256 or more.
func lenByte(n int) int {
	if n >= 256 {
		return 0
	}
	return n
}

func (c *Card) getCardData(a apdu) []byte {
	if a.p1 != 0 || a.hasData {
		return sw(swWrongP1P2Offset)
	}
	var d []byte
	switch {
	case a.p2 == 0:
		d = c.cardData
	case a.p2 == 1 && c.profile == Applet18:
		d = append(bytes.Clone(c.cardData), byte(c.tries), 0xFF, 0xFF)
	default:
		return sw(swWrongP1P2Offset)
	}
	if a.le != len(d) {
		return sw(swWrongLe | len(d))
	}
	return withSW(d, swOK)
}

func (c *Card) dropRights() {
	c.st.authOK = false
	c.st.verifyFresh = false
}

// settleVerify turns an unused VERIFY into the "PIN once" right of the
// authentication key once it can no longer serve a non-repudiation
// signature.
func (c *Card) settleVerify() {
	if c.st.verifyFresh {
		c.st.authOK = true
		c.st.verifyFresh = false
	}
}

func (c *Card) verify(a apdu) []byte {
	if a.p1 != 0 {
		return sw(swWrongP1P2)
	}
	if a.p2 != 0x01 {
		return sw(swRefNotFound)
	}
	if !a.hasData {
		// Lc = 0: the PIN status, no try used (manuals §6.5/§6.9).
		switch {
		case c.tries == 0:
			return sw(swPINBlocked)
		case c.st.authOK || c.st.verifyFresh:
			return sw(swOK)
		}
		return sw(swVerifyFailedBase | c.tries)
	}
	if len(a.data) != 8 {
		return sw(swWrongLength)
	}
	if c.tries == 0 {
		return sw(swPINBlocked)
	}
	if subtle.ConstantTimeCompare(a.data, c.pin) != 1 {
		c.tries--
		c.dropRights()
		return sw(swVerifyFailedBase | c.tries)
	}
	c.tries = maxTries
	c.settleVerify()
	c.st.verifyFresh = true
	c.st.sinceVerify = 0
	return sw(swOK)
}

func (c *Card) changePIN(a apdu) []byte {
	if a.p1 != 0 {
		return sw(swWrongP1P2)
	}
	if a.p2 != 0x01 {
		return sw(swRefNotFound)
	}
	if len(a.data) != 16 {
		return sw(swWrongLength)
	}
	if c.tries == 0 {
		return sw(swPINBlocked)
	}
	if !validPINBlock(a.data[8:]) {
		return sw(swWrongData)
	}
	c.dropRights()
	if subtle.ConstantTimeCompare(a.data[:8], c.pin) != 1 {
		c.tries--
		return sw(swVerifyFailedBase | c.tries)
	}
	c.pin = bytes.Clone(a.data[8:])
	c.tries = maxTries
	c.st.authOK = true
	return sw(swOK)
}

func (c *Card) logOff(a apdu) []byte {
	if a.p1 != 0 || a.p2 != 0 {
		return sw(swWrongP1P2Offset)
	}
	if a.hasData {
		return sw(swWrongLength)
	}
	c.dropRights()
	c.st.seKey, c.st.seAlg = 0, 0
	return sw(swOK)
}

// Algorithm references (applet 1.7 manual §6.2, applet 1.8 manual §6.3).
func (c *Card) validAlg(alg byte) bool {
	if c.profile == Applet17 {
		switch alg {
		case 0x01, 0x02, 0x04, 0x08, 0x10, 0x20:
			return true
		}
		return false
	}
	switch alg {
	case 0x01, 0x02, 0x04, 0x08, 0x10, 0x20, 0x40:
		return true
	}
	return false
}

func (c *Card) mseSet(a apdu) []byte {
	if a.p1 != 0x41 || a.p2 != 0xB6 {
		return sw(swWrongP1P2Offset)
	}
	if len(a.data) != 5 {
		return sw(swWrongLength)
	}
	d := a.data
	if d[0] != 0x04 || d[1] != 0x80 || d[3] != 0x84 || !c.validAlg(d[2]) {
		return sw(swWrongData)
	}
	if d[4] != 0x82 && d[4] != 0x83 {
		return sw(swWrongData)
	}
	if _, ok := c.keys[d[4]]; !ok {
		return sw(swRefNotFound)
	}
	c.st.seAlg, c.st.seKey = d[2], d[4]
	return sw(swOK)
}

// psoSign implements PSO: COMPUTE DIGITAL SIGNATURE. The authentication key
// needs the PIN once per session, the non-repudiation key a VERIFY just
// before (applet 1.7: nothing in between; applet 1.8: at most one command
// in between).
func (c *Card) psoSign(a apdu) []byte {
	if a.p1 != 0x9E || a.p2 != 0x9A {
		return sw(swWrongP1P2Offset)
	}
	if !a.hasData {
		return sw(swWrongLength)
	}
	key, ok := c.keys[c.st.seKey]
	if !ok {
		return sw(swConditionsOfUse)
	}
	window := 1 // PSO itself
	if c.profile == Applet18 {
		window = 2
	}
	switch c.st.seKey {
	case 0x83:
		fresh := c.st.verifyFresh && c.st.sinceVerify <= window
		c.settleVerifyIfStale(window)
		if !fresh {
			return sw(swSecurityStatus)
		}
		c.st.verifyFresh = false // used: a non-repudiation signature needs a new VERIFY
	default:
		c.settleVerify()
		if !c.st.authOK {
			return sw(swSecurityStatus)
		}
	}
	sig, code := c.sign(key, c.st.seAlg, a.data)
	if code != swOK {
		return sw(code)
	}
	return c.respond(sig)
}

func (c *Card) settleVerifyIfStale(window int) {
	if c.st.verifyFresh && c.st.sinceVerify > window {
		c.settleVerify()
	}
}

// DigestInfo prefixes (RFC 8017 §9.2 note 1) for the hash-only RSA
// algorithm references.
var digestInfo = map[byte]struct {
	h      crypto.Hash
	prefix []byte
}{
	0x02: {crypto.SHA1, []byte{0x30, 0x21, 0x30, 0x09, 0x06, 0x05, 0x2b, 0x0e, 0x03, 0x02, 0x1a, 0x05, 0x00, 0x04, 0x14}},
	0x04: {crypto.MD5, []byte{0x30, 0x20, 0x30, 0x0c, 0x06, 0x08, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x02, 0x05, 0x05, 0x00, 0x04, 0x10}},
	0x08: {crypto.SHA256, []byte{0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20}},
}

func (c *Card) sign(key crypto.Signer, alg byte, data []byte) ([]byte, int) {
	switch k := key.(type) {
	case *rsa.PrivateKey:
		switch alg {
		case 0x01: // PKCS#1 v1.5 padding of the data as given (a DigestInfo)
			if len(data) > k.Size()-11 {
				return nil, swWrongLength
			}
			s, err := rsa.SignPKCS1v15(nil, k, 0, data)
			if err != nil {
				return nil, swWrongData
			}
			return s, swOK
		case 0x02, 0x04, 0x08:
			di := digestInfo[alg]
			if len(data) != di.h.Size() {
				return nil, swWrongLength
			}
			s, err := rsa.SignPKCS1v15(nil, k, 0, append(bytes.Clone(di.prefix), data...))
			if err != nil {
				return nil, swWrongData
			}
			return s, swOK
		case 0x10, 0x20:
			h := crypto.SHA1
			if alg == 0x20 {
				h = crypto.SHA256
			}
			if len(data) != h.Size() {
				return nil, swWrongLength
			}
			s, err := rsa.SignPSS(rand.Reader, k, h, data, &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash})
			if err != nil {
				return nil, swWrongData
			}
			return s, swOK
		}
	case *ecdsa.PrivateKey:
		want := map[byte][]int{
			0x01: {32}, 0x02: {48}, 0x04: {64}, 0x08: {32}, 0x10: {48}, 0x20: {64},
			0x40: {20, 28, 32, 48, 64},
		}[alg]
		okLen := false
		for _, n := range want {
			okLen = okLen || len(data) == n
		}
		if !okLen {
			return nil, swWrongLength
		}
		return ecdsaRaw(k, data), swOK
	}
	return nil, swConditionsOfUse
}

// ecdsaRaw signs a hash and returns r‖s, each as long as the curve order.
func ecdsaRaw(k *ecdsa.PrivateKey, hash []byte) []byte {
	r, s, err := ecdsa.Sign(rand.Reader, k, hash)
	if err != nil {
		return nil
	}
	n := (k.Curve.Params().N.BitLen() + 7) / 8
	out := make([]byte, 2*n)
	r.FillBytes(out[:n])
	s.FillBytes(out[n:])
	return out
}

// internalAuthenticate signs a challenge with the basic key (applet 1.8
// manual §6.11): P1 02 (ECDSA SHA-384), P2 81, data 94 30 <48 bytes>.
func (c *Card) internalAuthenticate(a apdu) []byte {
	if a.p2 != 0x81 {
		return sw(swRefNotFound)
	}
	if a.p1 != 0x02 {
		return sw(swWrongP1P2Offset)
	}
	if !a.hasData {
		return sw(swWrongLength)
	}
	d := a.data
	if len(d) != 50 || d[0] != 0x94 || d[1] != 0x30 {
		return sw(swWrongData)
	}
	k, ok := c.keys[0x81].(*ecdsa.PrivateKey)
	if !ok {
		return sw(swRefNotFound)
	}
	c.st.seKey, c.st.seAlg = 0, 0
	return c.respond(ecdsaRaw(k, d[2:]))
}
