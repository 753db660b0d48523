//go:build !cgo

package piv

import (
	"context"
	"crypto"
	"crypto/x509"
	"crypto/x509/pkix"
)

// Built without cgo there is no PC/SC: Readers and Open return ErrNoCgo,
// and Token has no value. The types are those of a cgo build.

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

func noCgo(op string) error { return &Error{Op: op, Err: ErrNoCgo} }

// Readers returns ErrNoCgo.
func Readers(ctx context.Context) ([]ReaderInfo, error) { return nil, noCgo("list readers") }

// Open returns ErrNoCgo.
func Open(ctx context.Context, o Options) (*Token, error) { return nil, noCgo("open") }

// Close does nothing.
func (t *Token) Close() error { return nil }

// Reader returns "".
func (t *Token) Reader() string { return "" }

// Version returns the zero version.
func (t *Token) Version() Version { return Version{} }

// Serial returns ErrNoCgo.
func (t *Token) Serial() (uint32, error) { return 0, noCgo("serial") }

// Certificate returns ErrNoCgo.
func (t *Token) Certificate(Slot) (*x509.Certificate, error) { return nil, noCgo("read certificate") }

// Status returns ErrNoCgo.
func (t *Token) Status(context.Context, StatusOptions) (*Status, error) { return nil, noCgo("status") }

// PINRetries returns ErrNoCgo.
func (t *Token) PINRetries() (int, error) { return 0, noCgo("PIN status") }

// VerifyPIN returns ErrNoCgo.
func (t *Token) VerifyPIN(context.Context) error { return noCgo("verify PIN") }

// ChangePIN returns ErrNoCgo.
func (t *Token) ChangePIN(string, string) error { return noCgo("change PIN") }

// Unblock returns ErrNoCgo.
func (t *Token) Unblock(string, string) error { return noCgo("unblock PIN") }

// KeyInfo returns ErrNoCgo.
func (t *Token) KeyInfo(Slot) (*KeyInfo, error) { return nil, noCgo("key info") }

// Signer returns ErrNoCgo.
func (t *Token) Signer(context.Context, Slot) (crypto.Signer, error) { return nil, noCgo("signer") }

// Generate returns ErrNoCgo.
func (t *Token) Generate([]byte, Slot, KeySpec) (crypto.PublicKey, error) {
	return nil, noCgo("generate")
}

// Attest returns ErrNoCgo.
func (t *Token) Attest(Slot) (*x509.Certificate, *x509.Certificate, error) {
	return nil, nil, noCgo("attest")
}

// CreateCSR returns ErrNoCgo.
func (t *Token) CreateCSR(context.Context, Slot, pkix.Name) ([]byte, error) {
	return nil, noCgo("create CSR")
}

// InstallCertificate returns ErrNoCgo.
func (t *Token) InstallCertificate([]byte, Slot, *x509.Certificate) error {
	return noCgo("install certificate")
}

// SetManagementKey returns ErrNoCgo.
func (t *Token) SetManagementKey([]byte, []byte) error { return noCgo("set management key") }
