//go:build !cgo

package piv

import (
	"context"
	"crypto"
	"crypto/x509"
	"crypto/x509/pkix"
)

// Built without cgo there is no PC/SC: Readers and Open return an error
// matching ErrNoService, and Token has no value. The types are those of a cgo build.

// Token is an open PIV token; without cgo none can be opened.
type Token struct{}

// ReaderInfo is a PC/SC reader and whether it holds a PIV token.
type ReaderInfo struct {
	Reader string `json:"reader"`
	Card   bool   `json:"card"`
	PIV    bool   `json:"piv"`
	Busy   bool   `json:"busy,omitempty"`
}

// Status is what `pivtoken status` shows.
type Status struct {
	Reader     string       `json:"reader"`
	Serial     uint32       `json:"serial"`
	Firmware   Version      `json:"firmware"`
	PINRetries int          `json:"pin_retries"`
	Slots      []SlotStatus `json:"slots"`
}

// SlotStatus is a slot holding a certificate.
type SlotStatus struct {
	Slot        Slot              `json:"slot"`
	Certificate *x509.Certificate `json:"-"`
}

// StatusOptions tune Status.
type StatusOptions struct{ Retired bool }

// KeyInfo is what the token says about a slot key.
type KeyInfo struct {
	Algorithm   Algorithm
	PINPolicy   PINPolicy
	TouchPolicy TouchPolicy
	Generated   bool
	PublicKey   crypto.PublicKey
}

// KeySpec is the key to generate.
type KeySpec struct {
	Algorithm   Algorithm
	PINPolicy   PINPolicy
	TouchPolicy TouchPolicy
}

var errNoCgo = &kind{"built without cgo: PC/SC needs cgo and libpcsclite; rebuild with CGO_ENABLED=1", ErrNoService}

func noCgo(op string) error { return &Error{Op: op, Err: errNoCgo} }

// Readers returns an error matching [ErrNoService].
func Readers(ctx context.Context) ([]ReaderInfo, error) { return nil, noCgo("list readers") }

// Open returns an error matching [ErrNoService].
func Open(ctx context.Context, o Options) (*Token, error) { return nil, noCgo("open") }

// Close does nothing.
func (t *Token) Close() error { return nil }

// Serial returns an error matching [ErrNoService].
func (t *Token) Serial() (uint32, error) { return 0, noCgo("serial") }

// Certificate returns an error matching [ErrNoService].
func (t *Token) Certificate(Slot) (*x509.Certificate, error) { return nil, noCgo("read certificate") }

// Status returns an error matching [ErrNoService].
func (t *Token) Status(context.Context, StatusOptions) (*Status, error) { return nil, noCgo("status") }

// PINRetries returns an error matching [ErrNoService].
func (t *Token) PINRetries() (int, error) { return 0, noCgo("PIN status") }

// VerifyPIN returns an error matching [ErrNoService].
func (t *Token) VerifyPIN(context.Context) error { return noCgo("verify PIN") }

// ChangePIN returns an error matching [ErrNoService].
func (t *Token) ChangePIN(string, string) error { return noCgo("change PIN") }

// Unblock returns an error matching [ErrNoService].
func (t *Token) Unblock(string, string) error { return noCgo("unblock PIN") }

// KeyInfo returns an error matching [ErrNoService].
func (t *Token) KeyInfo(Slot) (*KeyInfo, error) { return nil, noCgo("key info") }

// Signer returns an error matching [ErrNoService].
func (t *Token) Signer(context.Context, Slot) (crypto.Signer, error) { return nil, noCgo("signer") }

// generate returns an error matching [ErrNoService].
func (t *Token) generate([]byte, Slot, KeySpec) (crypto.PublicKey, error) {
	return nil, noCgo("generate")
}

// Attest returns an error matching [ErrNoService].
func (t *Token) Attest(Slot) (*x509.Certificate, *x509.Certificate, error) {
	return nil, nil, noCgo("attest")
}

// createCSR returns an error matching [ErrNoService].
func (t *Token) createCSR(context.Context, Slot, pkix.Name) ([]byte, error) {
	return nil, noCgo("create CSR")
}

// installCertificate returns an error matching [ErrNoService].
func (t *Token) installCertificate([]byte, Slot, *x509.Certificate) error {
	return noCgo("install certificate")
}

// SetManagementKey returns an error matching [ErrNoService].
func (t *Token) SetManagementKey([]byte, []byte) error { return noCgo("set management key") }
