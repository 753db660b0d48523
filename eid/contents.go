package eid

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/x509"
	"errors"
	"fmt"
)

// Certificates are the five certificates of the card (card content v5.4
// §8); nil when the file holds none (all zeros).
type Certificates struct {
	Authentication *x509.Certificate // 5038, Cert#2
	Signing        *x509.Certificate // 5039, Cert#3, non-repudiation
	CA             *x509.Certificate // 503A, Cert#4, Citizen or Foreigner CA
	Root           *x509.Certificate // 503B, Cert#6, Belgian root CA
	RRN            *x509.Certificate // 503C, Cert#8, National Register
}

// ParseCertificateFile parses a certificate file: DER padded with zero
// bytes, trimmed to the DER length; a file of zeros (or empty) holds no
// certificate and gives nil, nil. Errors match ErrMalformed.
func ParseCertificateFile(b []byte) (*x509.Certificate, error) {
	if allZero(b) {
		return nil, nil
	}
	n, ok := derLength(b)
	if !ok || n > len(b) {
		return nil, fmt.Errorf("%w: certificate: bad DER length", ErrMalformed)
	}
	c, err := x509.ParseCertificate(b[:n])
	if err != nil {
		return nil, fmt.Errorf("%w: certificate: %v", ErrMalformed, err)
	}
	return c, nil
}

// ParseBasicKey parses EF(PuK#1 Basic) 4040 (card content v5.4 §6.2.7), a
// DER SubjectPublicKeyInfo of an EC key, possibly zero padded. Errors match
// ErrMalformed.
func ParseBasicKey(b []byte) (*ecdsa.PublicKey, error) {
	n, ok := derLength(b)
	if !ok || n > len(b) {
		return nil, fmt.Errorf("%w: basic key: bad DER length", ErrMalformed)
	}
	k, err := x509.ParsePKIXPublicKey(b[:n])
	if err != nil {
		return nil, fmt.Errorf("%w: basic key: %v", ErrMalformed, err)
	}
	ec, ok := k.(*ecdsa.PublicKey)
	if !ok {
		return nil, fmt.Errorf("%w: basic key is %T, not EC", ErrMalformed, k)
	}
	return ec, nil
}

// Contents is everything a full read gives: parsed values and the raw
// files (Raw, keyed by file ID) for the integrity checks.
type Contents struct {
	CardData     *CardData // nil when the source has none (a dump without carddata)
	Identity     *Identity
	Address      *Address
	Photo        []byte // JPEG
	Certificates Certificates
	// BasicKey is the card's basic public key (4040) on applet 1.8, nil
	// before.
	BasicKey crypto.PublicKey
	Raw      map[FileID][]byte
	// Absent lists the files a dump does not have, in the order of
	// DumpFiles (a card's files are all read, or ReadContents fails). The
	// integrity checks that need them cannot run.
	Absent []FileID
}

// ReadOptions configure ReadContents. The zero value reads everything.
type ReadOptions struct {
	// SkipPhoto leaves the photo unread (it is the slowest file); the
	// photo check of Verify then reads it if asked.
	SkipPhoto bool
	// SkipCertificates leaves the five certificates unread.
	SkipCertificates bool
}

// ReadContents reads and parses card data (when the source knows it),
// identity, address, photo and the five certificates, and on applet 1.8
// (identity tag 1A present) the basic public key. The identity and address
// signature files are read too, for Verify. A *Card reads each file once.
//
// A card's files are checked against each other (the integrity checks of
// Verify that need no trust anchor); when they disagree, the card is read
// once more, so that an answer garbled on the way is not taken for the
// card's: files that differ between the reads and still disagree fail with
// an error matching ErrMalformed.
//
// From a *Card every file is mandatory: one the card does not have (6A82)
// fails the read, as does an empty CA, root or RRN certificate file (the
// authentication and signing certificate files may hold none, as on the
// cards of children). The card data's serial must equal the identity's
// chip number. From another source (a *Dump) only the identity and address
// are: the other files may be absent, and Contents.Absent lists them.
//
// Errors: those of the source's ReadFile (a missing identity or address, or
// any missing file of a card, matches ErrFileNotFound), and *FieldError or
// errors matching ErrMalformed for malformed content.
func ReadContents(ctx context.Context, src Source, opts *ReadOptions) (*Contents, error) {
	var o ReadOptions
	if opts != nil {
		o = *opts
	}
	c, err := readContents(ctx, src, o)
	card, isCard := src.(*Card)
	if err != nil || !isCard || consistent(ctx, src, c) {
		return c, err
	}
	// A card whose files do not agree with each other (a signature, a
	// hash, a certificate chain): read again, in case an answer was
	// garbled on the way. The same files again are the card's, which
	// Verify reports; other files must then agree.
	card.forget()
	again, err := readContents(ctx, src, o)
	if err != nil {
		return nil, err
	}
	if sameFiles(c, again) || consistent(ctx, src, again) {
		return again, nil
	}
	return nil, fmt.Errorf("eid: %w: the card's files differ between two reads", errBadResponse)
}

