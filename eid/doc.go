// Package eid reads Belgian eID (BELPIC) cards: card data, identity,
// address, photo and certificates, the integrity checks of the card content
// specification, PIN handling, and the card keys as crypto.Signer.
//
// The package is pure Go and talks to a card through a Transport. The PC/SC
// transport (package eid/pcsc) is the only part of the module that uses cgo.
package eid

import "context"

// Transport sends one command APDU to a card and returns the response APDU,
// data followed by the two status bytes SW1 SW2. It performs no T=0
// processing: GET RESPONSE after 61xx and resending after 6Cxx are done by
// this package.
//
// Implementations: eid/pcsc (a PC/SC reader), eid/vcard (the virtual card in
// process).
type Transport interface {
	Transmit(ctx context.Context, apdu []byte) ([]byte, error)
}
