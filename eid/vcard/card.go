package vcard

import (
	"bytes"
	"context"
	"crypto"
	"crypto/rand"
	"crypto/sha512"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"
)

// Profile is the applet generation a virtual card emulates.
type Profile int

const (
	// Applet17 is a Belpic applet 1.7 card: RSA-2048 keys, identity and
	// address signed with RSA PKCS#1 v1.5 and SHA-256, SHA-256 photo hash.
	Applet17 Profile = 17
	// Applet18 is a Belpic applet 1.8 card: EC P-384 keys, ECDSA SHA-384
	// signatures, SHA-384 photo hash, basic key (file 4040, identity tag 1A)
	// and INTERNAL AUTHENTICATE.
	Applet18 Profile = 18
)

// String returns the profile's applet version.
func (p Profile) String() string {
	switch p {
	case Applet17:
		return "applet 1.7"
	case Applet18:
		return "applet 1.8"
	}
	return fmt.Sprintf("Profile(%d)", int(p))
}

func (p Profile) short() string {
	if p == Applet17 {
		return "1.7"
	}
	return "1.8"
}

// ParseProfile parses "1.7" or "1.8" (also "17", "18").
func ParseProfile(s string) (Profile, error) {
	switch s {
	case "1.7", "17":
		return Applet17, nil
	case "1.8", "18":
		return Applet18, nil
	}
	return 0, fmt.Errorf("vcard: unknown profile %q (want 1.7 or 1.8)", s)
}

// ATRs of the profiles (card content v5.4 §2.3): applet 1.7 cards share the
// answer-to-reset of the earlier applets, applet 1.8 cards have a new one.
var (
	ATR17 = []byte{0x3B, 0x98, 0x13, 0x40, 0x0A, 0xA5, 0x03, 0x01, 0x01, 0x01, 0xAD, 0x13, 0x11}
	ATR18 = []byte{0x3B, 0x7F, 0x96, 0x00, 0x00, 0x80, 0x31, 0x80, 0x65, 0xB0, 0x85, 0x04, 0x01, 0x20, 0x12, 0x0F, 0xFF, 0x82, 0x90, 0x00}
)

// DefaultPIN is the cardholder PIN of a new virtual card when
// Options.PIN is empty.
const DefaultPIN = "1234"

// Options configure New. The zero value is an applet 1.8 card with a random
// PKI, PIN 1234, issued on 1 March 2025.
type Options struct {
	// Profile is Applet17 or Applet18 (zero: Applet18).
	Profile Profile
	// Seed makes the card deterministic: the same seed and options give
	// the same keys, certificates and files. Empty: a random seed.
	Seed []byte
	// PIN is the cardholder PIN, 4 to 12 digits (empty: DefaultPIN).
	PIN string
	// Issued is when the card and its certificates were issued: the
	// certificates are valid from then (CA certificates 20 years, the
	// others 10), the card 10 years. Zero: 1 March 2025, 00:00 UTC.
	Issued time.Time
	// Holder overrides the holder data; empty fields take the profile's
	// specimen values.
	Holder Holder
	// OCSPURL and CRLURL, when set, go into the CA, authentication and
	// signature certificates (authority information access and CRL
	// distribution point). Empty: none.
	OCSPURL, CRLURL string
	// Rekeyed makes an applet 1.7 card as re-keyed to the EC PKI (applet
	// 1.7 content addendum): the card keys stay RSA-2048, but the root, the
	// Citizen CA and the RRN certificate are EC P-384 (CA6 policies), and
	// the identity and address signatures are ECDSA SHA-384 while the photo
	// hash stays SHA-256. Ignored on applet 1.8.
	Rekeyed bool
	// NoSignCert leaves the non-repudiation certificate off the card (as
	// for citizens without one): file 5039 holds zeros and EF(CDF) has no
	// entry for it. The key stays usable.
	NoSignCert bool
}

// File identifiers (card content v5.4 §4.3).
const (
	fileDIR        = 0x2F00
	fileODF        = 0x5031
	fileTokenInfo  = 0x5032
	fileAODF       = 0x5034
	filePrKDF      = 0x5035
	fileCDF        = 0x5037
	fileAuthCert   = 0x5038
	fileSignCert   = 0x5039
	fileCACert     = 0x503A
	fileRootCert   = 0x503B
	fileRRNCert    = 0x503C
	fileIdentity   = 0x4031
	fileIDSig      = 0x4032
	fileAddress    = 0x4033
	fileAddressSig = 0x4034
	filePhoto      = 0x4035
	fileBasicKey   = 0x4040

	dfMF     = 0x3F00
	dfBelpic = 0xDF00
	dfID     = 0xDF01
)

// errRemoved is returned by Transmit while the card is removed (see
// Remove and RemoveAfter).
var errRemoved = errors.New("vcard: card removed")

