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
//	card := eid.New(transport, nil)            // or src, _ := eid.OpenDump("dump-dir")
//	c, err := eid.ReadContents(ctx, card, nil) // c.Identity, c.Address, c.Photo, c.Certificates, c.CardData
//	in, err := eid.Verify(ctx, card, c, &eid.VerifyOptions{TrustedRoots: belgianRoots})
//	// in.Photo, in.IdentitySignature, in.AddressSignature, in.BasicKey, in.InternalAuthenticate,
//	// in.RRNCertificate, in.Root, in.Certificates: each passed, failed or skipped, with the reason
//	key, err := card.PrivateKey(ctx, eid.AuthenticationKey, eid.KeyAuth{PINPrompt: askPIN})
//	tlsCert := key.TLSCertificate(c.Certificates.CA) // key is a crypto.Signer; the PIN is asked when needed
//
// Runnable versions: Example_readAndVerify (a full read and the integrity
// checks), ExamplePrivateKey_SignContext (a signature, the PIN prompt, a
// wrong PIN), ExampleParseIdentity and ExampleParseBirthDate in
// eid/example_test.go (go test -run Example -v ./eid).
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
// A full read (card data, identity, address, photo, five certificates)
// costs one SELECT per file and the fewest READ BINARY the card allows:
// certificates are read up to their DER length, not their 1100 bytes of
// zero padding, and other files until the card answers 6B00 twice (or
// after a short chunk), so no stray status word or short chunk cuts a file.
// That is 46 APDUs for the applet 1.7 virtual card, 43 for 1.8 with its
// basic key (go test -run VCardFullRead -v ./eid). From a card the CA, root
// and RRN certificate files must hold one, identity and address must have
// their mandatory fields (6A82 fails the read), and the card data's serial
// must be the identity's chip number; text values are trimmed of padding.
// The identity parser covers every tag of the ID file format v5 (birth
// dates in French, Dutch and German, year-only too; national number check
// digits verified). A dump's missing files are listed in Contents.Absent
// and the checks needing them fail or are skipped, never passed.
// [WriteDump] writes a 0700 folder of 0600 files through a temporary folder
// renamed when complete.
//
// VerifyOptions.TrustedRootPins takes the SPKI pins of
// x509check.BelgianRootPins(): the card's root must have the key of a
// Belgian root and must have signed the RRN certificate.
//
// Faults are tested as decorators: vcard.FaultAt(card, n, fault) decorates
// the virtual card's transport with a fault at command n (vcard.Faults():
// transport error, 6B00, 6A82, 6400, truncated, garbled, empty);
// TestFaultAtEveryAPDU applies each at every APDU of a full read of both
// profiles (and of a card answering short chunks, vcard.ShortReads): every
// read fails or returns the card's data, since a card whose files disagree
// (signatures, hashes, chain) is read a second time.
//
// # PIN and signing
//
// VerifyPIN, ChangePIN and PINStatus (which uses no try) never retry a PIN
// and never log it. PrivateKey returns a card key as a crypto.Signer: RSA
// PKCS#1 v1.5 (and PSS) on applet 1.7, ECDSA on applet 1.8; the PIN comes
// from KeyAuth.PINPrompt, asked only when the card needs it, and right
// before every signature with the non-repudiation key. A PIN's buffers are
// zeroed after use.
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
