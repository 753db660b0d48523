package vtoken

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ecdh"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/csam-go/csam/internal/vpcd"
)

// Defaults of a new token, those of a YubiKey as it leaves the factory.
const (
	DefaultPIN = "123456"
	DefaultPUK = "12345678"
)

// defaultManagementKey is the factory management key (3DES).
var defaultManagementKey = []byte{
	1, 2, 3, 4, 5, 6, 7, 8, 1, 2, 3, 4, 5, 6, 7, 8, 1, 2, 3, 4, 5, 6, 7, 8,
}

// Management key algorithm identifiers (SP 800-78-4 table 6-2).
const (
	alg3DES   = 0x03
	algAES128 = 0x08
	algAES192 = 0x0a
	algAES256 = 0x0c
)

// Key algorithm identifiers (SP 800-78-4 table 6-2, and Yubico's Ed25519
// and X25519 values).
const (
	AlgRSA2048 = 0x07
	AlgECP256  = 0x11
	AlgECP384  = 0x14
	AlgEd25519 = 0xe0
	AlgX25519  = 0xe1
)

// PIN and touch policies (Yubico's encoding).
const (
	PINPolicyNever  = 0x01
	PINPolicyOnce   = 0x02
	PINPolicyAlways = 0x03

	TouchPolicyNever  = 0x01
	TouchPolicyAlways = 0x02
	TouchPolicyCached = 0x03
)

// Key origins as GET METADATA reports them.
const (
	originGenerated = 0x01
	originImported  = 0x02
)

// errRemoved is returned by Transmit while the token is removed (see
// Remove and RemoveAfter).
var errRemoved = errors.New("vtoken: token removed")

// Options configure New. The zero value is a factory-fresh token (default
// PIN, PUK and management key, firmware 5.7.1) with a P-256 key and a
// certificate in slot 9a.
type Options struct {
	PIN string // default DefaultPIN (6 to 8 characters)
	PUK string // default DefaultPUK
	// Serial is the device serial number (default: random, 8 digits).
	Serial uint32
	// Version is the firmware version (default 5.7.1).
	Version [3]byte
	// FormFactor as the attestation reports it (default 0x01, USB-A
	// keychain).
	FormFactor byte
	// AttestationRoot issues the device attestation certificate (default:
	// a new test root). Tokens sharing a root look like devices of one
	// maker.
	AttestationRoot *CA
	// Issuer issues the preloaded certificate of slot 9a (default: a new
	// test CA).
	Issuer *CA
	// DeviceNotAfter ends the validity of the device attestation
	// certificate (default: that of the root).
	DeviceNotAfter time.Time
	// Empty leaves slot 9a without key and certificate.
	Empty bool
	// Slot9aAlgorithm is the algorithm of the preloaded key (default
	// AlgECP256; AlgRSA2048, AlgECP384 and AlgEd25519 also work).
	Slot9aAlgorithm byte
}

type slotKey struct {
	alg         byte
	priv        crypto.Signer // *rsa.PrivateKey, *ecdsa.PrivateKey, ed25519.PrivateKey
	x25519      *ecdh.PrivateKey
	pinPolicy   byte
	touchPolicy byte
	origin      byte
}

func (k *slotKey) public() crypto.PublicKey {
	if k.x25519 != nil {
		return k.x25519.PublicKey()
	}
	return k.priv.Public()
}

// Token is a virtual PIV token. Its methods are safe for concurrent use;
// APDUs are processed one at a time.
type Token struct {
	atr        []byte
	version    [3]byte
	serial     uint32
	formFactor byte
	root       *CA
	issuer     *CA
	attKey     crypto.Signer
	attCert    *x509.Certificate

	mu                 sync.Mutex
	keys               map[byte]*slotKey
	objects            map[uint32][]byte
	pin, puk           []byte // 8-byte blocks padded with FF
	pinTries, pukTries int
	pinMax, pukMax     int
	mgmAlg             byte
	mgmKey             []byte

	removed     bool
	removeAfter int
	apdus       int
	changed     chan struct{}
	st          state
}

// state is what a power cycle resets.
type state struct {
	selected bool
	pinOK    bool
	pinFresh bool // VERIFY succeeded and no PIN-always key used since
	mgmOK    bool
	witness  []byte // management key witness awaiting the answer
	chainINS byte
	chain    []byte // command chaining data so far
	pending  []byte // response data waiting for GET RESPONSE
}

