package eid

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"encoding/asn1"
	"errors"
	"fmt"
	"io"
	"math/big"
)

// KeyRole names a private key of the card by its reference (card content
// v5.4 §3.3.2; applet 1.8 reference manual Table 16).
type KeyRole byte

// The card's signature keys.
const (
	// AuthenticationKey (PrK#2, 82): the PIN is needed once per card
	// session ("PIN once", §5.1.1).
	AuthenticationKey KeyRole = 0x82
	// SigningKey (PrK#3, 83), non-repudiation: the PIN is verified right
	// before every signature ("PIN just before", §5.1.2).
	SigningKey KeyRole = 0x83
)

// String returns "authentication", "signing" or the reference in hex.
func (r KeyRole) String() string {
	switch r {
	case AuthenticationKey:
		return "authentication"
	case SigningKey:
		return "signing"
	}
	return fmt.Sprintf("key %02X", byte(r))
}

func (r KeyRole) certFile() FileID {
	if r == SigningKey {
		return FileSigningCert
	}
	return FileAuthCert
}

// KeyAuth says how a card key gets its PIN.
type KeyAuth struct {
	// PINPrompt returns the cardholder PIN when the card needs it: always
	// before a signature with the signing key, and for the authentication
	// key only when the card refuses the signature for lack of a verified
	// PIN. The returned slice is zeroed after use. A wrong PIN is returned
	// to the caller as *PINError: the prompt is never called again for the
	// same signature. Nil: a signature that needs the PIN fails with a
	// *PINError whose TriesLeft is -1.
	PINPrompt func(ctx context.Context, role KeyRole) ([]byte, error)
}

// PrivateKey is a private key of the card, usable as a crypto.Signer: RSA
// PKCS#1 v1.5 (and PSS with SHA-1 or SHA-256) on applet 1.7, ECDSA on
// applet 1.8, chosen by the certificate's public key.
type PrivateKey struct {
	card *Card
	role KeyRole
	cert *x509.Certificate
	auth KeyAuth
}

// PrivateKey returns the card key of role, with its certificate read from
// the card (5038 or 5039). It fails with an error matching ErrFileNotFound
// when the card has no certificate for the key.
func (c *Card) PrivateKey(ctx context.Context, role KeyRole, auth KeyAuth) (*PrivateKey, error) {
	if role != AuthenticationKey && role != SigningKey {
		return nil, fmt.Errorf("eid: unknown key role %02X", byte(role))
	}
	b, err := c.ReadFile(ctx, role.certFile())
	if err != nil {
		return nil, err
	}
	cert, err := ParseCertificateFile(b)
	if err != nil {
		return nil, err
	}
	if cert == nil {
		return nil, fmt.Errorf("eid: no %s certificate on the card: %w", role, ErrFileNotFound)
	}
	switch cert.PublicKey.(type) {
	case *rsa.PublicKey, *ecdsa.PublicKey:
	default:
		return nil, fmt.Errorf("eid: %s key of type %T is not supported", role, cert.PublicKey)
	}
	return &PrivateKey{card: c, role: role, cert: cert, auth: auth}, nil
}

// Public returns the public key of the certificate.
func (k *PrivateKey) Public() crypto.PublicKey { return k.cert.PublicKey }

// Certificate returns the key's certificate as read from the card.
func (k *PrivateKey) Certificate() *x509.Certificate { return k.cert }

// Sign signs digest with the card (crypto.Signer); rand is not used, the
// card makes its own randomness. It is SignContext without a deadline.
func (k *PrivateKey) Sign(_ io.Reader, digest []byte, opts crypto.SignerOpts) ([]byte, error) {
	return k.SignContext(context.Background(), digest, opts)
}

// DigestInfo prefixes of PKCS#1 v1.5 (RFC 8017 §9.2 note 1).
var digestInfo = map[crypto.Hash][]byte{
	crypto.MD5:    {0x30, 0x20, 0x30, 0x0c, 0x06, 0x08, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x02, 0x05, 0x05, 0x00, 0x04, 0x10},
	crypto.SHA1:   {0x30, 0x21, 0x30, 0x09, 0x06, 0x05, 0x2b, 0x0e, 0x03, 0x02, 0x1a, 0x05, 0x00, 0x04, 0x14},
	crypto.SHA224: {0x30, 0x2d, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x04, 0x05, 0x00, 0x04, 0x1c},
	crypto.SHA256: {0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20},
	crypto.SHA384: {0x30, 0x41, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x02, 0x05, 0x00, 0x04, 0x30},
	crypto.SHA512: {0x30, 0x51, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x03, 0x05, 0x00, 0x04, 0x40},
}