// Card is a virtual BELPIC card. Its methods are safe for concurrent use;
// APDUs are processed one at a time.
type Card struct {
	profile Profile
	atr     []byte
	// cardData is the GET CARD DATA response (28 bytes) without PIN tries.
	cardData []byte
	files    map[uint16][]byte
	pki      *PKI
	keys     map[byte]crypto.Signer // 82, 83 (and 81 on 1.8)

	mu      sync.Mutex
	pin     []byte // 8-byte PIN block
	tries   int
	removed bool
	// removeAfter > 0: the card disappears when that many more APDUs have
	// arrived (the last one unanswered).
	removeAfter int
	apdus       int
	changed     chan struct{} // closed and replaced when removed changes
	st          state
}

// state is what a power cycle resets.
type state struct {
	df, ef  uint16 // current DF and EF (ef 0: none)
	pending []byte // response data waiting for GET RESPONSE
	// security environment (MSE SET)
	seKey, seAlg byte
	// PIN access rights (applet manuals §5.1): authOK is the "PIN once"
	// right of the authentication key; verifyFresh is a successful VERIFY
	// not yet used, sinceVerify the commands since it.
	authOK      bool
	verifyFresh bool
	sinceVerify int
}

const maxTries = 3

var (
	cacheMu sync.Mutex
	cache   = map[string]*Card{}
)

// New makes a virtual card with a generated PKI and content. With a Seed,
// cards are cached per process: generating RSA keys takes a while.
func New(o Options) (*Card, error) {
	if o.Profile == 0 {
		o.Profile = Applet18
	}
	if o.Profile != Applet17 && o.Profile != Applet18 {
		return nil, fmt.Errorf("vcard: unknown profile %d", o.Profile)
	}
	if o.Profile == Applet18 {
		o.Rekeyed = false
	}
	if o.PIN == "" {
		o.PIN = DefaultPIN
	}
	block, err := pinBlock(o.PIN)
	if err != nil {
		return nil, err
	}
	if o.Issued.IsZero() {
		o.Issued = time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)
	}
	seed := o.Seed
	if len(seed) == 0 {
		seed = make([]byte, 32)
		if _, err := io.ReadFull(rand.Reader, seed); err != nil {
			return nil, err
		}
	}
	key := fmt.Sprintf("%x|%+v", seed, o)
	cacheMu.Lock()
	defer cacheMu.Unlock()
	if len(o.Seed) > 0 {
		if c, ok := cache[key]; ok {
			return c.clone(block), nil
		}
	}
	c, err := build(o, seed)
	if err != nil {
		return nil, err
	}
	if len(o.Seed) > 0 {
		cache[key] = c
	}
	return c.clone(block), nil
}

// clone gives a fresh card (power-on state, full PIN tries) sharing the
// immutable content of c.
func (c *Card) clone(pin []byte) *Card {
	n := &Card{
		profile:  c.profile,
		atr:      c.atr,
		cardData: c.cardData,
		files:    c.files,
		pki:      c.pki,
		keys:     c.keys,
		pin:      pin,
		tries:    maxTries,
		changed:  make(chan struct{}),
	}
	n.st = state{df: dfMF}
	return n
}

func build(o Options, seed []byte) (*Card, error) {
	p := o.Profile
	h := o.Holder
	h.fill(defaultHolder(p))
	if h.CardNumber == "" {
		h.CardNumber = cardNumber(drbg(seed, "cardnumber"))
	}
	pki, err := newPKI(p, seed, &o, &h, o.Issued)
	if err != nil {
		return nil, err
	}
	chip := make([]byte, 16)
	copy(chip, "SLIN")
	_, _ = io.ReadFull(drbg(seed, "chip"), chip[4:])

	jpg, err := photo(seed)
	if err != nil {
		return nil, err
	}
	var photoHash, basicHash, basicFile []byte
	if p == Applet17 {
		s := sha256Sum(jpg)
		photoHash = s
	} else {
		s := sha512.Sum384(jpg)
		photoHash = s[:]
		basicFile, err = x509.MarshalPKIXPublicKey(pki.BasicKey.Public())
		if err != nil {
			return nil, err
		}
		bh := sha512.Sum384(basicFile)
		basicHash = bh[:]
	}
	end := o.Issued.AddDate(10, 0, 0)
	id := identityFile(p, &h, chip, o.Issued, end, photoHash, basicHash)
	idSig, err := rrnSign(pki.RRNKey, id)
	if err != nil {
		return nil, err
	}
	addr := addressFile(p, &h)
	addrSig, err := rrnSign(pki.RRNKey, append(bytes.TrimRight(bytes.Clone(addr), "\x00"), idSig...))
	if err != nil {
		return nil, err
	}
	signCert := pki.Sign
	if o.NoSignCert {
		signCert = nil
	}
	version := [4]byte{0x00, 0x03, 0x00, 0x00}
	if p == Applet18 {
		version = [4]byte{0x00, 0x04, 0x00, 0x00}
	}
	files := map[uint16][]byte{
		fileDIR:        efDIR(),
		fileODF:        efODF(),
		fileTokenInfo:  efTokenInfo(chip, version),
		fileAODF:       efAODF(),
		filePrKDF:      efPrKDF(describeKey(pki.Auth), describeKey(pki.Sign)),
		fileCDF:        efCDF(true, signCert != nil),
		fileAuthCert:   certFile(pki.Auth),
		fileSignCert:   certFile(signCert),
		fileCACert:     certFile(pki.CA),
		fileRootCert:   certFile(pki.Root),
		fileRRNCert:    certFile(pki.RRN),
		fileIdentity:   id,
		fileIDSig:      idSig,
		fileAddress:    addr,
		fileAddressSig: addrSig,
		filePhoto:      jpg,
	}
	keys := map[byte]crypto.Signer{0x82: pki.AuthKey, 0x83: pki.SignKey}
	if p == Applet18 {
		files[fileBasicKey] = basicFile
		keys[0x81] = pki.BasicKey
	}
	return &Card{
		profile:  p,
		atr:      profileATR(p),
		cardData: cardData(p, chip),
		files:    files,
		pki:      pki,
		keys:     keys,
	}, nil
}

