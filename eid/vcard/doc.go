// Package vcard is a software Belgian eID (BELPIC) card: a card emulator that
// answers command APDUs the way an applet 1.7 (RSA-2048) or applet 1.8
// (EC P-384) card does, T=0 behaviour included (61xx then GET RESPONSE for
// case-4 commands, 6Cxx when READ BINARY asks too much, 6B00 past the end of
// a file).
//
// A Card made by New carries a generated test PKI (root, Citizen CA,
// authentication, non-repudiation and RRN certificates) and correctly signed
// identity, address and photo files; FromDump serves a card dump folder
// instead. A Card implements eid.Transport in process, and ServeVPCD attaches
// it to pcscd through the vpcd driver (vsmartcard) so that PC/SC programs
// see it in a reader.
//
//	card, _ := vcard.New(vcard.Options{Profile: vcard.Applet17, Seed: []byte("test")})
//	c, _ := eid.ReadContents(ctx, eid.New(card, nil), nil) // in process
//	go card.ServeVPCD(ctx, "127.0.0.1:35963")              // or in reader "Virtual PCD 00 00"
//	card.PKI().Export("pki")                               // root.pem, ca.pem, auth.pem, … and keys
//
// Profile Applet17 is RSA-2048 with SHA-256, Applet18 EC P-384 with SHA-384,
// a basic key and INTERNAL AUTHENTICATE. The certificates carry the Belgian
// policy OIDs and QCStatements, the RRN certificate is issued by the root,
// and the PKCS#15 files are as card content v5.4 §5 gives them; the PIN has
// three tries. Options.Rekeyed gives a 1.7 card re-keyed to the EC PKI (RSA
// card keys, ECDSA identity signatures); Options.Seed makes a card
// reproducible.
//
// The virtual card sets TCP_QUICKACK on its socket before each read: a
// full read with package eid through pcscd (46 APDUs on 1.7) takes about
// 20 ms, where delayed ACKs would cost about 50 ms per APDU. The command
// cmd/vcard runs it until interrupted; OpenSC sees it (opensc-tool -n says
// "Belpic cards", pkcs15-tool lists its certificates).
//
// Faults and odd readers are decorators around a card's Transmit, in the
// manner of testing/iotest's readers: FaultAt with a Fault (a status word,
// truncated or garbled data, an empty answer, a transport error) at one
// command, ShortReads, SelectByIDOnly, SelectPathWithMFOnly; Record keeps a
// trace of the commands. RemoveAfter pulls the card out after n commands.
//
// The package is pure Go. It is meant for tests and demonstrations: its keys
// are test keys and its certificates are issued by a test root that no one
// trusts.
//
// References in comments: "card content v5.4" is the Belgian Electronic
// Identity Card content specification v5.4; "applet 1.7/1.8 manual" are the
// Belpic applet reference manuals; "ID format v5" is the ID and address file
// contents v5.0.
package vcard
