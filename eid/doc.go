// Package eid reads Belgian eID (BELPIC) cards: card data, identity,
// address, photo and certificates, the integrity checks of the card content
// specification, PIN handling, and the card keys as crypto.Signer. It is an
// independent implementation of the public card specifications, neither the
// official eID middleware nor a government product.
//
// The package is pure Go and talks to a card through a Transport. The PC/SC
// transport (package eid/pcsc) is the only part of the module that uses cgo;
// package eid/vcard is a virtual card that implements Transport in process.
//
// # Reading
//
// New wraps a Transport in a *Card. The Card does the T=0 work of the
// applet reference manuals (§6.1: 61xx → GET RESPONSE, 6Cxx → the command
// again with the right Le, 6B00 past the end of a file), selects files by
// path with the fallbacks real cards and readers need (P1=08 without and
// with 3F00, then by file ID), reads each file once per session, and turns
// status words into typed errors: [*StatusError] with the status word
// (matching [ErrFileNotFound] for 6A82), [*PINError] with the tries left.
// Content that breaks the specifications matches [ErrMalformed].
//
// A *Card and a *Dump (a folder with one file per card file, named by its
// four-hex-digit ID) are both a Source: ReadContents parses either into
// typed values (ParseIdentity and ParseAddress follow the simplified TLV of
// card content v5.4 §6.1 and every tag of the ID file format v5), and Verify
// runs the integrity checks of §6.2 (photo hash, identity and address
// signatures with the RRN certificate, basic key and INTERNAL AUTHENTICATE on
// applet 1.8, RRN certificate and card root against trusted roots, the
// card's certificate chain), each reported separately: a check that could
// not run is skipped, never passed.
//
// Nothing partial passes as whole: a read returns the whole file or an
// error (see Card.ReadFile), a card's files are all mandatory, and a dump
// may lack files only if Contents.Absent says so. Data altered on the way
// (a garbled answer with 9000) makes a card's files disagree with each
// other: ReadContents then reads the card again, and fails when the two
// reads differ and the second disagrees too.
//
// # PIN and signing
//
// VerifyPIN, ChangePIN and PINStatus (which uses no try) never retry a PIN
// and never log it. PrivateKey returns a card key as a crypto.Signer: RSA
// PKCS#1 v1.5 (and PSS) on applet 1.7, ECDSA on applet 1.8; the PIN comes
// from KeyAuth.PINPrompt, asked only when the card needs it, and right
// before every signature with the non-repudiation key.
//
// References in comments: "card content v5.4" is the Belgian Electronic
// Identity Card content specification v5.4; "§6.x" without a document is the
// applet 1.8 reference manual (the applet 1.7 manual numbers differ and is
// named when cited); "ID file format v5" is "ID and Address file contents"
// v5.0.
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