func profileATR(p Profile) []byte {
	if p == Applet17 {
		return ATR17
	}
	return ATR18
}

// cardData builds the 28-byte GET CARD DATA response (applet 1.7 manual
// §6.9, applet 1.8 manual §6.14).
func cardData(p Profile, serial []byte) []byte {
	d := make([]byte, 0, 28)
	d = append(d, serial...)
	if p == Applet17 {
		// component, OS number, OS version, softmask number and version,
		// applet 1.7, global OS version 0003, interface 00, PKCS#1 v2.1,
		// key exchange 01, personalized.
		return append(d, 0x22, 0x10, 0x03, 0x20, 0x11, 0x17, 0x00, 0x03, 0x00, 0x21, 0x01, 0x0F)
	}
	return append(d, 0x23, 0x30, 0x01, 0x20, 0x01, 0x18, 0x00, 0x01, 0x00, 0x00, 0x02, 0x0F)
}

// Profile returns the card's applet profile.
func (c *Card) Profile() Profile { return c.profile }

// ATR returns the card's answer to reset.
func (c *Card) ATR() []byte { return bytes.Clone(c.atr) }

// PKI returns the card's generated PKI, or nil for a card served from a
// dump.
func (c *Card) PKI() *PKI { return c.pki }

// File returns a copy of the content of a card file (nil if absent); id is
// one of the eid.FileID values, as in c.File(uint16(eid.FilePhoto)).
func (c *Card) File(id uint16) []byte {
	if f, ok := c.files[id]; ok {
		return bytes.Clone(f)
	}
	return nil
}

// CardData returns the GET CARD DATA response (28 bytes).
func (c *Card) CardData() []byte { return bytes.Clone(c.cardData) }

// SetPIN replaces the cardholder PIN (4 to 12 digits) and restores its
// three tries, as a card issuer would; a card from FromDump starts with
// DefaultPIN.
func (c *Card) SetPIN(pin string) error {
	b, err := pinBlock(pin)
	if err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.pin = b
	c.tries = maxTries
	return nil
}

// PINTriesLeft returns the cardholder PIN's remaining tries (0: blocked).
func (c *Card) PINTriesLeft() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.tries
}

// APDUCount returns the number of command APDUs the card has received.
func (c *Card) APDUCount() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.apdus
}

// Reset is a power cycle: selection, security environment and PIN access
// rights are reset (the PIN try counter is not).
func (c *Card) Reset() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.st = state{df: dfMF}
}

// Remove takes the card out of its reader: Transmit fails with "vcard: card removed"
// and a vpcd connection (ServeVPCD) is closed.
func (c *Card) Remove() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.setRemovedLocked(true)
}

// Insert puts a removed card back, powered up afresh.
func (c *Card) Insert() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.removeAfter = 0
	c.st = state{df: dfMF}
	c.setRemovedLocked(false)
}

// RemoveAfter arranges for the card to be removed when n more command
// APDUs have arrived: the n-th one is not answered (Transmit returns
// "vcard: card removed", a vpcd connection is closed). It simulates a card pulled out
// in the middle of a read. n <= 0 cancels.
func (c *Card) RemoveAfter(n int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.removeAfter = max(n, 0)
}

func (c *Card) setRemovedLocked(r bool) {
	if c.removed == r {
		return
	}
	c.removed = r
	close(c.changed)
	c.changed = make(chan struct{})
}

// Transmit processes one command APDU and returns the response APDU (data
// followed by SW1 SW2). It implements eid.Transport. The card behaves as a
// T=0 card: case-4 commands answer 61xx and their data is fetched with GET
// RESPONSE.
func (c *Card) Transmit(ctx context.Context, apdu []byte) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.removed {
		return nil, errRemoved
	}
	c.apdus++
	if c.removeAfter > 0 {
		c.removeAfter--
		if c.removeAfter == 0 {
			c.setRemovedLocked(true)
			return nil, errRemoved
		}
	}
	return c.process(apdu), nil
}

// removedChan returns whether the card is removed and a channel closed at
// the next change.
func (c *Card) removedChan() (bool, <-chan struct{}) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.removed, c.changed
}

func sha256Sum(b []byte) []byte {
	h := crypto.SHA256.New()
	h.Write(b)
	return h.Sum(nil)
}
