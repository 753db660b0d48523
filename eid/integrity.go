package eid

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math/big"
	"strings"
)

// CheckStatus is the outcome of one integrity check.
type CheckStatus int

// Outcomes.
const (
	// CheckSkipped: the check does not apply (no basic key before applet
	// 1.8, INTERNAL AUTHENTICATE on a dump, no trusted roots given) or
	// could not run; Err says why.
	CheckSkipped CheckStatus = iota
	// CheckPassed: the check ran and the content is intact.
	CheckPassed
	// CheckFailed: the check ran and failed; Err says why.
	CheckFailed
)

// String returns "passed", "failed" or "skipped".
func (s CheckStatus) String() string {
	switch s {
	case CheckPassed:
		return "passed"
	case CheckFailed:
		return "failed"
	}
	return "skipped"
}

// Check is the result of one integrity check.
type Check struct {
	Name   string
	Status CheckStatus
	// Detail says how the check passed, e.g. "SHA-256" or "RSA PKCS#1 v1.5
	// SHA-1".
	Detail string
	// Err is why the check failed or was skipped.
	Err error
}

// OK reports whether the check passed.
func (c Check) OK() bool { return c.Status == CheckPassed }

// String formats the check as "name: status (detail): error".
func (c Check) String() string {
	s := c.Name + ": " + c.Status.String()
	if c.Detail != "" {
		s += " (" + c.Detail + ")"
	}
	if c.Err != nil {
		s += ": " + c.Err.Error()
	}
	return s
}

func passed(name, detail string) Check { return Check{Name: name, Status: CheckPassed, Detail: detail} }
func failed(name string, err error) Check {
	return Check{Name: name, Status: CheckFailed, Err: err}
}
func skipped(name string, err error) Check {
	return Check{Name: name, Status: CheckSkipped, Err: err}
}

// Integrity holds the integrity checks of card content v5.4 §6.2, each
// reported separately.
type Integrity struct {
	// Photo: the hash of the photo file equals identity tag 11 (hash
	// algorithm chosen by the hash length: 20 SHA-1, 32 SHA-256, 48
	// SHA-384).
	Photo Check
	// IdentitySignature: EF(SGN#ID) 4032 over the identity file, with the
	// RRN certificate's key (§6.2.3).
	IdentitySignature Check
	// AddressSignature: EF(SGN#Address) 4034 over the address file without
	// its trailing zero bytes followed by the identity signature file as
	// read (§6.2.5), or, with an EC RRN key, by the identity signature
	// trimmed to its DER length.
	AddressSignature Check
	// BasicKey: identity tag 1A equals the SHA-384 of EF(PuK#1 Basic)
	// 4040 (§6.2.7, applet 1.8).
	BasicKey Check
	// InternalAuthenticate: the card signs a fresh random challenge with
	// its basic key, which verifies with the key of 4040 (applet 1.8
	// reference manual §5.2, §6.11). Proves a genuine card, not a copy of
	// its files. Skipped for a dump.
	InternalAuthenticate Check
	// RRNCertificate: the RRN certificate (503C) is signed by a trusted
	// root, or by the card's root 503B when that root is trusted or no
	// trust anchors are given (card content v5.4 §8.4: the root signs the
	// RRN certificate).
	RRNCertificate Check
	// Root: the card's root certificate (503B) has the public key of a
	// trusted root (TrustedRoots or TrustedRootPins). Skipped when no trust
	// anchors are given.
	Root Check
	// Certificates: the card's root certificate (503B) is self-signed, its
	// CA certificate (503A) signed by that root, and the authentication (5038) and signing (5039)
	// certificates by that CA. A card without a signing certificate (a
	// child's) passes, saying so; a missing CA, root or authentication
	// certificate fails. Revocation and validity are not checked here
	// (package x509check does).
	Certificates Check
}

// Checks returns the checks in a fixed order.
func (in *Integrity) Checks() []Check {
	return []Check{in.Photo, in.IdentitySignature, in.AddressSignature, in.BasicKey,
		in.InternalAuthenticate, in.RRNCertificate, in.Root, in.Certificates}
}

// OK reports whether no check failed (skipped checks do not count).
func (in *Integrity) OK() bool { return in.Err() == nil }

