//go:build cgo

package piv

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"

	"github.com/ebfe/scard"
	pivgo "github.com/go-piv/piv-go/v2/piv"
)

// Token is an open PIV token. It holds the token exclusively (no other
// program can use it) until Close. Its methods are safe for concurrent
// use; operations on the token run one at a time.
type Token struct {
	reader string
	pin    PINFunc

	mu      sync.Mutex
	yk      *pivgo.YubiKey
	version Version
	// gone: the token was removed during an operation; the PC/SC handle
	// is dead and every later operation fails with ErrRemoved.
	gone bool
	// pinVerified: the PIN was verified through this Token. The token is
	// held in an exclusive transaction, so only this Token (or a removal)
	// changes that state: keys with PIN policy "once" then need no check.
	pinVerified bool
}

// ReaderInfo is a PC/SC reader and whether it holds a PIV token.
type ReaderInfo struct {
	Reader string `json:"reader"`
	Card   bool   `json:"card"`           // a card is present
	PIV    bool   `json:"piv"`            // the card answers SELECT of the PIV application
	Busy   bool   `json:"busy,omitempty"` // another program holds the card exclusively
}

var selectPIV = []byte{0x00, 0xa4, 0x04, 0x00, 0x09, 0xa0, 0x00, 0x00, 0x03, 0x08, 0x00, 0x00, 0x10, 0x00}

// Readers lists the PC/SC readers and which hold a PIV token (probed in
// shared mode with one SELECT each).
func Readers(ctx context.Context) ([]ReaderInfo, error) {
	sc, err := scard.EstablishContext()
	if err != nil {
		return nil, &Error{Op: "list readers", Err: errNoService, Cause: err}
	}
	defer sc.Release()
	names, err := sc.ListReaders()
	if errors.Is(err, scard.ErrNoReadersAvailable) {
		return nil, nil
	}
	if err != nil {
		return nil, &Error{Op: "list readers", Err: errNoService, Cause: err}
	}
	out := make([]ReaderInfo, 0, len(names))
	for _, r := range names {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		out = append(out, probe(sc, r))
	}
	return out, nil
}

func probe(sc *scard.Context, reader string) ReaderInfo {
	ri := ReaderInfo{Reader: reader}
	card, err := sc.Connect(reader, scard.ShareShared, scard.ProtocolT1)
	if err != nil {
		card, err = sc.Connect(reader, scard.ShareShared, scard.ProtocolAny)
	}
	if err != nil {
		ri.Busy = errors.Is(err, scard.ErrSharingViolation)
		ri.Card = ri.Busy
		return ri
	}
	defer card.Disconnect(scard.LeaveCard)
	ri.Card = true
	resp, err := card.Transmit(selectPIV)
	if err == nil && len(resp) >= 2 {
		sw1 := resp[len(resp)-2]
		ri.PIV = sw1 == 0x90 || sw1 == 0x61
	}
	return ri
}

// cardPresent reports whether the reader holds a card now.
func cardPresent(reader string) bool {
	sc, err := scard.EstablishContext()
	if err != nil {
		return false
	}
	defer sc.Release()
	rs := []scard.ReaderState{{Reader: reader, CurrentState: scard.StateUnaware}}
	if err := sc.GetStatusChange(rs, 0); err != nil {
		return false
	}
	return rs[0].EventState&scard.StatePresent != 0
}

// Open opens the PIV token in o.Reader, or in the first reader holding
// one when o.Reader is empty.
func Open(ctx context.Context, o Options) (*Token, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	reader := o.Reader
	infos, err := Readers(ctx)
	if err != nil {
		return nil, err
	}
	found, busy := false, false
	for _, ri := range infos {
		if ri.PIV && (reader == "" || ri.Reader == reader) {
			reader, found = ri.Reader, true
			break
		}
		busy = busy || (ri.Busy && (reader == "" || ri.Reader == reader))
	}
	if !found {
		e := &Error{Op: "open", Err: errNoToken}
		if reader != "" {
			e.Op = "open " + reader
		}
		if busy {
			e.Err = errBusy
		}
		return nil, e
	}
	yk, err := pivgo.Open(reader)
	if err != nil {
		e := &Error{Op: "open " + reader, Err: errNoToken, Cause: err}
		if !cardPresent(reader) {
			e.Err = errRemoved
		}
		return nil, e
	}
	v := yk.Version()
	return &Token{reader: reader, pin: o.PIN, yk: yk, version: Version{v.Major, v.Minor, v.Patch}}, nil
}

