package keys

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MinPasswordLength is the least number of characters art. 5 allows in a
// password ("composé de 15 signes").
const MinPasswordLength = 15

// PasswordRules is a set of the parts of the rule of art. 5, one bit each;
// a PasswordError holds the ones a password breaks (test one with
// pe.Rules&RuleDigit != 0).
type PasswordRules uint8

// The parts of the rule of art. 5.
const (
	// RuleLength: at least the policy's MinLength characters (runes).
	RuleLength PasswordRules = 1 << iota
	// RuleLetter: at least one Unicode letter.
	RuleLetter
	// RuleDigit: at least one decimal digit.
	RuleDigit
	// RuleSymbol: at least one punctuation mark or symbol character.
	RuleSymbol
	// RuleValidChars: valid UTF-8 and no control character.
	RuleValidChars
	// RuleUnpredictable: no four identical characters in a row, and no
	// run of four consecutive letters or digits ("abcd", "4321"), which art.
	// 5 excludes by asking for an order "difficile à déceler".
	RuleUnpredictable
)

var ruleNames = [...]string{
	"too short",
	"no letter",
	"no digit",
	"no symbol (punctuation or other sign)",
	"invalid UTF-8 or control character",
	"predictable sequence of 4 or more characters",
}

// String lists the rules in r, separated by "; ".
func (r PasswordRules) String() string {
	var parts []string
	for i, name := range ruleNames {
		if r&(1<<i) != 0 {
			parts = append(parts, name)
		}
	}
	if rest := r &^ (1<<len(ruleNames) - 1); rest != 0 {
		parts = append(parts, fmt.Sprintf("rules(%#x)", uint8(rest)))
	}
	return strings.Join(parts, "; ")
}

// PasswordError is returned when a password does not meet the rule of
// art. 5: it lists every rule the password breaks. It never holds the
// password itself, so it can be logged.
type PasswordError struct {
	// Rules holds the rules the password breaks; never zero.
	Rules PasswordRules
	// Length is the password's length in characters (runes).
	Length int
	// MinLength is the length the policy asks for.
	MinLength int
}

// Error lists every rule broken, never the password.
func (e *PasswordError) Error() string {
	rules := e.Rules.String()
	if e.Rules&RuleLength != 0 {
		rules = strings.Replace(rules, ruleNames[0], fmt.Sprintf("fewer than %d characters (has %d)", e.MinLength, e.Length), 1)
	}
	return "keys: password rejected: " + rules
}

// PasswordPolicy is the rule new passwords must meet. The zero value is the
// rule of art. 5: at least MinPasswordLength characters, with letters,
// digits and symbols, in an order that is hard to guess.
type PasswordPolicy struct {
	// MinLength is the least number of characters; zero or any value below
	// MinPasswordLength means MinPasswordLength.
	MinLength int
	// AllowPredictable, when set, skips the check for runs of repeated or
	// consecutive characters (RuleUnpredictable).
	AllowPredictable bool
}

// Check returns nil when password meets the policy, or a *PasswordError
// whose Rules are every rule it breaks. PasswordPolicy{}.Check checks the
// rule of art. 5. Letters and digits are
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
	var broken PasswordRules
	if n < minLen {
		broken |= RuleLength
	}
	if !letter {
		broken |= RuleLetter
	}
	if !digit {
		broken |= RuleDigit
	}
	if !symbol {
		broken |= RuleSymbol
	}
	if invalid || !utf8.ValidString(password) {
		broken |= RuleValidChars
	}
	if !p.AllowPredictable && predictable(password) {
		broken |= RuleUnpredictable
	}
	if broken == 0 {
		return nil
	}
	return &PasswordError{Rules: broken, Length: n, MinLength: minLen}
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