// Err joins the errors of the failed checks, or returns nil.
func (in *Integrity) Err() error {
	var errs []error
	for _, c := range in.Checks() {
		if c.Status == CheckFailed {
			errs = append(errs, fmt.Errorf("eid: integrity: %s: %w", c.Name, c.Err))
		}
	}
	return errors.Join(errs...)
}

// VerifyOptions configure Verify. The zero value is a valid default.
type VerifyOptions struct {
	// TrustedRoots are the Belgian root certificates the card's root and
	// the RRN certificate must chain to, matched by public key (roots were
	// re-issued with the same key). Empty: the Root check is skipped and
	// the RRN certificate is checked against the card's own root only.
	TrustedRoots []*x509.Certificate
	// TrustedRootPins are trusted roots given by the hexadecimal SHA-256
	// of their SubjectPublicKeyInfo (e.g. the pins of
	// x509check.BelgianRootPins()). The card's root matches one by
	// its key; the RRN certificate must then be signed by that root.
	TrustedRootPins []string
	// Rand is the source of the INTERNAL AUTHENTICATE challenge; nil means
	// crypto/rand.
	Rand io.Reader
	// SkipInternalAuthenticate leaves out the challenge to the card.
	SkipInternalAuthenticate bool
}

// internalAuthenticator is a source that can sign a challenge with the
// basic key: a *Card.
type internalAuthenticator interface {
	InternalAuthenticate(ctx context.Context, challenge []byte) ([]byte, error)
}

