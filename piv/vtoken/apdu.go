package vtoken

import (
	"bytes"
	"crypto"
	"crypto/aes"
	"crypto/cipher"
	"crypto/des"
	"crypto/ecdh"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"crypto/subtle"
	"encoding/binary"
	"math/big"
)

// Status words.
const (
	swOK               = 0x9000
	swWrongLength      = 0x6700
	swSecurityStatus   = 0x6982
	swAuthBlocked      = 0x6983
	swConditions       = 0x6985
	swWrongData        = 0x6a80
	swNotFound         = 0x6a82
	swIncorrectP1P2    = 0x6a86
	swRefNotFound      = 0x6a88
	swINSNotSupported  = 0x6d00
	swCLANotSupported  = 0x6e00
	maxShortResponse   = 256
	insVerify          = 0x20
	insChangeReference = 0x24
	insResetRetry      = 0x2c
	insGenerate        = 0x47
	insAuthenticate    = 0x87
	insSelect          = 0xa4
	insGetResponse     = 0xc0
	insGetData         = 0xcb
	insPutData         = 0xdb
	insSetMgmKey       = 0xff
	insImportKey       = 0xfe
	insGetVersion      = 0xfd
	insReset           = 0xfb
	insSetPINRetries   = 0xfa
	insAttest          = 0xf9
	insGetSerial       = 0xf8
	insGetMetadata     = 0xf7
)

// aidPIV is the PIV application identifier (a SELECT may give a prefix).
var aidPIV = []byte{0xa0, 0x00, 0x00, 0x03, 0x08, 0x00, 0x00, 0x10, 0x00, 0x01, 0x00}

// command is a parsed command APDU.
type command struct {
	cla, ins, p1, p2 byte
	data             []byte
	extended         bool
}

// parseAPDU reads a short or extended command APDU (ISO/IEC 7816-3 12.1).
func parseAPDU(b []byte) (command, bool) {
	if len(b) < 4 {
		return command{}, false
	}
	c := command{cla: b[0], ins: b[1], p1: b[2], p2: b[3]}
	body := b[4:]
	switch {
	case len(body) == 0, len(body) == 1: // case 1, case 2 short
	case body[0] != 0: // short Lc
		n := int(body[0])
		if len(body) != 1+n && len(body) != 2+n {
			return command{}, false
		}
		c.data = body[1 : 1+n]
	default: // extended
		c.extended = true
		if len(body) == 3 { // case 2 extended
			break
		}
		if len(body) < 3 {
			return command{}, false
		}
		n := int(binary.BigEndian.Uint16(body[1:3]))
		if n == 0 || (len(body) != 3+n && len(body) != 5+n) {
			return command{}, false
		}
		c.data = body[3 : 3+n]
	}
	return c, true
}

func sw(code int) []byte { return []byte{byte(code >> 8), byte(code)} }

// respond returns data and 9000, or the first 256 bytes and 61xx with the
// rest kept for GET RESPONSE (extended commands get it all at once).
func (t *Token) respond(data []byte, extended bool) []byte {
	if extended || len(data) <= maxShortResponse {
		return append(bytes.Clone(data), 0x90, 0x00)
	}
	t.st.pending = bytes.Clone(data[maxShortResponse:])
	rest := len(t.st.pending)
	if rest > 0xff {
		rest = 0 // 6100: 256 bytes or more
	}
	return append(bytes.Clone(data[:maxShortResponse]), 0x61, byte(rest))
}

func (t *Token) process(raw []byte) []byte {
	c, ok := parseAPDU(raw)
	if !ok {
		return sw(swWrongLength)
	}
	if c.cla&^0x10 != 0 {
		return sw(swCLANotSupported)
	}
	if c.ins == insGetResponse {
		p := t.st.pending
		t.st.pending = nil
		if p == nil {
			return sw(swConditions)
		}
		return t.respond(p, false)
	}
	t.st.pending = nil
	// Command chaining (ISO/IEC 7816-4 5.1.1).
	if c.cla&0x10 != 0 {
		if t.st.chain != nil && t.st.chainINS != c.ins {
			t.st.chain = nil
		}
		if len(t.st.chain)+len(c.data) > 0xffff {
			t.st.chain = nil
			return sw(swWrongLength)
		}
		t.st.chainINS = c.ins
		t.st.chain = append(t.st.chain, c.data...)
		if t.st.chain == nil {
			t.st.chain = []byte{}
		}
		return sw(swOK)
	}
	if t.st.chain != nil {
		if t.st.chainINS == c.ins {
			c.data = append(t.st.chain, c.data...)
		}
		t.st.chain = nil
	}
	if c.ins == insSelect {
		return t.selectApp(c)
	}
	if !t.st.selected {
		return sw(swINSNotSupported)
	}
	data, code := t.dispatch(c)
	if code != swOK {
		return sw(code)
	}
	return t.respond(data, c.extended)
}