// consistent reports whether the integrity checks that need no trust
// anchor and no card command pass on c.
func consistent(ctx context.Context, src Source, c *Contents) bool {
	in, err := Verify(ctx, src, c, &VerifyOptions{SkipInternalAuthenticate: true})
	return err == nil && in.OK()
}

func sameFiles(a, b *Contents) bool {
	if len(a.Raw) != len(b.Raw) {
		return false
	}
	for id, x := range a.Raw {
		if y, ok := b.Raw[id]; !ok || !bytes.Equal(x, y) {
			return false
		}
	}
	return a.CardData == nil && b.CardData == nil || a.CardData != nil && b.CardData != nil && bytes.Equal(a.CardData.Raw, b.CardData.Raw)
}

func readContents(ctx context.Context, src Source, o ReadOptions) (*Contents, error) {
	c := &Contents{Raw: make(map[FileID][]byte)}
	_, isCard := src.(*Card)
	if cs, ok := src.(cardDataSource); ok {
		cd, err := cs.CardData(ctx)
		switch {
		case err == nil:
			c.CardData = cd
		case isCard || !errors.Is(err, ErrFileNotFound):
			return nil, err
		}
	}
	read := func(id FileID, optional bool) ([]byte, error) {
		b, err := src.ReadFile(ctx, id)
		if err != nil {
			if optional && !isCard && errors.Is(err, ErrFileNotFound) {
				c.Absent = append(c.Absent, id)
				return nil, nil
			}
			return nil, err
		}
		c.Raw[id] = b
		return b, nil
	}
	b, err := read(FileIdentity, false)
	if err != nil {
		return nil, err
	}
	if c.Identity, err = ParseIdentity(b); err != nil {
		return nil, err
	}
	if c.CardData != nil && !bytes.Equal(c.CardData.Serial[:], c.Identity.ChipNumber) {
		return nil, fmt.Errorf("%w: the card data's serial %s is not the identity's chip number %X", ErrMalformed, c.CardData.SerialString(), c.Identity.ChipNumber)
	}
	if _, err := read(FileIdentitySignature, true); err != nil {
		return nil, err
	}
	if b, err = read(FileAddress, false); err != nil {
		return nil, err
	}
	if c.Address, err = ParseAddress(b); err != nil {
		return nil, err
	}
	if _, err := read(FileAddressSignature, true); err != nil {
		return nil, err
	}
	if !o.SkipPhoto {
		if c.Photo, err = read(FilePhoto, true); err != nil {
			return nil, err
		}
	}
	if !o.SkipCertificates {
		certs := []struct {
			id       FileID
			dst      **x509.Certificate
			mayBeNil bool // on a card
		}{
			{FileAuthCert, &c.Certificates.Authentication, true},
			{FileSigningCert, &c.Certificates.Signing, true},
			{FileCACert, &c.Certificates.CA, false},
			{FileRootCert, &c.Certificates.Root, false},
			{FileRRNCert, &c.Certificates.RRN, false},
		}
		for _, ce := range certs {
			b, err := read(ce.id, true)
			if err != nil {
				return nil, err
			}
			if *ce.dst, err = ParseCertificateFile(b); err != nil {
				return nil, fmt.Errorf("eid: file %s (%s): %w", ce.id, ce.id.Name(), err)
			}
			if isCard && *ce.dst == nil && !ce.mayBeNil {
				return nil, fmt.Errorf("eid: file %s (%s): %w: no certificate", ce.id, ce.id.Name(), ErrMalformed)
			}
		}
	}
	if len(c.Identity.BasicKeyHash) > 0 || (c.CardData != nil && c.CardData.AppletVersion >= 0x18) {
		b, err := read(FileBasicKey, true)
		if err != nil {
			return nil, err
		}
		if b != nil || isCard {
			k, err := ParseBasicKey(b)
			if err != nil {
				return nil, err
			}
			c.BasicKey = k
		}
	}
	return c, nil
}