// atrYubiKey5 is the ATR of a YubiKey 5 (CCID, T=1).
var atrYubiKey5 = []byte{
	0x3b, 0xfd, 0x13, 0x00, 0x00, 0x81, 0x31, 0xfe, 0x15, 0x80, 0x73, 0xc0,
	0x21, 0xc0, 0x57, 0x59, 0x75, 0x62, 0x69, 0x4b, 0x65, 0x79, 0x40,
}

// New makes a virtual token.
func New(o Options) (*Token, error) {
	t := &Token{
		atr:        bytes.Clone(atrYubiKey5),
		version:    o.Version,
		serial:     o.Serial,
		formFactor: o.FormFactor,
		root:       o.AttestationRoot,
		issuer:     o.Issuer,
		changed:    make(chan struct{}),
	}
	if t.version == [3]byte{} {
		t.version = [3]byte{5, 7, 1}
	}
	if t.formFactor == 0 {
		t.formFactor = 0x01
	}
	if t.serial == 0 {
		var b [4]byte
		_, _ = rand.Read(b[:])
		t.serial = 10_000_000 + (uint32(b[0])<<24|uint32(b[1])<<16|uint32(b[2])<<8|uint32(b[3]))%89_999_999
	}
	var err error
	if t.root == nil {
		if t.root, err = NewCA("csam test PIV attestation root"); err != nil {
			return nil, err
		}
	}
	if t.issuer == nil {
		if t.issuer, err = NewCA("csam test PIV issuing CA"); err != nil {
			return nil, err
		}
	}
	ak, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	t.attKey = ak
	notAfter := t.root.Cert.NotAfter
	if !o.DeviceNotAfter.IsZero() {
		notAfter = o.DeviceNotAfter
	}
	notBefore := t.root.Cert.NotBefore
	if notBefore.After(notAfter) {
		notBefore = notAfter.Add(-time.Hour)
	}
	if t.attCert, err = deviceCert(t.root, ak, t.version, notBefore, notAfter); err != nil {
		return nil, err
	}
	pin, puk := o.PIN, o.PUK
	if pin == "" {
		pin = DefaultPIN
	}
	if puk == "" {
		puk = DefaultPUK
	}
	if t.pin, err = pinBlock(pin); err != nil {
		return nil, err
	}
	if t.puk, err = pinBlock(puk); err != nil {
		return nil, err
	}
	t.factoryLocked()
	t.pin, _ = pinBlock(pin)
	t.puk, _ = pinBlock(puk)
	if !o.Empty {
		alg := o.Slot9aAlgorithm
		if alg == 0 {
			alg = AlgECP256
		}
		if err := t.preload(0x9a, alg); err != nil {
			return nil, err
		}
	}
	return t, nil
}

// factoryLocked resets keys, objects, PIN, PUK and management key (the
// attestation key and certificate stay).
func (t *Token) factoryLocked() {
	t.keys = map[byte]*slotKey{}
	t.objects = map[uint32][]byte{
		objAttestation: certObject(t.attCert.Raw),
	}
	t.pin, _ = pinBlock(DefaultPIN)
	t.puk, _ = pinBlock(DefaultPUK)
	t.pinMax, t.pukMax = 3, 3
	t.pinTries, t.pukTries = 3, 3
	t.mgmAlg = alg3DES
	t.mgmKey = bytes.Clone(defaultManagementKey)
	t.st = state{}
}

// preload generates a key in slot with a certificate from the issuer, and
// writes a CHUID and a CCC, as an enrolment tool would.
func (t *Token) preload(slot byte, alg byte) error {
	k, err := generate(alg)
	if err != nil {
		return err
	}
	k.pinPolicy, k.touchPolicy, k.origin = PINPolicyOnce, TouchPolicyNever, originGenerated
	cert, err := t.issuer.Issue(&x509.Certificate{
		Subject:     pkix.Name{CommonName: fmt.Sprintf("Virtual PIV token %d", t.serial), Organization: []string{"csam test"}},
		KeyUsage:    x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	}, k.public())
	if err != nil {
		return err
	}
	t.keys[slot] = k
	t.objects[slotObjects[slot]] = certObject(cert.Raw)
	t.objects[objCHUID] = chuid()
	t.objects[objCCC] = ccc()
	return nil
}

// Object tags (SP 800-73-4 part 1 table 3, and Yubico's attestation
// certificate object).
const (
	objCCC         = 0x5fc107
	objCHUID       = 0x5fc102
	objPrinted     = 0x5fc109
	objDiscovery   = 0x7e
	objAttestation = 0x5fff01
)