func (t *Token) selectApp(c command) []byte {
	if c.p1 != 0x04 || len(c.data) < 5 || !bytes.HasPrefix(aidPIV, c.data) {
		t.st.selected = false
		return sw(swNotFound)
	}
	t.st.selected = true
	// Application property template (SP 800-73-4 part 2 3.1.1).
	apt := mkTLV(0x4f, []byte{0x00, 0x00, 0x10, 0x00, 0x01, 0x00})
	apt = appendTLV(apt, 0x79, mkTLV(0x4f, aidPIV[:5]))
	return t.respond(mkTLV(0x61, apt), false)
}

func (t *Token) dispatch(c command) ([]byte, int) {
	switch c.ins {
	case insGetVersion:
		return t.version[:], swOK
	case insGetSerial:
		return binary.BigEndian.AppendUint32(nil, t.serial), swOK
	case insVerify:
		return nil, t.verify(c)
	case insChangeReference:
		return nil, t.changeReference(c)
	case insResetRetry:
		return nil, t.resetRetry(c)
	case insGetData:
		return t.getData(c)
	case insPutData:
		return nil, t.putData(c)
	case insGenerate:
		return t.generateKey(c)
	case insAuthenticate:
		return t.authenticate(c)
	case insAttest:
		return t.attestSlot(c)
	case insGetMetadata:
		return t.metadata(c)
	case insSetMgmKey:
		return nil, t.setMgmKey(c)
	case insReset:
		if t.pinTries != 0 || t.pukTries != 0 {
			return nil, swConditions
		}
		t.factoryLocked()
		t.st.selected = true
		return nil, swOK
	case insSetPINRetries:
		if !t.st.mgmOK || !t.st.pinOK {
			return nil, swSecurityStatus
		}
		if c.p1 == 0 || c.p2 == 0 || c.p1 > 15 || c.p2 > 15 {
			return nil, swIncorrectP1P2
		}
		t.pinMax, t.pukMax = int(c.p1), int(c.p2)
		t.pinTries, t.pukTries = t.pinMax, t.pukMax
		t.pin, _ = pinBlock(DefaultPIN)
		t.puk, _ = pinBlock(DefaultPUK)
		return nil, swOK
	}
	return nil, swINSNotSupported
}

// checkRef compares a reference data block against ref with its retry
// counter, returning 9000, 63Cx or 6983.
func checkRef(ref, given []byte, tries *int) int {
	if *tries == 0 {
		return swAuthBlocked
	}
	if len(given) != 8 || subtle.ConstantTimeCompare(ref, given) != 1 {
		*tries--
		if *tries == 0 {
			return swAuthBlocked
		}
		return 0x63c0 | *tries
	}
	return swOK
}

func validNew(b []byte) bool {
	if len(b) != 8 {
		return false
	}
	n := bytes.IndexByte(b, 0xff)
	if n < 0 {
		n = 8
	}
	for _, x := range b[n:] {
		if x != 0xff {
			return false
		}
	}
	return n >= 6
}

func (t *Token) verify(c command) int {
	if c.p2 != 0x80 {
		return swRefNotFound
	}
	if c.p1 == 0xff {
		t.st.pinOK, t.st.pinFresh = false, false
		return swOK
	}
	if len(c.data) == 0 {
		if t.pinTries == 0 {
			return swAuthBlocked
		}
		if t.st.pinOK {
			return swOK
		}
		return 0x63c0 | t.pinTries
	}
	t.st.pinOK, t.st.pinFresh = false, false
	code := checkRef(t.pin, c.data, &t.pinTries)
	if code == swOK {
		t.pinTries = t.pinMax
		t.st.pinOK, t.st.pinFresh = true, true
	}
	return code
}

