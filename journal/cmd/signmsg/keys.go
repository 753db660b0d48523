package main

import (
	"context"
	"crypto"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"strconv"

	"github.com/csam-go/csam/eid"
	"github.com/csam-go/csam/eid/pcsc"
	"github.com/csam-go/csam/internal/fileinput"
	"github.com/csam-go/csam/piv"
)

// maxKeyFile bounds a private key file.
const maxKeyFile = 1 << 20

// loadKeyPair reads a PEM private key (PKCS #8, PKCS #1 or SEC 1) and its
// certificate; either path may be "-", standard input.
func loadKeyPair(in *fileinput.Inputs, keyPath, certPath string) (crypto.Signer, *x509.Certificate, error) {
	b, err := in.Read(keyPath, maxKeyFile)
	if err != nil {
		return nil, nil, err
	}
	blk, _ := pem.Decode(b)
	if blk == nil {
		return nil, nil, fmt.Errorf("%s: no PEM private key", keyPath)
	}
	var key any
	switch blk.Type {
	case "PRIVATE KEY":
		key, err = x509.ParsePKCS8PrivateKey(blk.Bytes)
	case "EC PRIVATE KEY":
		key, err = x509.ParseECPrivateKey(blk.Bytes)
	case "RSA PRIVATE KEY":
		key, err = x509.ParsePKCS1PrivateKey(blk.Bytes)
	default:
		err = fmt.Errorf("PEM block %q", blk.Type)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %v", keyPath, err)
	}
	signer, ok := key.(crypto.Signer)
	if !ok {
		return nil, nil, fmt.Errorf("%s: key of type %T cannot sign", keyPath, key)
	}
	certs, err := in.Certificates(certPath)
	if err != nil {
		return nil, nil, err
	}
	return signer, certs[0], nil
}

// openCardKey connects to the eID card in reader (or the first reader
// with a card) and returns its signature key ("sign") or, to show that
// Sign refuses it, its authentication key ("auth"); release ends the
// session.
func openCardKey(ctx context.Context, reader, role string, pin func() ([]byte, error)) (crypto.Signer, func(), error) {
	kr := eid.SigningKey
	switch role {
	case "sign":
	case "auth":
		kr = eid.AuthenticationKey
	default:
		return nil, nil, fmt.Errorf("-card-key %q: sign or auth", role)
	}
	pc, err := pcsc.Establish()
	if err != nil {
		return nil, nil, err // without cgo, the error says to rebuild with it
	}
	readers := []string{reader}
	if reader == "" {
		if readers, err = pc.Readers(); err != nil {
			pc.Release()
			return nil, nil, err
		}
	}
	for _, r := range readers {
		card, err := pc.Connect(r)
		if errors.Is(err, pcsc.ErrNoCard) && reader == "" {
			continue
		}
		if err != nil {
			pc.Release()
			return nil, nil, err
		}
		release := func() { card.Close(); pc.Release() }
		auth := eid.KeyAuth{PINPrompt: func(context.Context, eid.KeyRole) ([]byte, error) { return pin() }}
		key, err := eid.New(card, nil).PrivateKey(ctx, kr, auth)
		if err != nil {
			release()
			return nil, nil, err
		}
		return key, release, nil
	}
	pc.Release()
	return nil, nil, fmt.Errorf("no card in any of %d readers", len(readers))
}

// openPIVKey opens the PIV token in reader (or the first reader holding
// one) and returns the key of slot (hexadecimal key reference) with the
// certificate the token holds for it; release closes the token.
func openPIVKey(ctx context.Context, reader, slot string, pin func() ([]byte, error)) (crypto.Signer, *x509.Certificate, func(), error) {
	ref, err := strconv.ParseUint(slot, 16, 8)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("-slot %q: a key reference in hexadecimal (9a, 9c, 9d, 9e, 82-95)", slot)
	}
	s := piv.Slot(ref)
	if !s.Valid() {
		return nil, nil, nil, fmt.Errorf("-slot %q: not a PIV key slot (9a, 9c, 9d, 9e, 82-95)", slot)
	}
	tok, err := piv.Open(ctx, piv.Options{Reader: reader, PIN: func(context.Context, piv.Slot) (string, error) {
		p, err := pin()
		return string(p), err
	}})
	if err != nil {
		return nil, nil, nil, err // without cgo, the error says to rebuild with it
	}
	cert, err := tok.Certificate(s)
	if err != nil {
		tok.Close()
		return nil, nil, nil, err
	}
	signer, err := tok.Signer(ctx, s)
	if err != nil {
		tok.Close()
		return nil, nil, nil, err
	}
	return signer, cert, func() { tok.Close() }, nil
}