// Verify runs the integrity checks on the contents read from src (read by
// Verify when c is nil). Each check is reported separately in the result;
// the error is non-nil only when the contents cannot be read or lack the
// identity or address.
func Verify(ctx context.Context, src Source, c *Contents, opts *VerifyOptions) (*Integrity, error) {
	var o VerifyOptions
	if opts != nil {
		o = *opts
	}
	if c == nil {
		var err error
		if c, err = ReadContents(ctx, src, nil); err != nil {
			return nil, err
		}
	}
	if c.Identity == nil || c.Address == nil || c.Raw == nil {
		return nil, fmt.Errorf("eid: verify: contents without identity or address (use ReadContents)")
	}
	in := &Integrity{}
	id := c.Identity
	rrn := c.Certificates.RRN

	// Photo.
	photo := c.Photo
	if photo == nil {
		if b, err := src.ReadFile(ctx, FilePhoto); err == nil {
			photo = b
		}
	}
	switch h, name := hashForLength(len(id.PhotoHash)); {
	case len(id.PhotoHash) == 0:
		in.Photo = failed("photo", fmt.Errorf("%w: identity has no photo hash", errIntegrity))
	case h == 0:
		in.Photo = failed("photo", fmt.Errorf("%w: photo hash of %d bytes", errIntegrity, len(id.PhotoHash)))
	case photo == nil:
		in.Photo = failed("photo", fmt.Errorf("%w: no photo", errIntegrity))
	case bytes.Equal(digest(h, photo), id.PhotoHash):
		in.Photo = passed("photo", name)
	default:
		in.Photo = failed("photo", fmt.Errorf("%w: photo %s does not match identity tag 11", errIntegrity, name))
	}

	// Signatures with the RRN certificate.
	idSig := c.Raw[FileIdentitySignature]
	prefer, _ := hashForLength(len(id.PhotoHash))
	if rrn == nil {
		err := fmt.Errorf("%w: no RRN certificate", errIntegrity)
		in.IdentitySignature = failed("identity signature", err)
		in.AddressSignature = failed("address signature", err)
	} else {
		in.IdentitySignature = checkFileSignature("identity signature", rrn.PublicKey, prefer, idSig,
			id.Raw, trimZeros(id.Raw))
		// Card content v5.4 §6.2.5: the address file without its trailing
		// zeros, then EF(SGN#ID). The spec does not say whether the zero
		// padding of an ECDSA EF(SGN#ID) is part of it: as read first, then
		// trimmed to its DER length.
		addr := trimZeros(c.Address.Raw)
		variants := [][]byte{append(append([]byte(nil), addr...), idSig...)}
		if _, ec := rrn.PublicKey.(*ecdsa.PublicKey); ec {
			if der := derPrefix(idSig); len(der) < len(idSig) {
				variants = append(variants, append(append([]byte(nil), addr...), der...))
			}
		}
		in.AddressSignature = checkFileSignature("address signature", rrn.PublicKey, prefer,
			c.Raw[FileAddressSignature], variants...)
	}

	// Basic key (applet 1.8).
	rawKey := c.Raw[FileBasicKey]
	switch {
	case len(id.BasicKeyHash) == 0 && rawKey == nil:
		in.BasicKey = skipped("basic key", errors.New("no basic key before applet 1.8"))
	case len(id.BasicKeyHash) == 0:
		in.BasicKey = failed("basic key", fmt.Errorf("%w: identity has no basic key hash (tag 1A)", errIntegrity))
	case rawKey == nil:
		in.BasicKey = failed("basic key", fmt.Errorf("%w: no basic key file 4040", errIntegrity))
	default:
		in.BasicKey = failed("basic key", fmt.Errorf("%w: SHA-384 of file 4040 does not match identity tag 1A", errIntegrity))
		for _, b := range [][]byte{rawKey, derPrefix(rawKey)} {
			if h := sha512.Sum384(b); bytes.Equal(h[:], id.BasicKeyHash) {
				in.BasicKey = passed("basic key", "SHA-384")
				break
			}
		}
	}

	// INTERNAL AUTHENTICATE.
	ia, isCard := src.(internalAuthenticator)
	ecKey, _ := c.BasicKey.(*ecdsa.PublicKey)
	switch {
	case c.BasicKey == nil:
		in.InternalAuthenticate = skipped("internal authenticate", errors.New("no basic key"))
	case !isCard:
		in.InternalAuthenticate = skipped("internal authenticate", errNotACard)
	case o.SkipInternalAuthenticate:
		in.InternalAuthenticate = skipped("internal authenticate", errors.New("not asked"))
	case ecKey == nil:
		in.InternalAuthenticate = failed("internal authenticate", fmt.Errorf("%w: basic key is not EC", errIntegrity))
	default:
		in.InternalAuthenticate = challenge(ctx, ia, ecKey, o.Rand)
	}

	// Root and RRN certificate.
	root := c.Certificates.Root
	anchors := len(o.TrustedRoots) > 0 || len(o.TrustedRootPins) > 0
	rootTrusted := false
	switch {
	case !anchors:
		in.Root = skipped("root", errors.New("no trusted roots given"))
	case root == nil:
		in.Root = failed("root", fmt.Errorf("%w: no root certificate on the card", errIntegrity))
	default:
		if t := matchRoot(root, o.TrustedRoots); t != nil {
			in.Root, rootTrusted = passed("root", "key of "+t.Subject.CommonName), true
		} else if pinned(root, o.TrustedRootPins) {
			in.Root, rootTrusted = passed("root", "pinned key of "+root.Subject.CommonName), true
		} else {
			in.Root = failed("root", fmt.Errorf("%w: card root %q is not a trusted root", errIntegrity, root.Subject.CommonName))
		}
	}
	switch {
	case rrn == nil:
		in.RRNCertificate = failed("RRN certificate", fmt.Errorf("%w: no RRN certificate", errIntegrity))
	case anchors:
		in.RRNCertificate = failed("RRN certificate", fmt.Errorf("%w: RRN certificate %q is not signed by a trusted root", errIntegrity, rrn.Subject.CommonName))
		issuers := o.TrustedRoots
		if rootTrusted {
			issuers = append([]*x509.Certificate{root}, issuers...)
		}
		for _, r := range issuers {
			if checkCertSignature(rrn, r.PublicKey) == nil {
				in.RRNCertificate = passed("RRN certificate", "signed by "+r.Subject.CommonName)
				break
			}
		}
	case root == nil:
		in.RRNCertificate = skipped("RRN certificate", errors.New("no trusted roots given and no root on the card"))
	default:
		if err := checkCertSignature(rrn, root.PublicKey); err != nil {
			in.RRNCertificate = failed("RRN certificate", fmt.Errorf("%w: not signed by the card's root: %v", errIntegrity, err))
		} else {
			in.RRNCertificate = passed("RRN certificate", "signed by the card's root (not checked against trusted roots)")
		}
	}
	in.Certificates = checkChain(c.Certificates)
	return in, nil
}

