package totp

import (
	"encoding/base32"
	"errors"
	"fmt"
	"strings"
)

// MinSecretBytes is the shortest secret ParseSecret and the verifiers accept:
// 128 bits, the minimum of RFC 4226 §4 (R6). Enrollment makes 160-bit
// secrets or longer, as RFC 4226 recommends.
const MinSecretBytes = 16

// What is wrong with an input, in an InputError.
var (
	errSecretEncoding = errors.New("totp: secret is not base32") // not RFC 4648 base32
	errSecretTooShort = errors.New("totp: secret too short")     // fewer than MinSecretBytes bytes
	errMalformedCode  = errors.New("totp: malformed code")       // not the configured number of digits
)

// InputError reports a secret or code given as text that cannot be used:
// a secret that is not base32 or too short, a code that is not the
// configured number of decimal digits. It never holds the secret or the
// code itself.
type InputError struct {
	Err    error  // what is wrong, as the message says
	Detail string // what is wrong, without the input
}

func (e *InputError) Error() string { return e.Err.Error() + ": " + e.Detail }

// Unwrap returns Err.
func (e *InputError) Unwrap() error { return e.Err }

var b32 = base32.StdEncoding.WithPadding(base32.NoPadding)

// ParseSecret decodes a base32 secret as authenticator apps and otpauth URIs
// show it: case-insensitive, with or without "=" padding, spaces and hyphens
// ignored. It fails with an *InputError for text that is not base32 or a
// secret shorter than MinSecretBytes.
func ParseSecret(s string) ([]byte, error) {
	var sb strings.Builder
	sb.Grow(len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == ' ' || c == '-' || c == '\t':
			continue
		case c >= 'a' && c <= 'z':
			c -= 'a' - 'A'
		}
		if !(c >= 'A' && c <= 'Z' || c >= '2' && c <= '7' || c == '=') {
			// The position in the input as given, spaces included.
			return nil, &InputError{Err: errSecretEncoding, Detail: fmt.Sprintf("character %d is not in the base32 alphabet A-Z 2-7", i+1)}
		}
		sb.WriteByte(c)
	}
	t := strings.TrimRight(sb.String(), "=")
	if t == "" {
		return nil, &InputError{Err: errSecretEncoding, Detail: "empty secret"}
	}
	if strings.Contains(t, "=") {
		return nil, &InputError{Err: errSecretEncoding, Detail: "padding \"=\" before the end"}
	}
	if n := len(t) % 8; n == 1 || n == 3 || n == 6 {
		return nil, &InputError{Err: errSecretEncoding, Detail: fmt.Sprintf("length %d is not a whole number of base32 bytes", len(t))}
	}
	b, err := b32.DecodeString(t)
	if err != nil {
		return nil, &InputError{Err: errSecretEncoding, Detail: "undecodable base32"}
	}
	if len(b) < MinSecretBytes {
		return nil, &InputError{Err: errSecretTooShort, Detail: fmt.Sprintf("%d bits, want at least %d", 8*len(b), 8*MinSecretBytes)}
	}
	return b, nil
}

// EncodeSecret returns the unpadded upper-case base32 form of a secret, as
// otpauth URIs carry it.
func EncodeSecret(secret []byte) string { return b32.EncodeToString(secret) }

// parseCode parses a one-time code of the given number of digits. Spaces are
// ignored ("123 456" as apps display it). It fails with an *InputError
// for anything else.
func parseCode(s string, digits int) (uint32, error) {
	var v uint32
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == ' ' || c == '\t' {
			continue
		}
		if c < '0' || c > '9' {
			return 0, &InputError{Err: errMalformedCode, Detail: "not a decimal number"}
		}
		n++
		if n > digits {
			break
		}
		v = v*10 + uint32(c-'0')
	}
	if n != digits {
		return 0, &InputError{Err: errMalformedCode, Detail: fmt.Sprintf("want %d digits", digits)}
	}
	return v, nil
}
