package totp

import (
	"crypto/hmac"
	"crypto/sha512"
	"encoding/binary"
	"hash"
	"time"

	"github.com/pquerna/otp/hotp"
	pqtotp "github.com/pquerna/otp/totp"
)

var pow10 = [...]uint32{1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000}

// generator computes HOTP values (RFC 4226 §5.3) for one secret, keying the
// HMAC once and reusing it across counters. Verification uses it to check a
// whole window without decoding the secret and allocating per step; the
// tests hold it equal to pquerna/otp's hotp.GenerateCodeCustom.
type generator struct {
	mac hash.Hash
	mod uint32
	buf [8]byte
	sum [sha512.Size]byte
}

func newGenerator(secret []byte, a Algorithm, digits int) *generator {
	return &generator{mac: hmac.New(a.hash(), secret), mod: pow10[digits]}
}

// at returns the HOTP value for counter, reduced to the configured digits.
func (g *generator) at(counter uint64) uint32 {
	binary.BigEndian.PutUint64(g.buf[:], counter)
	g.mac.Reset()
	g.mac.Write(g.buf[:])
	s := g.mac.Sum(g.sum[:0])
	off := s[len(s)-1] & 0x0f
	return (binary.BigEndian.Uint32(s[off:off+4]) & 0x7fffffff) % g.mod
}

// GenerateCode returns the TOTP code of secret at time t with the period,
// digits and algorithm of o (other fields are ignored), computed by
// pquerna/otp. It fails for invalid options or a secret shorter than
// MinSecretBytes.
func GenerateCode(secret []byte, t time.Time, o Options) (string, error) {
	c, err := o.withDefaults()
	if err != nil {
		return "", err
	}
	if len(secret) < MinSecretBytes {
		return "", &InputError{Err: ErrSecretTooShort, Detail: "secret too short for a code"}
	}
	if t.Unix() < 0 {
		return "", errBeforeEpoch
	}
	return pqtotp.GenerateCodeCustom(EncodeSecret(secret), t, pqtotp.ValidateOpts{
		Period:    uint(c.period / time.Second),
		Digits:    otpDigits(c.digits),
		Algorithm: c.alg.otp(),
	})
}

// GenerateHOTP returns the HOTP code (RFC 4226) of secret for counter,
// computed by pquerna/otp.
func GenerateHOTP(secret []byte, counter uint64, digits int, a Algorithm) (string, error) {
	if digits == 0 {
		digits = 6
	}
	if digits < 6 || digits > 8 || !a.Valid() {
		return "", errBadOptions("digits must be 6, 7 or 8 and the algorithm SHA1, SHA256 or SHA512")
	}
	return hotp.GenerateCodeCustom(EncodeSecret(secret), counter, hotp.ValidateOpts{
		Digits:    otpDigits(digits),
		Algorithm: a.otp(),
	})
}