// checkChain checks the signatures from the card's root to its CA and from
// the CA to the authentication and signing certificates.
func checkChain(cs Certificates) Check {
	const name = "certificates"
	switch {
	case cs.Root == nil:
		return failed(name, fmt.Errorf("%w: no root certificate", errIntegrity))
	case cs.CA == nil:
		return failed(name, fmt.Errorf("%w: no CA certificate", errIntegrity))
	case cs.Authentication == nil:
		return failed(name, fmt.Errorf("%w: no authentication certificate", errIntegrity))
	}
	if err := checkCertSignature(cs.Root, cs.Root.PublicKey); err != nil {
		return failed(name, fmt.Errorf("%w: root certificate not self-signed: %v", errIntegrity, err))
	}
	if err := checkCertSignature(cs.CA, cs.Root.PublicKey); err != nil {
		return failed(name, fmt.Errorf("%w: CA certificate not signed by the card's root: %v", errIntegrity, err))
	}
	if err := checkCertSignature(cs.Authentication, cs.CA.PublicKey); err != nil {
		return failed(name, fmt.Errorf("%w: authentication certificate not signed by the card's CA: %v", errIntegrity, err))
	}
	if cs.Signing == nil {
		return passed(name, "root self-signed, CA signed by the root, authentication by the CA; no signing certificate")
	}
	if err := checkCertSignature(cs.Signing, cs.CA.PublicKey); err != nil {
		return failed(name, fmt.Errorf("%w: signing certificate not signed by the card's CA: %v", errIntegrity, err))
	}
	return passed(name, "root self-signed, CA signed by the root, authentication and signing by the CA")
}

// hashForLength maps a photo hash length to its algorithm.
func hashForLength(n int) (crypto.Hash, string) {
	switch n {
	case 20:
		return crypto.SHA1, "SHA-1"
	case 32:
		return crypto.SHA256, "SHA-256"
	case 48:
		return crypto.SHA384, "SHA-384"
	case 64:
		return crypto.SHA512, "SHA-512"
	}
	return 0, ""
}

func hashName(h crypto.Hash) string {
	switch h {
	case crypto.SHA1:
		return "SHA-1"
	case crypto.SHA256:
		return "SHA-256"
	case crypto.SHA384:
		return "SHA-384"
	case crypto.SHA512:
		return "SHA-512"
	}
	return h.String()
}

func digest(h crypto.Hash, b []byte) []byte {
	switch h {
	case crypto.SHA1:
		s := sha1.Sum(b)
		return s[:]
	case crypto.SHA256:
		s := sha256.Sum256(b)
		return s[:]
	case crypto.SHA384:
		s := sha512.Sum384(b)
		return s[:]
	case crypto.SHA512:
		s := sha512.Sum512(b)
		return s[:]
	}
	return nil
}

// derPrefix returns b trimmed to the DER element it starts with, or b.
func derPrefix(b []byte) []byte {
	if n, ok := derLength(b); ok && n <= len(b) {
		return b[:n]
	}
	return b
}

// checkFileSignature verifies a signature file over one of the data
// variants with an RRN key: RSA PKCS#1 v1.5 trying the preferred hash first
// (the photo hash's; re-signed cards need SHA-256 where the photo hash is
// SHA-1), or ECDSA with the zero padding of the signature file trimmed to
// the DER length (card content v5.4 §6.2.5 and the applet 1.7 addendum).
func checkFileSignature(name string, pub crypto.PublicKey, prefer crypto.Hash, sig []byte, data ...[]byte) Check {
	if len(sig) == 0 || allZero(sig) {
		return failed(name, fmt.Errorf("%w: no signature", errIntegrity))
	}
	hashes := []crypto.Hash{crypto.SHA256, crypto.SHA1, crypto.SHA384, crypto.SHA512}
	if prefer != 0 {
		hashes = append([]crypto.Hash{prefer}, hashes...)
	}
	switch k := pub.(type) {
	case *rsa.PublicKey:
		for _, h := range hashes {
			for _, d := range data {
				if rsa.VerifyPKCS1v15(k, h, digest(h, d), sig) == nil {
					return passed(name, "RSA PKCS#1 v1.5 "+hashName(h))
				}
			}
		}
		return failed(name, fmt.Errorf("%w: RSA signature does not verify", errIntegrity))
	case *ecdsa.PublicKey:
		der := derPrefix(sig)
		hashes = append([]crypto.Hash{crypto.SHA384, curveHash(k.Curve)}, hashes...)
		for _, h := range hashes {
			for _, d := range data {
				if ecdsa.VerifyASN1(k, digest(h, d), der) {
					return passed(name, "ECDSA "+hashName(h))
				}
			}
		}
		return failed(name, fmt.Errorf("%w: ECDSA signature does not verify", errIntegrity))
	}
	return failed(name, fmt.Errorf("%w: RRN key of type %T", errIntegrity, pub))
}

