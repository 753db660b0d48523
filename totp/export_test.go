package totp

import "github.com/pquerna/otp/hotp"

// GenerateHOTP returns the HOTP code (RFC 4226) of secret for counter, for
// the external tests that compare it with oathtool.
func GenerateHOTP(secret []byte, counter uint64, digits int, a Algorithm) (string, error) {
	return generateHOTP(secret, counter, digits, a)
}

// generateHOTP returns the HOTP code (RFC 4226) of secret for counter,
// computed by pquerna/otp.
func generateHOTP(secret []byte, counter uint64, digits int, a Algorithm) (string, error) {
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

// ParseCode parses a one-time code of the given number of digits.
func ParseCode(s string, digits int) (uint32, error) { return parseCode(s, digits) }