func (t *Token) changeReference(c command) int {
	var ref *[]byte
	var tries *int
	var maxTries int
	switch c.p2 {
	case 0x80:
		ref, tries, maxTries = &t.pin, &t.pinTries, t.pinMax
	case 0x81:
		ref, tries, maxTries = &t.puk, &t.pukTries, t.pukMax
	default:
		return swRefNotFound
	}
	if len(c.data) != 16 {
		return swWrongData
	}
	if code := checkRef(*ref, c.data[:8], tries); code != swOK {
		if c.p2 == 0x80 {
			t.st.pinOK, t.st.pinFresh = false, false
		}
		return code
	}
	*tries = maxTries
	if !validNew(c.data[8:]) {
		return swWrongData
	}
	*ref = bytes.Clone(c.data[8:])
	if c.p2 == 0x80 {
		t.st.pinOK, t.st.pinFresh = true, true
	}
	return swOK
}

func (t *Token) resetRetry(c command) int {
	if c.p2 != 0x80 {
		return swRefNotFound
	}
	if len(c.data) != 16 {
		return swWrongData
	}
	if code := checkRef(t.puk, c.data[:8], &t.pukTries); code != swOK {
		return code
	}
	t.pukTries = t.pukMax
	if !validNew(c.data[8:]) {
		return swWrongData
	}
	t.pin = bytes.Clone(c.data[8:])
	t.pinTries = t.pinMax
	return swOK
}

// objectTag reads the tag list of GET DATA and PUT DATA (5C).
func objectTag(ts []tlv) (uint32, bool) {
	v, ok := find(ts, 0x5c)
	if !ok || len(v) == 0 || len(v) > 3 {
		return 0, false
	}
	var tag uint32
	for _, b := range v {
		tag = tag<<8 | uint32(b)
	}
	return tag, true
}

func (t *Token) getData(c command) ([]byte, int) {
	if c.p1 != 0x3f || c.p2 != 0xff {
		return nil, swIncorrectP1P2
	}
	ts, err := parseTLVs(c.data)
	if err != nil {
		return nil, swWrongData
	}
	tag, ok := objectTag(ts)
	if !ok {
		return nil, swWrongData
	}
	if tag == objDiscovery {
		d := mkTLV(0x4f, aidPIV)
		d = appendTLV(d, 0x5f2f, []byte{0x40, 0x00})
		return mkTLV(0x7e, d), swOK
	}
	if tag == objPrinted && !t.st.pinOK {
		return nil, swSecurityStatus
	}
	obj, ok := t.objects[tag]
	if !ok {
		return nil, swNotFound
	}
	return mkTLV(0x53, obj), swOK
}

func (t *Token) putData(c command) int {
	if c.p1 != 0x3f || c.p2 != 0xff {
		return swIncorrectP1P2
	}
	if !t.st.mgmOK {
		return swSecurityStatus
	}
	ts, err := parseTLVs(c.data)
	if err != nil {
		return swWrongData
	}
	tag, ok := objectTag(ts)
	if !ok || tag>>16 != 0x5f {
		return swWrongData
	}
	v, ok := find(ts, 0x53)
	if !ok {
		return swWrongData
	}
	if len(v) == 0 {
		delete(t.objects, tag)
		return swOK
	}
	t.objects[tag] = bytes.Clone(v)
	return swOK
}

// publicTLV encodes a public key as GENERATE ASYMMETRIC KEY PAIR and GET
// METADATA return it (inside 7F49 for the former).
func publicTLV(k *slotKey) []byte {
	switch p := k.public().(type) {
	case *rsa.PublicKey:
		b := mkTLV(0x81, p.N.Bytes())
		return appendTLV(b, 0x82, big.NewInt(int64(p.E)).Bytes())
	case *ecdsa.PublicKey:
		pt, _ := p.Bytes()
		return mkTLV(0x86, pt)
	case ed25519.PublicKey:
		return mkTLV(0x86, p)
	case *ecdh.PublicKey:
		return mkTLV(0x86, p.Bytes())
	}
	return nil
}

func validKeySlot(s byte) bool {
	_, ok := slotObjects[s]
	return ok
}

func defaultPINPolicy(slot byte) byte {
	switch slot {
	case 0x9c:
		return PINPolicyAlways
	case 0x9e:
		return PINPolicyNever
	}
	return PINPolicyOnce
}