// Close releases the token.
func (t *Token) Close() error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.yk == nil {
		return nil
	}
	err := t.yk.Close()
	t.yk = nil
	if err != nil && !cardPresent(t.reader) {
		return nil
	}
	return err
}

// wrap turns a piv-go error into an *Error (or a *PINError).
func (t *Token) wrap(op string, slot Slot, err error) error {
	if err == nil {
		return nil
	}
	var ae pivgo.AuthErr
	if errors.As(err, &ae) {
		return &PINError{Retries: ae.Retries}
	}
	e := &Error{Op: op, Slot: slot, Cause: err}
	var st interface{ Status() uint16 }
	switch {
	case errors.Is(err, pivgo.ErrNotFound):
		e.Err = ErrNotFound
	case errors.As(err, &st):
		e.SW = st.Status()
		switch e.SW {
		case 0x6982:
			e.Err = errSecurityStatus
		case 0x6a80, 0x6a81, 0x6a86, 0x6d00:
			e.Err = errUnsupported
		}
		if strings.Contains(err.Error(), "management key") {
			e.Err = errManagementKey
		}
	case strings.Contains(err.Error(), "management key"):
		e.Err = errManagementKey
	case strings.Contains(err.Error(), "scard response too short: 0"), !cardPresent(t.reader):
		// pcsc-lite reports an exchange that lost the card as an empty
		// success.
		e.Err = errRemoved
	}
	if e.Err == errRemoved {
		t.gone = true
	}
	return e
}

func (t *Token) lock(op string) (*pivgo.YubiKey, error) {
	t.mu.Lock()
	if t.yk == nil {
		t.mu.Unlock()
		return nil, &Error{Op: op, Err: errClosed}
	}
	if t.gone {
		t.mu.Unlock()
		return nil, &Error{Op: op, Err: errRemoved}
	}
	return t.yk, nil
}

func goSlot(s Slot) (pivgo.Slot, error) {
	switch s {
	case SlotAuthentication:
		return pivgo.SlotAuthentication, nil
	case SlotSignature:
		return pivgo.SlotSignature, nil
	case SlotKeyManagement:
		return pivgo.SlotKeyManagement, nil
	case SlotCardAuthentication:
		return pivgo.SlotCardAuthentication, nil
	}
	if gs, ok := pivgo.RetiredKeyManagementSlot(uint32(s)); ok {
		return gs, nil
	}
	return pivgo.Slot{}, &Error{Op: "slot", Slot: s, Err: errUnsupported}
}

// Serial returns the device serial number.
func (t *Token) Serial() (uint32, error) {
	yk, err := t.lock("serial")
	if err != nil {
		return 0, err
	}
	defer t.mu.Unlock()
	s, err := yk.Serial()
	return s, t.wrap("serial", 0, err)
}

// Certificate returns the certificate stored for slot (an error
// unwrapping to ErrNotFound if there is none).
func (t *Token) Certificate(slot Slot) (*x509.Certificate, error) {
	gs, err := goSlot(slot)
	if err != nil {
		return nil, err
	}
	yk, err := t.lock("read certificate")
	if err != nil {
		return nil, err
	}
	defer t.mu.Unlock()
	c, err := yk.Certificate(gs)
	return c, t.wrap("read certificate", slot, err)
}

// Status is what `pivtoken status` shows.
type Status struct {
	Reader   string  `json:"reader"`
	Serial   uint32  `json:"serial"`
	Firmware Version `json:"firmware"`
	// PINRetries is the number of PIN tries left, -1 when the token does
	// not tell because the PIN is verified in the current session.
	PINRetries int          `json:"pin_retries"`
	Slots      []SlotStatus `json:"slots"`
}

// SlotStatus is a slot holding a certificate.
type SlotStatus struct {
	Slot        Slot              `json:"slot"`
	Certificate *x509.Certificate `json:"-"`
}

// StatusOptions tune Status. The zero value reads the four main slots.
type StatusOptions struct {
	Retired bool // also read the retired slots 82 to 95
}