// slotObjects maps key references to their certificate objects.
var slotObjects = map[byte]uint32{
	0x9a: 0x5fc105, 0x9c: 0x5fc10a, 0x9d: 0x5fc10b, 0x9e: 0x5fc101,
	0x82: 0x5fc10d, 0x83: 0x5fc10e, 0x84: 0x5fc10f, 0x85: 0x5fc110,
	0x86: 0x5fc111, 0x87: 0x5fc112, 0x88: 0x5fc113, 0x89: 0x5fc114,
	0x8a: 0x5fc115, 0x8b: 0x5fc116, 0x8c: 0x5fc117, 0x8d: 0x5fc118,
	0x8e: 0x5fc119, 0x8f: 0x5fc11a, 0x90: 0x5fc11b, 0x91: 0x5fc11c,
	0x92: 0x5fc11d, 0x93: 0x5fc11e, 0x94: 0x5fc11f, 0x95: 0x5fc120,
}

// certObject is the content of a certificate object: certificate,
// CertInfo (not compressed) and error detection code.
func certObject(der []byte) []byte {
	b := mkTLV(0x70, der)
	b = appendTLV(b, 0x71, []byte{0})
	return appendTLV(b, 0xfe, nil)
}

// chuid is a CHUID with the FASC-N and expiry date yubico-piv-tool writes
// and a random GUID.
func chuid() []byte {
	b := []byte{0x30, 0x19, 0xd4, 0xe7, 0x39, 0xda, 0x73, 0x9c, 0xed, 0x39, 0xce, 0x73, 0x9d,
		0x83, 0x68, 0x58, 0x21, 0x08, 0x42, 0x10, 0x84, 0x21, 0xc8, 0x42, 0x10, 0xc3, 0xeb}
	guid := make([]byte, 16)
	_, _ = rand.Read(guid)
	b = appendTLV(b, 0x34, guid)
	b = appendTLV(b, 0x35, []byte("20301231"))
	b = appendTLV(b, 0x3e, nil)
	return appendTLV(b, 0xfe, nil)
}

// ccc is a Card Capability Container with a random card identifier.
func ccc() []byte {
	id := append([]byte{0xa0, 0x00, 0x00, 0x01, 0x16, 0xff, 0x02}, make([]byte, 14)...)
	_, _ = rand.Read(id[7:])
	b := mkTLV(0xf0, id)
	b = appendTLV(b, 0xf1, []byte{0x21})
	b = appendTLV(b, 0xf2, []byte{0x21})
	b = appendTLV(b, 0xf3, nil)
	b = appendTLV(b, 0xf4, []byte{0x00})
	b = appendTLV(b, 0xf5, []byte{0x10})
	for _, tag := range []uint32{0xf6, 0xf7, 0xfa, 0xfb, 0xfc, 0xfd, 0xfe} {
		b = appendTLV(b, tag, nil)
	}
	return b
}

func pinBlock(pin string) ([]byte, error) {
	if len(pin) < 6 || len(pin) > 8 {
		return nil, fmt.Errorf("vtoken: PIN or PUK of %d characters (6 to 8)", len(pin))
	}
	b := bytes.Repeat([]byte{0xff}, 8)
	copy(b, pin)
	return b, nil
}

func generate(alg byte) (*slotKey, error) {
	k := &slotKey{alg: alg}
	var err error
	switch alg {
	case AlgRSA2048:
		k.priv, err = rsa.GenerateKey(rand.Reader, 2048)
	case AlgECP256:
		k.priv, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	case AlgECP384:
		k.priv, err = ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	case AlgEd25519:
		_, k.priv, err = ed25519.GenerateKey(rand.Reader)
	case AlgX25519:
		k.x25519, err = ecdh.X25519().GenerateKey(rand.Reader)
	default:
		return nil, fmt.Errorf("vtoken: algorithm 0x%02x not supported", alg)
	}
	if err != nil {
		return nil, err
	}
	return k, nil
}

// ATR returns the token's answer to reset (that of a YubiKey 5).
func (t *Token) ATR() []byte { return bytes.Clone(t.atr) }

// Serial returns the device serial number.
func (t *Token) Serial() uint32 { return t.serial }

// AttestationRoot returns the CA that issued the device attestation
// certificate.
func (t *Token) AttestationRoot() *CA { return t.root }

// Issuer returns the CA that issued the preloaded slot 9a certificate.
func (t *Token) Issuer() *CA { return t.issuer }