func (t *Token) generateKey(c command) ([]byte, int) {
	if !t.st.mgmOK {
		return nil, swSecurityStatus
	}
	if !validKeySlot(c.p2) {
		return nil, swIncorrectP1P2
	}
	ts, err := parseTLVs(c.data)
	if err != nil {
		return nil, swWrongData
	}
	tmpl, ok := find(ts, 0xac)
	if !ok {
		return nil, swWrongData
	}
	inner, err := parseTLVs(tmpl)
	if err != nil {
		return nil, swWrongData
	}
	alg, ok := find(inner, 0x80)
	if !ok || len(alg) != 1 {
		return nil, swWrongData
	}
	pp, tp := defaultPINPolicy(c.p2), byte(TouchPolicyNever)
	if v, ok := find(inner, 0xaa); ok {
		if len(v) != 1 || v[0] > PINPolicyAlways {
			return nil, swWrongData
		}
		if v[0] != 0 {
			pp = v[0]
		}
	}
	if v, ok := find(inner, 0xab); ok {
		if len(v) != 1 || v[0] > TouchPolicyCached {
			return nil, swWrongData
		}
		if v[0] != 0 {
			tp = v[0]
		}
	}
	k, err := generate(alg[0])
	if err != nil {
		return nil, swWrongData
	}
	k.pinPolicy, k.touchPolicy, k.origin = pp, tp, originGenerated
	t.keys[c.p2] = k
	return mkTLV(0x7f49, publicTLV(k)), swOK
}

func (t *Token) mgmCipher() (cipher.Block, error) {
	if t.mgmAlg == alg3DES {
		return des.NewTripleDESCipher(t.mgmKey)
	}
	return aes.NewCipher(t.mgmKey)
}

func (t *Token) authenticate(c command) ([]byte, int) {
	ts, err := parseTLVs(c.data)
	if err != nil {
		return nil, swWrongData
	}
	dat, ok := find(ts, 0x7c)
	if !ok {
		return nil, swWrongData
	}
	in, err := parseTLVs(dat)
	if err != nil {
		return nil, swWrongData
	}
	if c.p2 == 0x9b {
		return t.mgmAuth(c.p1, in)
	}
	k := t.keys[c.p2]
	if k == nil {
		return nil, swRefNotFound
	}
	if c.p1 != k.alg {
		return nil, swWrongData
	}
	switch k.pinPolicy {
	case PINPolicyOnce:
		if !t.st.pinOK {
			return nil, swSecurityStatus
		}
	case PINPolicyAlways:
		if !t.st.pinFresh {
			return nil, swSecurityStatus
		}
		t.st.pinFresh = false
	}
	if r, ok := find(in, 0x82); !ok || len(r) != 0 {
		return nil, swWrongData
	}
	var out []byte
	if msg, ok := find(in, 0x81); ok {
		out, ok = sign(k, msg)
		if !ok {
			return nil, swWrongData
		}
	} else if peer, ok := find(in, 0x85); ok {
		out, ok = agree(k, peer)
		if !ok {
			return nil, swWrongData
		}
	} else {
		return nil, swWrongData
	}
	return mkTLV(0x7c, mkTLV(0x82, out)), swOK
}

// sign is the private key operation of GENERAL AUTHENTICATE: raw RSA on a
// padded block, ECDSA on a digest, Ed25519 on a message.
func sign(k *slotKey, msg []byte) ([]byte, bool) {
	switch p := k.priv.(type) {
	case *rsa.PrivateKey:
		n := p.Size()
		if len(msg) != n {
			return nil, false
		}
		m := new(big.Int).SetBytes(msg)
		if m.Cmp(p.N) >= 0 {
			return nil, false
		}
		s := new(big.Int).Exp(m, p.D, p.N)
		return s.FillBytes(make([]byte, n)), true
	case *ecdsa.PrivateKey:
		if len(msg) == 0 || len(msg) > 64 {
			return nil, false
		}
		sig, err := ecdsa.SignASN1(rand.Reader, p, msg)
		return sig, err == nil
	case ed25519.PrivateKey:
		sig, err := p.Sign(nil, msg, crypto.Hash(0))
		return sig, err == nil
	}
	return nil, false
}

func agree(k *slotKey, peer []byte) ([]byte, bool) {
	var priv *ecdh.PrivateKey
	if k.x25519 != nil {
		priv = k.x25519
	} else if p, ok := k.priv.(*ecdsa.PrivateKey); ok {
		var err error
		if priv, err = p.ECDH(); err != nil {
			return nil, false
		}
	} else {
		return nil, false
	}
	pub, err := priv.Curve().NewPublicKey(peer)
	if err != nil {
		return nil, false
	}
	s, err := priv.ECDH(pub)
	return s, err == nil
}