// Status reads the serial number, the PIN tries left and the slot
// certificates.
func (t *Token) Status(ctx context.Context, o StatusOptions) (*Status, error) {
	serial, err := t.Serial()
	if err != nil {
		return nil, err
	}
	st := &Status{Reader: t.reader, Serial: serial, Firmware: t.version}
	if st.PINRetries, err = t.PINRetries(); err != nil {
		return nil, err
	}
	slots := mainSlots
	if o.Retired {
		slots = append(append([]Slot(nil), mainSlots...), retiredSlots...)
	}
	for _, s := range slots {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		c, err := t.Certificate(s)
		if errors.Is(err, ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		st.Slots = append(st.Slots, SlotStatus{Slot: s, Certificate: c})
	}
	return st, nil
}

// PINRetries returns the PIN tries left (-1 when the PIN is verified in
// the current session and the token does not tell). It uses no try.
func (t *Token) PINRetries() (int, error) {
	yk, err := t.lock("PIN status")
	if err != nil {
		return 0, err
	}
	defer t.mu.Unlock()
	n, err := yk.Retries()
	if err != nil && strings.Contains(err.Error(), "expected error code from empty pin") {
		return -1, nil
	}
	if err != nil {
		return 0, t.wrap("PIN status", 0, err)
	}
	if n == 0 {
		return 0, &PINError{Retries: 0}
	}
	return n, nil
}

// VerifyPIN asks the PIN callback once and verifies it. A wrong PIN is a
// *PINError with the tries left; it is never retried.
func (t *Token) VerifyPIN(ctx context.Context) error {
	pin, err := t.askPIN(ctx, 0)
	if err != nil {
		return err
	}
	yk, err := t.lock("verify PIN")
	if err != nil {
		return err
	}
	defer t.mu.Unlock()
	err = t.wrap("verify PIN", 0, yk.VerifyPIN(pin))
	t.pinVerified = err == nil
	return err
}

func (t *Token) askPIN(ctx context.Context, slot Slot) (string, error) {
	if t.pin == nil {
		return "", &PINError{Retries: -1}
	}
	pin, err := t.pin(ctx, slot)
	if err != nil {
		return "", &PINError{Retries: -1, Err: err}
	}
	if pin == "" {
		return "", &PINError{Retries: -1}
	}
	return pin, nil
}

// ChangePIN changes the PIN.
func (t *Token) ChangePIN(oldPIN, newPIN string) error {
	yk, err := t.lock("change PIN")
	if err != nil {
		return err
	}
	defer t.mu.Unlock()
	return t.wrap("change PIN", 0, yk.SetPIN(oldPIN, newPIN))
}

// Unblock sets a new PIN with the PUK (a blocked PIN is unblocked). A
// wrong PUK is a *PINError with PUK set.
func (t *Token) Unblock(puk, newPIN string) error {
	yk, err := t.lock("unblock PIN")
	if err != nil {
		return err
	}
	defer t.mu.Unlock()
	err = t.wrap("unblock PIN", 0, yk.Unblock(puk, newPIN))
	var pe *PINError
	if errors.As(err, &pe) {
		pe.PUK = true
	}
	return err
}

// KeyInfo is what the token says about a slot key (firmware 5.3 and
// later).
type KeyInfo struct {
	Algorithm   Algorithm
	PINPolicy   PINPolicy
	TouchPolicy TouchPolicy
	Generated   bool // generated on the token, not imported
	PublicKey   crypto.PublicKey
}

// KeyInfo reads the metadata of a slot key.
func (t *Token) KeyInfo(slot Slot) (*KeyInfo, error) {
	gs, err := goSlot(slot)
	if err != nil {
		return nil, err
	}
	yk, err := t.lock("key info")
	if err != nil {
		return nil, err
	}
	defer t.mu.Unlock()
	ki, err := yk.KeyInfo(gs)
	if err != nil {
		return nil, t.wrap("key info", slot, err)
	}
	return &KeyInfo{
		Algorithm:   fromGoAlg(ki.Algorithm),
		PINPolicy:   PINPolicy(ki.PINPolicy),
		TouchPolicy: TouchPolicy(ki.TouchPolicy),
		Generated:   ki.Origin == pivgo.OriginGenerated,
		PublicKey:   ki.PublicKey,
	}, nil
}

func fromGoAlg(a pivgo.Algorithm) Algorithm {
	switch a {
	case pivgo.AlgorithmEC256:
		return AlgorithmEC256
	case pivgo.AlgorithmEC384:
		return AlgorithmEC384
	case pivgo.AlgorithmEd25519:
		return AlgorithmEd25519
	case pivgo.AlgorithmRSA2048:
		return AlgorithmRSA2048
	}
	return 0
}

func toGoAlg(a Algorithm) (pivgo.Algorithm, bool) {
	switch a {
	case AlgorithmEC256, 0:
		return pivgo.AlgorithmEC256, true
	case AlgorithmEC384:
		return pivgo.AlgorithmEC384, true
	case AlgorithmEd25519:
		return pivgo.AlgorithmEd25519, true
	case AlgorithmRSA2048:
		return pivgo.AlgorithmRSA2048, true
	}
	return 0, false
}

// Signer returns the key of slot as a crypto.Signer. The PIN callback is
// asked (with ctx) when the key's PIN policy needs it, at most once per
// signature; a wrong PIN fails the signature with a *PINError.
func (t *Token) Signer(ctx context.Context, slot Slot) (crypto.Signer, error) {
	gs, err := goSlot(slot)
	if err != nil {
		return nil, err
	}
	s := &signer{t: t, ctx: ctx, slot: slot, gs: gs}
	if ki, err := t.KeyInfo(slot); err == nil {
		s.pub, s.policy = ki.PublicKey, pivgo.PINPolicy(ki.PINPolicy)
	} else if errors.Is(err, ErrNotFound) || errors.Is(err, ErrRemoved) {
		return nil, err
	} else {
		c, cerr := t.Certificate(slot)
		if cerr != nil {
			return nil, cerr
		}
		s.pub = c.PublicKey
	}
	if s.pub == nil {
		return nil, &Error{Op: "signer", Slot: slot, Err: errUnsupported}
	}
	return s, nil
}

type signer struct {
	t      *Token
	ctx    context.Context
	slot   Slot
	gs     pivgo.Slot
	pub    crypto.PublicKey
	policy pivgo.PINPolicy
}

func (s *signer) Public() crypto.PublicKey { return s.pub }

// Sign signs with the slot key: a digest for RSA (PKCS #1 v1.5 or PSS)
// and ECDSA, the message for Ed25519 (opts.HashFunc() == 0).
func (s *signer) Sign(r io.Reader, digest []byte, opts crypto.SignerOpts) ([]byte, error) {
	if err := s.ctx.Err(); err != nil {
		return nil, err
	}
	var pinErr error
	prompted := false
	prompt := func() (string, error) {
		prompted = true
		pin, err := s.t.askPIN(s.ctx, s.slot)
		pinErr = err
		return pin, err
	}
	yk, err := s.t.lock("sign")
	if err != nil {
		return nil, err
	}
	defer s.t.mu.Unlock()
	// With PIN policy "once", the PIN is verified at the first signature
	// of this Token and not checked again (piv-go would ask the token
	// each time).
	policy := s.policy
	if policy == pivgo.PINPolicyOnce {
		policy = pivgo.PINPolicyAlways
		if s.t.pinVerified {
			policy = pivgo.PINPolicyNever
		}
	}
	priv, err := yk.PrivateKey(s.gs, s.pub, pivgo.KeyAuth{PINPrompt: prompt, PINPolicy: policy})
	if err != nil {
		return nil, s.t.wrap("sign", s.slot, err)
	}
	ps, ok := priv.(crypto.Signer)
	if !ok {
		return nil, &Error{Op: "sign", Slot: s.slot, Err: errUnsupported}
	}
	if r == nil {
		r = rand.Reader
	}
	sig, err := ps.Sign(r, digest, opts)
	if pinErr != nil {
		return nil, pinErr
	}
	err = s.t.wrap("sign", s.slot, err)
	switch {
	case err == nil && prompted:
		s.t.pinVerified = true
	case err != nil:
		// A wrong PIN, or the token no longer holding the verification
		// (status 6982): the next signature asks again.
		s.t.pinVerified = false
	}
	return sig, err
}

// KeySpec is the key to generate. The zero value is a P-256 key with the
// token's default policies for the slot.
type KeySpec struct {
	Algorithm   Algorithm
	PINPolicy   PINPolicy
	TouchPolicy TouchPolicy
}

func defaultPINPolicy(s Slot) pivgo.PINPolicy {
	switch s {
	case SlotSignature:
		return pivgo.PINPolicyAlways
	case SlotCardAuthentication:
		return pivgo.PINPolicyNever
	}
	return pivgo.PINPolicyOnce
}

// generate makes a new key in slot, on the token, after authenticating
// with the management key, and returns its public key. The slot's
// previous key is lost.
func (t *Token) generate(managementKey []byte, slot Slot, k KeySpec) (crypto.PublicKey, error) {
	gs, err := goSlot(slot)
	if err != nil {
		return nil, err
	}
	if len(managementKey) == 0 {
		return nil, &Error{Op: "generate", Slot: slot, Err: errManagementKey, Cause: errors.New("no management key given")}
	}
	alg, ok := toGoAlg(k.Algorithm)
	pp := pivgo.PINPolicy(k.PINPolicy)
	if k.PINPolicy == PINPolicyDefault {
		pp = defaultPINPolicy(slot)
	}
	tp := pivgo.TouchPolicy(k.TouchPolicy)
	if k.TouchPolicy == TouchPolicyDefault {
		tp = pivgo.TouchPolicyNever
	}
	if !ok || k.PINPolicy < 0 || k.PINPolicy > PINPolicyMatchAlways || k.TouchPolicy < 0 || k.TouchPolicy > TouchPolicyCached {
		return nil, &Error{Op: "generate", Slot: slot, Err: errUnsupported}
	}
	yk, err := t.lock("generate")
	if err != nil {
		return nil, err
	}
	defer t.mu.Unlock()
	pub, err := yk.GenerateKey(managementKey, gs, pivgo.Key{Algorithm: alg, PINPolicy: pp, TouchPolicy: tp})
	return pub, t.wrap("generate", slot, err)
}

// Attest returns the token's attestation of the key in slot and the
// device attestation certificate that signed it; VerifyAttestation checks
// them.
func (t *Token) Attest(slot Slot) (slotCert, device *x509.Certificate, err error) {
	gs, err := goSlot(slot)
	if err != nil {
		return nil, nil, err
	}
	yk, err := t.lock("attest")
	if err != nil {
		return nil, nil, err
	}
	defer t.mu.Unlock()
	if slotCert, err = yk.Attest(gs); err != nil {
		return nil, nil, t.wrap("attest", slot, err)
	}
	if device, err = yk.AttestationCertificate(); err != nil {
		return nil, nil, t.wrap("read device attestation certificate", slot, err)
	}
	return slotCert, device, nil
}

// createCSR makes a PKCS #10 certificate signing request for the key in
// slot, signed by that key on the token, and returns it in DER.
func (t *Token) createCSR(ctx context.Context, slot Slot, subject pkix.Name) ([]byte, error) {
	s, err := t.Signer(ctx, slot)
	if err != nil {
		return nil, err
	}
	der, err := x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{Subject: subject}, s)
	if err != nil {
		var pe *PINError
		var e *Error
		if errors.As(err, &pe) || errors.As(err, &e) {
			return nil, err
		}
		return nil, &Error{Op: "create CSR", Slot: slot, Cause: err}
	}
	return der, nil
}

