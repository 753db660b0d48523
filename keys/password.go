package keys

import (
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MinPasswordLength is the least number of characters art. 5 allows in a
// password ("composé de 15 signes").
const MinPasswordLength = 15

// ErrWeakPassword matches every *PasswordError with errors.Is.
var ErrWeakPassword = errors.New("keys: password does not meet the rule of art. 5")

// reasonPrefix starts the message of each reason sentinel; a PasswordError
// lists the reasons without it.
const reasonPrefix = "keys: password: "

// The reasons a password fails the rule of art. 5, found with errors.Is in
// the error CheckPassword returns.
var (
	ErrPasswordTooShort    = errors.New(reasonPrefix + "fewer than 15 characters")
	ErrPasswordNoLetter    = errors.New(reasonPrefix + "no letter")
	ErrPasswordNoDigit     = errors.New(reasonPrefix + "no digit")
	ErrPasswordNoSymbol    = errors.New(reasonPrefix + "no symbol (punctuation or other sign)")
	ErrPasswordInvalidChar = errors.New(reasonPrefix + "invalid UTF-8 or control character")
	// ErrPasswordPredictable: four or more identical characters in a row, or
	// a run of four consecutive letters or digits ("abcd", "4321"), which art.
	// 5 excludes by asking for an order "difficile à déceler".
	ErrPasswordPredictable = errors.New(reasonPrefix + "predictable sequence of 4 or more characters")
)

// PasswordError lists every reason a password fails. It never holds the
// password itself, so it can be logged.
type PasswordError struct {
	// Length is the password's length in characters (runes).
	Length int
	// MinLength is the length the policy asks for.
	MinLength int
	// Reasons holds one or more of the ErrPassword... sentinels.
	Reasons []error
}

// Error lists every reason, never the password.
func (e *PasswordError) Error() string {
	parts := make([]string, len(e.Reasons))
	for i, r := range e.Reasons {
		if errors.Is(r, ErrPasswordTooShort) {
			parts[i] = fmt.Sprintf("fewer than %d characters (has %d)", e.MinLength, e.Length)
		} else {
			parts[i] = strings.TrimPrefix(r.Error(), reasonPrefix)
		}
	}
	return "keys: password rejected: " + strings.Join(parts, "; ")
}

// Unwrap returns the reasons, so that errors.Is finds each of them.
func (e *PasswordError) Unwrap() []error { return e.Reasons }

// Is reports whether target is ErrWeakPassword.
func (e *PasswordError) Is(target error) bool { return target == ErrWeakPassword }

// PasswordPolicy is the rule new passwords must meet. The zero value is the
// rule of art. 5: at least MinPasswordLength characters, with letters,
// digits and symbols, in an order that is hard to guess.
type PasswordPolicy struct {
	// MinLength is the least number of characters; zero or any value below
	// MinPasswordLength means MinPasswordLength.
	MinLength int
	// AllowPredictable, when set, skips the check for runs of repeated or
	// consecutive characters (ErrPasswordPredictable).
	AllowPredictable bool
}

// CheckPassword checks a password against the rule of art. 5 (the zero
// PasswordPolicy). It returns nil or a *PasswordError listing every reason
// the password fails.
func CheckPassword(password string) error { return PasswordPolicy{}.Check(password) }

// Check returns nil when password meets the policy, or a *PasswordError
// listing every reason it does not (ErrPasswordTooShort,
// ErrPasswordNoLetter, ErrPasswordNoDigit, ErrPasswordNoSymbol,
// ErrPasswordInvalidChar, ErrPasswordPredictable). Letters and digits are
// Unicode letters and decimal digits; a symbol is a punctuation mark or a
// symbol character. Spaces are allowed but count as none of them.
func (p PasswordPolicy) Check(password string) error {
	minLen := max(p.MinLength, MinPasswordLength)
	var letter, digit, symbol, invalid bool
	n := 0
	for _, r := range password {
		n++
		switch {
		case r == utf8.RuneError || unicode.IsControl(r):
			invalid = true
		case unicode.IsLetter(r):
			letter = true
		case unicode.IsDigit(r):
			digit = true
		case unicode.IsPunct(r) || unicode.IsSymbol(r):
			symbol = true
		}
	}
	var reasons []error
	if n < minLen {
		reasons = append(reasons, ErrPasswordTooShort)
	}
	if !letter {
		reasons = append(reasons, ErrPasswordNoLetter)
	}
	if !digit {
		reasons = append(reasons, ErrPasswordNoDigit)
	}
	if !symbol {
		reasons = append(reasons, ErrPasswordNoSymbol)
	}
	if invalid || !utf8.ValidString(password) {
		reasons = append(reasons, ErrPasswordInvalidChar)
	}
	if !p.AllowPredictable && predictable(password) {
		reasons = append(reasons, ErrPasswordPredictable)
	}
	if len(reasons) == 0 {
		return nil
	}
	return &PasswordError{Length: n, MinLength: minLen, Reasons: reasons}
}

// predictable reports whether s holds 4 runes in a row that are equal, or
// consecutive letters or digits going up or down by one.
func predictable(s string) bool {
	const run = 4
	var prev rune
	same, up, down := 1, 1, 1
	for i, r := range []rune(s) {
		if i > 0 {
			lr, lp := unicode.ToLower(r), unicode.ToLower(prev)
			seq := (unicode.IsLetter(r) && unicode.IsLetter(prev)) || (unicode.IsDigit(r) && unicode.IsDigit(prev))
			same = bump(same, r == prev)
			up = bump(up, seq && lr == lp+1)
			down = bump(down, seq && lr == lp-1)
			if same >= run || up >= run || down >= run {
				return true
			}
		}
		prev = r
	}
	return false
}

func bump(n int, cont bool) int {
	if cont {
		return n + 1
	}
	return 1
}
