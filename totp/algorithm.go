package totp

import (
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"fmt"
	"hash"
	"strings"

	"github.com/pquerna/otp"
)

// Algorithm is the HMAC hash function of a TOTP credential (RFC 6238 §1.2).
// The zero value is SHA1, the one authenticator apps support everywhere.
type Algorithm uint8

const (
	// SHA1 is HMAC-SHA-1, the default of RFC 4226 and of authenticator apps.
	SHA1 Algorithm = iota
	// SHA256 is HMAC-SHA-256.
	SHA256
	// SHA512 is HMAC-SHA-512.
	SHA512
)

var algorithmNames = [...]string{"SHA1", "SHA256", "SHA512"}

// String returns "SHA1", "SHA256" or "SHA512", the names otpauth URIs use.
func (a Algorithm) String() string {
	if int(a) < len(algorithmNames) {
		return algorithmNames[a]
	}
	return fmt.Sprintf("algorithm(%d)", uint8(a))
}

// Valid reports whether a is one of the defined algorithms.
func (a Algorithm) Valid() bool { return int(a) < len(algorithmNames) }

// ParseAlgorithm parses "SHA1", "SHA256" or "SHA512", case-insensitively and
// with or without a hyphen ("sha-256").
func ParseAlgorithm(s string) (Algorithm, error) {
	t := strings.ReplaceAll(strings.ToUpper(strings.TrimSpace(s)), "-", "")
	for i, n := range algorithmNames {
		if t == n {
			return Algorithm(i), nil
		}
	}
	return 0, fmt.Errorf("totp: unknown algorithm %q (want SHA1, SHA256 or SHA512)", s)
}

func (a Algorithm) hash() func() hash.Hash {
	switch a {
	case SHA256:
		return sha256.New
	case SHA512:
		return sha512.New
	}
	return sha1.New
}

func (a Algorithm) otp() otp.Algorithm {
	switch a {
	case SHA256:
		return otp.AlgorithmSHA256
	case SHA512:
		return otp.AlgorithmSHA512
	}
	return otp.AlgorithmSHA1
}