// signInput returns the MSE algorithm reference and the PSO data for a
// digest: applet 1.7 Table 11 (RSA: 01 PKCS#1 v1.5 with the DigestInfo
// from the host, 10/20 PSS SHA-1/SHA-256), applet 1.8 Table 14 (ECDSA: 01
// SHA-256, 02 SHA-384, 04 SHA-512, 40 hash not specified).
func (k *PrivateKey) signInput(digest []byte, opts crypto.SignerOpts) (byte, []byte, error) {
	h := opts.HashFunc()
	if h != 0 && len(digest) != h.Size() {
		return 0, nil, fmt.Errorf("eid: digest of %d bytes for %v", len(digest), h)
	}
	switch k.cert.PublicKey.(type) {
	case *rsa.PublicKey:
		if pss, ok := opts.(*rsa.PSSOptions); ok {
			if pss.SaltLength != rsa.PSSSaltLengthEqualsHash && pss.SaltLength != rsa.PSSSaltLengthAuto && pss.SaltLength != h.Size() {
				return 0, nil, errors.New("eid: the card makes RSA-PSS signatures with a salt as long as the hash only")
			}
			switch h {
			case crypto.SHA1:
				return 0x10, digest, nil
			case crypto.SHA256:
				return 0x20, digest, nil
			}
			return 0, nil, fmt.Errorf("eid: the card makes RSA-PSS signatures with SHA-1 or SHA-256 only, not %v", h)
		}
		if h == 0 {
			return 0x01, digest, nil
		}
		prefix, ok := digestInfo[h]
		if !ok {
			return 0, nil, fmt.Errorf("eid: unsupported hash %v", h)
		}
		return 0x01, append(append([]byte(nil), prefix...), digest...), nil
	case *ecdsa.PublicKey:
		switch h {
		case crypto.SHA256:
			return 0x01, digest, nil
		case crypto.SHA384:
			return 0x02, digest, nil
		case crypto.SHA512:
			return 0x04, digest, nil
		}
		switch len(digest) {
		case 20, 28, 32, 48, 64:
			return 0x40, digest, nil
		}
		return 0, nil, fmt.Errorf("eid: ECDSA digest of %d bytes", len(digest))
	}
	return 0, nil, fmt.Errorf("eid: key of type %T", k.cert.PublicKey)
}

// SignContext signs digest: MSE SET (00 22 41 B6 05 04 80 <alg> 84 <key>,
// §6.12), then PSO: COMPUTE DIGITAL SIGNATURE (00 2A 9E 9A <Lc> <data>,
// §6.13) with GET RESPONSE. For the signing key the PIN is asked every
// time and verified between MSE SET and PSO ("PIN just before", §5.1.2);
// for the authentication key it is asked only when PSO answers 6982
// (security status not satisfied), then verified, and MSE SET and PSO are
// sent once more. The PIN prompt is called without the card's lock held. ECDSA answers (raw r‖s)
// are returned ASN.1 encoded, as crypto.Signer requires.
//
// Errors: *PINError for a wrong or blocked PIN (never retried), or with
// TriesLeft -1 when no prompt is set or it gives no PIN; *StatusError from
// the card.
func (k *PrivateKey) SignContext(ctx context.Context, digest []byte, opts crypto.SignerOpts) ([]byte, error) {
	alg, data, err := k.signInput(digest, opts)
	if err != nil {
		return nil, err
	}
	c := k.card
	mse := []byte{claISO, 0x22, 0x41, 0xB6, 0x05, 0x04, 0x80, alg, 0x84, byte(k.role)}
	pso := append([]byte{claISO, 0x2A, 0x9E, 0x9A, byte(len(data))}, data...)
	// The prompt runs without the card lock held, so that it may ask the
	// card (e.g. PINTriesLeft) before answering.
	signWithPIN := func() ([]byte, error) {
		pin, err := k.askPIN(ctx)
		defer zero(pin)
		if err != nil {
			return nil, err
		}
		c.mu.Lock()
		defer c.mu.Unlock()
		if _, err := c.command(ctx, "MSE SET", mse); err != nil {
			return nil, err
		}
		if err := c.verifyLocked(ctx, pin); err != nil {
			return nil, err
		}
		return c.command(ctx, "PSO", pso)
	}
	var sig []byte
	if k.role == SigningKey {
		sig, err = signWithPIN()
	} else {
		c.mu.Lock()
		if _, err = c.command(ctx, "MSE SET", mse); err == nil {
			sig, err = c.command(ctx, "PSO", pso)
		}
		c.mu.Unlock()
		if hasSW(err, 0x6982) { // security status not satisfied
			sig, err = signWithPIN()
		}
	}
	if err != nil {
		return nil, err
	}
	return k.encodeSignature(sig)
}

