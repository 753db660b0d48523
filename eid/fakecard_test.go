package eid_test

// A small software BELPIC card for the unit tests of this package: it
// serves files with T=0 behaviour (61xx, 6Cxx, 6B00), GET CARD DATA, the
// PIN with three tries, MSE SET + PSO signatures and INTERNAL AUTHENTICATE,
// following the applet 1.7 and 1.8 reference manuals. The module's full
// virtual card is package eid/vcard; this one lets the tests here control
// the card's behaviour (select styles, short reads) and look at the APDUs.

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"sync"
	"testing"
	"time"

	"github.com/csam-go/csam/eid"
)

// fakePKI is the content of one card profile.
type fakePKI struct {
	ec       bool
	files    map[eid.FileID][]byte
	keys     map[byte]crypto.Signer // 81 basic, 82 auth, 83 signing
	root     *x509.Certificate
	ca       *x509.Certificate
	applet   byte
	identity []byte
}

var (
	pkiOnce = map[bool]*sync.Once{false: new(sync.Once), true: new(sync.Once)}
	pkis    = map[bool]*fakePKI{}
)

// fakeContent returns the (cached) content of an applet 1.7 RSA card
// (ec=false) or an applet 1.8 P-384 card (ec=true).
func fakeContent(t testing.TB, ec bool) *fakePKI {
	t.Helper()
	pkiOnce[ec].Do(func() { pkis[ec] = buildPKI(t, ec) })
	if pkis[ec] == nil {
		t.Fatal("fake card content could not be built")
	}
	return pkis[ec]
}