// installCertificate stores cert in slot after authenticating with the
// management key. A certificate whose public key is not the slot key is
// refused (an *Error saying so) when the token tells the slot key.
func (t *Token) installCertificate(managementKey []byte, slot Slot, cert *x509.Certificate) error {
	gs, err := goSlot(slot)
	if err != nil {
		return err
	}
	if len(managementKey) == 0 {
		return &Error{Op: "install certificate", Slot: slot, Err: errManagementKey, Cause: errors.New("no management key given")}
	}
	ki, err := t.KeyInfo(slot)
	switch {
	case err == nil:
		if !samePublicKey(ki.PublicKey, cert.PublicKey) {
			return &Error{Op: "install certificate", Slot: slot, Err: errKeyMismatch}
		}
	case errors.Is(err, ErrNotFound), errors.Is(err, ErrRemoved):
		return err
	}
	yk, err := t.lock("install certificate")
	if err != nil {
		return err
	}
	defer t.mu.Unlock()
	return t.wrap("install certificate", slot, yk.SetCertificate(managementKey, gs, cert))
}

// SetManagementKey replaces the management key (24 bytes: 3DES before
// firmware 5.4; 16, 24 or 32 bytes: AES from 5.4).
func (t *Token) SetManagementKey(oldKey, newKey []byte) error {
	yk, err := t.lock("set management key")
	if err != nil {
		return err
	}
	defer t.mu.Unlock()
	if err := yk.SetManagementKey(oldKey, newKey); err != nil {
		return t.wrap("set management key", 0, fmt.Errorf("management key: %w", err))
	}
	return nil
}