// mgmAuth is the management key challenge-response (SP 800-73-4 part 2
// appendix A.1): a witness request, then the decrypted witness with a
// challenge for the card.
func (t *Token) mgmAuth(alg byte, in []tlv) ([]byte, int) {
	if alg != t.mgmAlg {
		return nil, swWrongData
	}
	block, err := t.mgmCipher()
	if err != nil {
		return nil, swWrongData
	}
	bs := block.BlockSize()
	w, hasW := find(in, 0x80)
	ch, hasCh := find(in, 0x81)
	switch {
	case hasW && len(w) == 0 && !hasCh:
		plain := make([]byte, bs)
		_, _ = rand.Read(plain)
		t.st.witness = plain
		t.st.mgmOK = false
		enc := make([]byte, bs)
		block.Encrypt(enc, plain)
		return mkTLV(0x7c, mkTLV(0x80, enc)), swOK
	case hasW && hasCh:
		want := t.st.witness
		t.st.witness = nil
		if want == nil || len(w) != bs || len(ch) != bs || subtle.ConstantTimeCompare(w, want) != 1 {
			t.st.mgmOK = false
			return nil, swSecurityStatus
		}
		t.st.mgmOK = true
		enc := make([]byte, bs)
		block.Encrypt(enc, ch)
		return mkTLV(0x7c, mkTLV(0x82, enc)), swOK
	}
	return nil, swWrongData
}

func (t *Token) attestSlot(c command) ([]byte, int) {
	k := t.keys[c.p1]
	if k == nil || k.origin != originGenerated {
		return nil, swWrongData
	}
	der, err := t.attest(c.p1, k)
	if err != nil {
		return nil, swWrongData
	}
	return der, swOK
}

func (t *Token) metadata(c command) ([]byte, int) {
	switch c.p2 {
	case 0x9b:
		b := mkTLV(0x01, []byte{t.mgmAlg})
		b = appendTLV(b, 0x02, []byte{0x00, TouchPolicyNever})
		def := byte(0)
		if bytes.Equal(t.mgmKey, defaultManagementKey) {
			def = 1
		}
		return appendTLV(b, 0x05, []byte{def}), swOK
	case 0x80, 0x81:
		ref, tries, maxTries, dflt := t.pin, t.pinTries, t.pinMax, DefaultPIN
		if c.p2 == 0x81 {
			ref, tries, maxTries, dflt = t.puk, t.pukTries, t.pukMax, DefaultPUK
		}
		d, _ := pinBlock(dflt)
		def := byte(0)
		if bytes.Equal(ref, d) {
			def = 1
		}
		b := mkTLV(0x01, []byte{0xff})
		b = appendTLV(b, 0x05, []byte{def})
		return appendTLV(b, 0x06, []byte{byte(maxTries), byte(tries)}), swOK
	case 0xf9:
		k := &slotKey{alg: AlgECP256, priv: t.attKey, pinPolicy: PINPolicyNever, touchPolicy: TouchPolicyNever, origin: originImported}
		return keyMetadata(k), swOK
	}
	k := t.keys[c.p2]
	if k == nil {
		if validKeySlot(c.p2) {
			return nil, swRefNotFound
		}
		return nil, swIncorrectP1P2
	}
	return keyMetadata(k), swOK
}

func keyMetadata(k *slotKey) []byte {
	b := mkTLV(0x01, []byte{k.alg})
	b = appendTLV(b, 0x02, []byte{k.pinPolicy, k.touchPolicy})
	b = appendTLV(b, 0x03, []byte{k.origin})
	return appendTLV(b, 0x04, publicTLV(k))
}

func (t *Token) setMgmKey(c command) int {
	if c.p1 != 0xff || (c.p2 != 0xff && c.p2 != 0xfe) {
		return swIncorrectP1P2
	}
	if !t.st.mgmOK {
		return swSecurityStatus
	}
	if len(c.data) < 3 || c.data[1] != 0x9b || int(c.data[2]) != len(c.data)-3 {
		return swWrongData
	}
	alg, key := c.data[0], c.data[3:]
	want := map[byte]int{alg3DES: 24, algAES128: 16, algAES192: 24, algAES256: 32}[alg]
	if want == 0 || len(key) != want {
		return swWrongData
	}
	t.mgmAlg, t.mgmKey = alg, bytes.Clone(key)
	return swOK
}