func newKey(t testing.TB, ec bool) crypto.Signer {
	t.Helper()
	var k crypto.Signer
	var err error
	if ec {
		k, err = ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	} else {
		k, err = rsa.GenerateKey(rand.Reader, 2048)
	}
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func makeCert(t testing.TB, tmpl, parent *x509.Certificate, pub crypto.PublicKey, signer crypto.Signer) *x509.Certificate {
	t.Helper()
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, pub, signer)
	if err != nil {
		t.Fatal(err)
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

var serial int64

func template(cn string, ca bool, usage x509.KeyUsage, ext ...x509.ExtKeyUsage) *x509.Certificate {
	serial++
	return &x509.Certificate{
		SerialNumber:          big.NewInt(serial),
		Subject:               pkix.Name{Country: []string{"BE"}, CommonName: cn},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(24 * time.Hour),
		IsCA:                  ca,
		BasicConstraintsValid: true,
		KeyUsage:              usage,
		ExtKeyUsage:           ext,
	}
}

func pad(b []byte, n int) []byte { return append(append([]byte(nil), b...), make([]byte, n)...) }

func buildPKI(t testing.TB, ec bool) *fakePKI {
	p := &fakePKI{ec: ec, files: map[eid.FileID][]byte{}, keys: map[byte]crypto.Signer{}, applet: 0x17}
	if ec {
		p.applet = 0x18
	}
	rootKey, rrnKey, caKey := newKey(t, ec), newKey(t, ec), newKey(t, ec)
	authKey, signKey := newKey(t, ec), newKey(t, ec)
	p.keys[0x82], p.keys[0x83] = authKey, signKey
	rt := template("Test Belgium Root CA", true, x509.KeyUsageCertSign)
	p.root = makeCert(t, rt, rt, rootKey.Public(), rootKey)
	rrn := makeCert(t, template("Test RRN", false, x509.KeyUsageDigitalSignature), p.root, rrnKey.Public(), rootKey)
	p.ca = makeCert(t, template("Test Citizen CA", true, x509.KeyUsageCertSign), p.root, caKey.Public(), rootKey)
	auth := makeCert(t, template("Test Holder (Authentication)", false, x509.KeyUsageDigitalSignature, x509.ExtKeyUsageClientAuth), p.ca, authKey.Public(), caKey)
	sign := makeCert(t, template("Test Holder (Signature)", false, x509.KeyUsageContentCommitment), p.ca, signKey.Public(), caKey)
	// Card content v5.4 §8: 1100 zero bytes after each certificate.
	p.files[eid.FileAuthCert] = pad(auth.Raw, 1100)
	p.files[eid.FileSigningCert] = pad(sign.Raw, 1100)
	p.files[eid.FileCACert] = pad(p.ca.Raw, 1100)
	p.files[eid.FileRootCert] = pad(p.root.Raw, 1100)
	p.files[eid.FileRRNCert] = pad(rrn.Raw, 1100)

	photo := make([]byte, 3000)
	rand.Read(photo)
	copy(photo, []byte{0xFF, 0xD8, 0xFF, 0xE0})
	copy(photo[len(photo)-2:], []byte{0xFF, 0xD9})
	p.files[eid.FilePhoto] = photo

	var photoHash []byte
	var basicHash []byte
	if ec {
		h := sha512.Sum384(photo)
		photoHash = h[:]
		bk, _ := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
		p.keys[0x81] = bk
		spki, err := x509.MarshalPKIXPublicKey(bk.Public())
		if err != nil {
			t.Fatal(err)
		}
		p.files[eid.FileBasicKey] = spki
		bh := sha512.Sum384(spki)
		basicHash = bh[:]
	} else {
		h := sha256.Sum256(photo)
		photoHash = h[:]
	}
	fields := []eid.TLV{
		{Tag: 0x01, Value: []byte("592123456789")},
		{Tag: 0x02, Value: []byte("FAKE-SERIAL-0001")},
		{Tag: 0x03, Value: []byte("01.02.2024")},
		{Tag: 0x04, Value: []byte("01.02.2034")},
		{Tag: 0x05, Value: []byte("Bruxelles")},
		{Tag: 0x06, Value: []byte("85073003328")},
		{Tag: 0x07, Value: []byte("Specimen")},
		{Tag: 0x08, Value: []byte("Test Holder")},
		{Tag: 0x09, Value: []byte("J")},
		{Tag: 0x0A, Value: []byte("Belge")},
		{Tag: 0x0B, Value: []byte("Namur")},
		{Tag: 0x0C, Value: []byte("30 JUIL 1985")},
		{Tag: 0x0D, Value: []byte("M")},
		{Tag: 0x0E, Value: nil},
		{Tag: 0x0F, Value: []byte("1")},
		{Tag: 0x10, Value: []byte("0")},
		{Tag: 0x11, Value: photoHash},
	}
	if ec {
		fields = append(fields, eid.TLV{Tag: 0x1A, Value: basicHash})
	}
	var idf []byte
	for _, f := range fields {
		idf = eid.AppendTLV(idf, f.Tag, f.Value)
	}
	p.identity = idf
	p.files[eid.FileIdentity] = idf
	addr := eid.AppendTLV(nil, 0x01, []byte("Rue de la Loi 16"))
	addr = eid.AppendTLV(addr, 0x02, []byte("1000"))
	addr = eid.AppendTLV(addr, 0x03, []byte("Bruxelles"))
	sigFile := func(data []byte) []byte {
		var sig []byte
		var err error
		if ec {
			h := sha512.Sum384(data)
			sig, err = ecdsa.SignASN1(rand.Reader, rrnKey.(*ecdsa.PrivateKey), h[:])
			sig = pad(sig, 0x70-len(sig)) // fixed-length file, zero padded (§6.2.5)
		} else {
			h := sha256.Sum256(data)
			sig, err = rsa.SignPKCS1v15(rand.Reader, rrnKey.(*rsa.PrivateKey), crypto.SHA256, h[:])
		}
		if err != nil {
			t.Fatal(err)
		}
		return sig
	}
	p.files[eid.FileIdentitySignature] = sigFile(idf)
	p.files[eid.FileAddressSignature] = sigFile(append(append([]byte(nil), addr...), p.files[eid.FileIdentitySignature]...))
	p.files[eid.FileAddress] = pad(addr, 117-len(addr))
	return p
}

// fakeCard is one card session over a fakePKI.
type fakeCard struct {
	mu  sync.Mutex
	pki *fakePKI

	// Card behaviours (short reads, SELECT modes) and faults are
	// decorators of package vcard around the virtual card; this card
	// serves the PIN, signing and integrity tests written against it.

	pin         []byte
	tries       int
	verified    bool
	sinceVerify int
	seAlg       byte
	seKey       byte
	curDF       uint16
	cur         eid.FileID
	pending     []byte
	log         [][]byte
	failNext    error
}

func newFakeCard(t testing.TB, ec bool) *fakeCard {
	return &fakeCard{pki: fakeContent(t, ec), pin: []byte("1234"), tries: 3, sinceVerify: 99}
}

func sw(s uint16) []byte { return []byte{byte(s >> 8), byte(s)} }

func (f *fakeCard) Transmit(ctx context.Context, apdu []byte) ([]byte, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.log = append(f.log, append([]byte(nil), apdu...))
	if f.failNext != nil {
		err := f.failNext
		f.failNext = nil
		return nil, err
	}
	if len(apdu) < 4 {
		return sw(0x6700), nil
	}
	ins := apdu[1]
	if ins != 0xC0 {
		f.pending = nil
	}
	if ins != 0x20 {
		f.sinceVerify++
	}
	data := apdu[min(5, len(apdu)):]
	switch {
	case ins == 0xC0:
		le := int(apdu[4])
		if le == 0 {
			le = 256
		}
		if len(f.pending) == 0 {
			return sw(0x6985), nil
		}
		if le > len(f.pending) {
			return sw(0x6C00 | uint16(len(f.pending))), nil
		}
		out := append([]byte(nil), f.pending[:le]...)
		f.pending = f.pending[le:]
		if len(f.pending) > 0 {
			return append(out, sw(0x6100|uint16(len(f.pending)&0xFF))...), nil
		}
		return append(out, sw(0x9000)...), nil
	case ins == 0xA4:
		return f.selectFile(apdu[2], data), nil
	case ins == 0xB0:
		return f.readBinary(apdu), nil
	case apdu[0] == 0x80 && ins == 0xE4:
		return f.cardData(apdu), nil
	case ins == 0x20:
		return f.verify(data), nil
	case ins == 0x24:
		if len(data) != 16 {
			return sw(0x6700), nil
		}
		r := f.verify(data[:8])
		if !bytes.Equal(r, sw(0x9000)) {
			return r, nil
		}
		n := bytes.TrimRight(bcdDigits(data[8:]), "\x00")
		f.pin = n
		return sw(0x9000), nil
	case ins == 0x22:
		if len(data) != 5 || data[1] != 0x80 || data[3] != 0x84 {
			return sw(0x6A80), nil
		}
		f.seAlg, f.seKey = data[2], data[4]
		return sw(0x9000), nil
	case ins == 0x2A:
		return f.pso(apdu[4:]), nil
	case ins == 0x88:
		return f.internalAuthenticate(apdu[2], apdu[3], data), nil
	case apdu[0] == 0x80 && ins == 0xE6:
		f.verified = false
		return sw(0x9000), nil
	}
	return sw(0x6D00), nil
}

func (f *fakeCard) respond(out []byte) []byte {
	f.pending = out
	return sw(0x6100 | uint16(len(out)&0xFF))
}

func (f *fakeCard) selectFile(p1 byte, data []byte) []byte {
	var ids []uint16
	for i := 0; i+1 < len(data); i += 2 {
		ids = append(ids, uint16(data[i])<<8|uint16(data[i+1]))
	}
	switch p1 {
	case 0x08:
		if len(ids) > 0 && ids[0] == 0x3F00 {
			ids = ids[1:]
		}
		if len(ids) != 2 || (ids[0] != 0xDF00 && ids[0] != 0xDF01) {
			return sw(0x6A82)
		}
		id := eid.FileID(ids[1])
		if _, ok := f.pki.files[id]; !ok || dfOf(id) != ids[0] {
			return sw(0x6A82)
		}
		f.curDF, f.cur = ids[0], id
		return sw(0x9000)
	case 0x02:
		if len(ids) != 1 {
			return sw(0x6A87)
		}
		switch ids[0] {
		case 0x3F00:
			f.curDF, f.cur = 0x3F00, 0
			return sw(0x9000)
		case 0xDF00, 0xDF01:
			if f.curDF != 0x3F00 && f.curDF != 0xDF00 && f.curDF != 0xDF01 {
				return sw(0x6A82)
			}
			f.curDF, f.cur = ids[0], 0
			return sw(0x9000)
		}
		id := eid.FileID(ids[0])
		if _, ok := f.pki.files[id]; !ok || dfOf(id) != f.curDF {
			return sw(0x6A82)
		}
		f.cur = id
		return sw(0x9000)
	case 0x04:
		return sw(0x9000)
	}
	return sw(0x6A86)
}

func dfOf(id eid.FileID) uint16 {
	if id&0xFF00 == 0x5000 {
		return 0xDF00
	}
	return 0xDF01
}

func (f *fakeCard) readBinary(apdu []byte) []byte {
	if len(apdu) != 5 {
		return sw(0x6700)
	}
	file, ok := f.pki.files[f.cur]
	if !ok || f.cur == 0 {
		return sw(0x6986)
	}
	off := int(apdu[2])<<8 | int(apdu[3])
	le := int(apdu[4])
	if le == 0 {
		le = 256
	}
	if off >= len(file) {
		return sw(0x6B00)
	}
	rem := len(file) - off
	if le > rem {
		return sw(0x6C00 | uint16(rem))
	}
	return append(append([]byte(nil), file[off:off+le]...), sw(0x9000)...)
}

func (f *fakeCard) cardData(apdu []byte) []byte {
	cd := make([]byte, 28)
	copy(cd, []byte("FAKE-SERIAL-0001"))
	cd[21], cd[22], cd[23], cd[27] = f.pki.applet, 0x00, 0x01, 0x0F
	want := 0x1C
	if apdu[3] == 0x01 {
		if f.pki.applet < 0x18 {
			return sw(0x6B00)
		}
		cd = append(cd, byte(f.tries), 0xFF, 0xFF)
		want = 0x1F
	}
	if len(apdu) != 5 || int(apdu[4]) != want {
		return sw(0x6C00 | uint16(want))
	}
	return append(cd, sw(0x9000)...)
}

// bcdDigits decodes a PIN block to its digits.
func bcdDigits(block []byte) []byte {
	n := int(block[0] & 0x0F)
	var out []byte
	for i := 0; i < n; i++ {
		b := block[1+i/2]
		if i%2 == 0 {
			b >>= 4
		}
		out = append(out, '0'+b&0x0F)
	}
	return out
}

func (f *fakeCard) verify(data []byte) []byte {
	if len(data) == 0 { // Lc=0: status without using a try
		switch {
		case f.verified:
			return sw(0x9000)
		case f.tries == 0:
			return sw(0x6983)
		}
		return sw(0x63C0 | uint16(f.tries))
	}
	if len(data) != 8 || data[0]>>4 != 2 {
		return sw(0x6A80)
	}
	if f.tries == 0 {
		return sw(0x6983)
	}
	if bytes.Equal(bcdDigits(data), f.pin) {
		f.tries, f.verified, f.sinceVerify = 3, true, 0
		return sw(0x9000)
	}
	f.tries--
	f.verified = false
	if f.tries == 0 {
		return sw(0x6983)
	}
	return sw(0x63C0 | uint16(f.tries))
}

func (f *fakeCard) pso(data []byte) []byte {
	if len(data) < 1 || int(data[0]) != len(data)-1 {
		return sw(0x6700)
	}
	dtbs := data[1:]
	key, ok := f.pki.keys[f.seKey]
	if !ok || f.seKey == 0x81 {
		return sw(0x6985)
	}
	// Applet 1.8 §5.1: auth key "PIN once", signing key "PIN just before"
	// (VERIFY at most one command before PSO).
	if !f.verified || (f.seKey == 0x83 && f.sinceVerify > 2) {
		return sw(0x6982)
	}
	var sig []byte
	var err error
	switch k := key.(type) {
	case *rsa.PrivateKey:
		switch f.seAlg {
		case 0x01:
			sig, err = rsa.SignPKCS1v15(rand.Reader, k, 0, dtbs)
		case 0x20:
			sig, err = rsa.SignPSS(rand.Reader, k, crypto.SHA256, dtbs, &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash})
		default:
			return sw(0x6A80)
		}
	case *ecdsa.PrivateKey:
		var r, s *big.Int
		r, s, err = ecdsa.Sign(rand.Reader, k, dtbs)
		if err == nil {
			sig = make([]byte, 96)
			r.FillBytes(sig[:48])
			s.FillBytes(sig[48:])
		}
	}
	if err != nil {
		return sw(0x6400)
	}
	if f.seKey == 0x83 {
		f.sinceVerify = 99
	}
	return f.respond(sig)
}

func (f *fakeCard) internalAuthenticate(p1, p2 byte, data []byte) []byte {
	k, ok := f.pki.keys[0x81].(*ecdsa.PrivateKey)
	if !ok || p2 != 0x81 {
		return sw(0x6A88)
	}
	if p1 != 0x02 || len(data) != 50 || data[0] != 0x94 || data[1] != 0x30 {
		return sw(0x6A80)
	}
	r, s, err := ecdsa.Sign(rand.Reader, k, data[2:])
	if err != nil {
		return sw(0x6400)
	}
	sig := make([]byte, 96)
	r.FillBytes(sig[:48])
	s.FillBytes(sig[48:])
	return f.respond(sig)
}

// countingTransport counts the APDUs sent through it, by instruction.
type countingTransport struct {
	t     eid.Transport
	total int
	byINS map[byte]int
}

func (c *countingTransport) Transmit(ctx context.Context, apdu []byte) ([]byte, error) {
	c.total++
	if c.byINS == nil {
		c.byINS = map[byte]int{}
	}
	if len(apdu) > 1 {
		c.byINS[apdu[1]]++
	}
	return c.t.Transmit(ctx, apdu)
}