func curveHash(c elliptic.Curve) crypto.Hash {
	switch c.Params().BitSize {
	case 256:
		return crypto.SHA256
	case 384:
		return crypto.SHA384
	}
	return crypto.SHA512
}

// challenge runs INTERNAL AUTHENTICATE with a fresh random challenge.
func challenge(ctx context.Context, ia internalAuthenticator, pub *ecdsa.PublicKey, r io.Reader) Check {
	const name = "internal authenticate"
	if r == nil {
		r = rand.Reader
	}
	chl := make([]byte, 48)
	if _, err := io.ReadFull(r, chl); err != nil {
		return skipped(name, err)
	}
	sig, err := ia.InternalAuthenticate(ctx, chl)
	if err != nil {
		return failed(name, fmt.Errorf("%w: %v", errIntegrity, err))
	}
	n := len(sig) / 2
	if len(sig) == 0 || len(sig)%2 != 0 {
		return failed(name, fmt.Errorf("%w: signature of %d bytes", errIntegrity, len(sig)))
	}
	rr, ss := new(big.Int).SetBytes(sig[:n]), new(big.Int).SetBytes(sig[n:])
	if !ecdsa.Verify(pub, chl, rr, ss) {
		return failed(name, fmt.Errorf("%w: the card's answer does not verify with the basic key", errIntegrity))
	}
	return passed(name, "ECDSA, 48-byte challenge")
}

// publicKeyEqual compares two public keys.
func publicKeyEqual(a, b crypto.PublicKey) bool {
	e, ok := a.(interface{ Equal(crypto.PublicKey) bool })
	return ok && e.Equal(b)
}

// matchRoot returns the trusted root with the public key of root, or nil.
func matchRoot(root *x509.Certificate, trusted []*x509.Certificate) *x509.Certificate {
	for _, t := range trusted {
		if t != nil && publicKeyEqual(root.PublicKey, t.PublicKey) {
			return t
		}
	}
	return nil
}

// pinned reports whether c's SubjectPublicKeyInfo hashes (SHA-256) to one
// of the hex pins.
func pinned(c *x509.Certificate, pins []string) bool {
	h := sha256.Sum256(c.RawSubjectPublicKeyInfo)
	got := hex.EncodeToString(h[:])
	for _, p := range pins {
		if strings.EqualFold(strings.ReplaceAll(p, ":", ""), got) {
			return true
		}
	}
	return false
}

// checkCertSignature verifies cert's signature with pub. Unlike
// x509.Certificate.CheckSignatureFrom it accepts SHA-1, which the older
// Belgian RRN and specimen certificates use.
func checkCertSignature(cert *x509.Certificate, pub crypto.PublicKey) error {
	var h crypto.Hash
	switch cert.SignatureAlgorithm {
	case x509.SHA1WithRSA, x509.ECDSAWithSHA1:
		h = crypto.SHA1
	case x509.SHA256WithRSA, x509.ECDSAWithSHA256:
		h = crypto.SHA256
	case x509.SHA384WithRSA, x509.ECDSAWithSHA384:
		h = crypto.SHA384
	case x509.SHA512WithRSA, x509.ECDSAWithSHA512:
		h = crypto.SHA512
	default:
		return fmt.Errorf("unsupported signature algorithm %v", cert.SignatureAlgorithm)
	}
	d := digest(h, cert.RawTBSCertificate)
	switch k := pub.(type) {
	case *rsa.PublicKey:
		return rsa.VerifyPKCS1v15(k, h, d, cert.Signature)
	case *ecdsa.PublicKey:
		if ecdsa.VerifyASN1(k, d, cert.Signature) {
			return nil
		}
		return errors.New("ECDSA signature does not verify")
	}
	return fmt.Errorf("unsupported key %T", pub)
}
