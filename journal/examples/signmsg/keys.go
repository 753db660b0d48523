package main

import (
	"context"
	"crypto"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"os"

	"github.com/csam-go/csam/eid"
	"github.com/csam-go/csam/eid/pcsc"
	"github.com/csam-go/csam/x509check"
)

// loadKeyPair reads a PEM private key (PKCS #8, PKCS #1 or SEC 1) and its
// certificate.
func loadKeyPair(keyPath, certPath string) (crypto.Signer, *x509.Certificate, error) {
	b, err := os.ReadFile(keyPath)
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
	certs, err := x509check.LoadCertificates(certPath)
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
		if errors.Is(err, pcsc.ErrNoCgo) {
			err = fmt.Errorf("%w: rebuild with CGO_ENABLED=1", err)
		}
		return nil, nil, err
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