// DeviceCertificate returns the device attestation certificate (object
// 5FFF01).
func (t *Token) DeviceCertificate() *x509.Certificate { return t.attCert }

// SlotCertificate returns the certificate stored for a slot (nil if none
// or not a certificate).
func (t *Token) SlotCertificate(slot byte) *x509.Certificate {
	t.mu.Lock()
	defer t.mu.Unlock()
	obj, ok := t.objects[slotObjects[slot]]
	if !ok {
		return nil
	}
	ts, err := parseTLVs(obj)
	if err != nil {
		return nil
	}
	der, ok := find(ts, 0x70)
	if !ok {
		return nil
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		return nil
	}
	return c
}

// PublicKey returns the public key in a slot (nil if none).
func (t *Token) PublicKey(slot byte) crypto.PublicKey {
	t.mu.Lock()
	defer t.mu.Unlock()
	if k := t.keys[slot]; k != nil {
		return k.public()
	}
	return nil
}

// PINTriesLeft returns the PIN tries left.
func (t *Token) PINTriesLeft() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.pinTries
}

// APDUCount returns the number of command APDUs the token has received.
func (t *Token) APDUCount() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.apdus
}

// Reset is a power cycle: selection, PIN and management key
// authentication and pending data are lost.
func (t *Token) Reset() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.st = state{}
}

// Remove takes the token out of its reader: Transmit fails with
// "vtoken: token removed" and a vpcd connection is closed.
func (t *Token) Remove() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.setRemovedLocked(true)
}

// Insert puts a removed token back, powered up afresh.
func (t *Token) Insert() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.removeAfter = 0
	t.st = state{}
	t.setRemovedLocked(false)
}

// RemoveAfter arranges for the token to be removed when n more command
// APDUs have arrived: the n-th one is not answered. n <= 0 cancels.
func (t *Token) RemoveAfter(n int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.removeAfter = max(n, 0)
}

func (t *Token) setRemovedLocked(r bool) {
	if t.removed == r {
		return
	}
	t.removed = r
	close(t.changed)
	t.changed = make(chan struct{})
}

// Removed reports whether the token is out of its reader and returns a
// channel closed at the next change.
func (t *Token) Removed() (bool, <-chan struct{}) {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.removed, t.changed
}

// Transmit processes one command APDU and returns the response APDU (data
// followed by SW1 SW2).
func (t *Token) Transmit(ctx context.Context, apdu []byte) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.removed {
		return nil, errRemoved
	}
	t.apdus++
	if t.removeAfter > 0 {
		t.removeAfter--
		if t.removeAfter == 0 {
			t.setRemovedLocked(true)
			return nil, errRemoved
		}
	}
	return t.process(apdu), nil
}

// ServeVPCD attaches the token to the vpcd reader at addr (e.g.
// "127.0.0.1:35963", reader "Virtual PCD 00 00") until ctx is done, the
// token is removed or vpcd closes the connection; it returns nil in the
// first two cases.
func (t *Token) ServeVPCD(ctx context.Context, addr string) error {
	return vpcd.Serve(ctx, addr, t, vpcd.Options{})
}

// Attest is the ATTEST command run in process: the attestation
// certificate of the key in slot, signed by the device attestation key.
func (t *Token) Attest(slot byte) (*x509.Certificate, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	k := t.keys[slot]
	if k == nil || k.origin != originGenerated {
		return nil, fmt.Errorf("vtoken: no generated key in slot %02x", slot)
	}
	der, err := t.attest(slot, k)
	if err != nil {
		return nil, err
	}
	return x509.ParseCertificate(der)
}

// Generate is GENERATE ASYMMETRIC KEY PAIR run in process (no management
// key needed): a new key in slot with the given policies (0: defaults).
func (t *Token) Generate(slot, alg, pinPolicy, touchPolicy byte) (crypto.PublicKey, error) {
	if !validKeySlot(slot) {
		return nil, fmt.Errorf("vtoken: %02x is not a key slot", slot)
	}
	k, err := generate(alg)
	if err != nil {
		return nil, err
	}
	if pinPolicy == 0 {
		pinPolicy = defaultPINPolicy(slot)
	}
	if touchPolicy == 0 {
		touchPolicy = TouchPolicyNever
	}
	k.pinPolicy, k.touchPolicy, k.origin = pinPolicy, touchPolicy, originGenerated
	t.mu.Lock()
	defer t.mu.Unlock()
	t.keys[slot] = k
	return k.public(), nil
}