// askPIN asks the prompt for the PIN, once.
func (k *PrivateKey) askPIN(ctx context.Context) ([]byte, error) {
	if k.auth.PINPrompt == nil {
		return nil, fmt.Errorf("eid: %s key: %w", k.role, &PINError{TriesLeft: -1})
	}
	pin, err := k.auth.PINPrompt(ctx, k.role)
	if err != nil {
		zero(pin)
		return nil, fmt.Errorf("eid: PIN prompt: %w", err)
	}
	if len(pin) == 0 {
		return nil, fmt.Errorf("eid: %s key: %w", k.role, &PINError{TriesLeft: -1})
	}
	return pin, nil
}

// encodeSignature checks the card's signature length and converts ECDSA
// r‖s to ASN.1.
func (k *PrivateKey) encodeSignature(sig []byte) ([]byte, error) {
	switch pub := k.cert.PublicKey.(type) {
	case *rsa.PublicKey:
		if len(sig) != pub.Size() {
			return nil, fmt.Errorf("eid: %w: RSA signature of %d bytes, want %d", errBadResponse, len(sig), pub.Size())
		}
		return sig, nil
	case *ecdsa.PublicKey:
		n := (pub.Curve.Params().BitSize + 7) / 8
		if len(sig) != 2*n {
			return nil, fmt.Errorf("eid: %w: ECDSA signature of %d bytes, want %d", errBadResponse, len(sig), 2*n)
		}
		return rawToASN1(sig)
	}
	return nil, fmt.Errorf("eid: key of type %T", k.cert.PublicKey)
}

// rawToASN1 converts a raw ECDSA signature r‖s (two halves of equal
// length, as the card returns it) to the ASN.1 SEQUENCE of two INTEGERs
// that crypto/ecdsa and X.509 use.
func rawToASN1(sig []byte) ([]byte, error) {
	if len(sig) == 0 || len(sig)%2 != 0 {
		return nil, fmt.Errorf("eid: %w: raw ECDSA signature of %d bytes", errBadResponse, len(sig))
	}
	n := len(sig) / 2
	return asn1.Marshal(struct{ R, S *big.Int }{
		new(big.Int).SetBytes(sig[:n]), new(big.Int).SetBytes(sig[n:]),
	})
}

// TLSCertificate returns a tls.Certificate for the key, with the key's
// certificate followed by chain (e.g. the CA certificate 503A), limited to
// the signature schemes the card can make: ECDSA with the curve's hash, or
// RSA PKCS#1 v1.5 with SHA-256/384/512 and RSA-PSS with SHA-256 (needed by
// TLS 1.3).
func (k *PrivateKey) TLSCertificate(chain ...*x509.Certificate) tls.Certificate {
	tc := tls.Certificate{PrivateKey: k, Leaf: k.cert, Certificate: [][]byte{k.cert.Raw}}
	for _, c := range chain {
		if c != nil {
			tc.Certificate = append(tc.Certificate, c.Raw)
		}
	}
	switch pub := k.cert.PublicKey.(type) {
	case *rsa.PublicKey:
		tc.SupportedSignatureAlgorithms = []tls.SignatureScheme{
			tls.PKCS1WithSHA256, tls.PKCS1WithSHA384, tls.PKCS1WithSHA512, tls.PSSWithSHA256,
		}
	case *ecdsa.PublicKey:
		switch pub.Curve.Params().BitSize {
		case 256:
			tc.SupportedSignatureAlgorithms = []tls.SignatureScheme{tls.ECDSAWithP256AndSHA256}
		case 384:
			tc.SupportedSignatureAlgorithms = []tls.SignatureScheme{tls.ECDSAWithP384AndSHA384}
		case 521:
			tc.SupportedSignatureAlgorithms = []tls.SignatureScheme{tls.ECDSAWithP521AndSHA512}
		}
	}
	return tc
}
