package keys_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/csam-go/csam/keys"
)

func TestCheckPassword(t *testing.T) {
	tests := []struct {
		name  string
		pw    string
		rules keys.PasswordRules
	}{
		{"good", "Tr0ub4dor&3-horse!", 0},
		{"good accents", "Crème-brûlée#2025?", 0},
		{"exactly 15", "kq7#Lm2!vR9@xT5", 0},
		{"spaces allowed", "blue 7 moose ; wren", 0},
		{"14 characters", "kq7#Lm2!vR9@xT", keys.RuleLength},
		{"15 bytes but 14 runes", "élan7#kq2!vR9@", keys.RuleLength},
		{"no digit", "correct-horse-battery!", keys.RuleDigit},
		{"no letter", "2024-07-15 10:30:00", keys.RuleLetter},
		{"no symbol", "CorrectHorse7Battery", keys.RuleSymbol},
		{"space is no symbol", "Correct Horse 7 Battery", keys.RuleSymbol},
		{"empty", "", keys.RuleLength | keys.RuleLetter | keys.RuleDigit | keys.RuleSymbol},
		{"short letters only", "letmeinnow", keys.RuleLength | keys.RuleDigit | keys.RuleSymbol},
		{"control character", "Tr0ub4dor&3-horse\x00", keys.RuleValidChars},
		{"invalid UTF-8", "Tr0ub4dor&3-horse\xff", keys.RuleValidChars},
		{"repeated", "Zx9!aaaa-Qw3#Rt", keys.RuleUnpredictable},
		{"ascending digits", "Zx!Qw-1234-Rt#Ky", keys.RuleUnpredictable},
		{"descending letters", "7!Zx-DCBA-9#Kyq", keys.RuleUnpredictable},
		{"three in a row is fine", "Zx9!abc-Qw3#Rt8", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := keys.PasswordPolicy{}.Check(tt.pw)
			if tt.rules == 0 {
				if err != nil {
					t.Fatalf("Check rejected a good password: %v", err)
				}
				return
			}
			var pe *keys.PasswordError
			if !errors.As(err, &pe) {
				t.Fatalf("Check = %v, want a *PasswordError", err)
			}
			if pe.Rules != tt.rules {
				t.Fatalf("rules %q, want %q", pe.Rules, tt.rules)
			}
			msg := err.Error()
			if !strings.HasPrefix(msg, "keys: ") {
				t.Errorf("message %q does not start with the package name", msg)
			}
			if len(tt.pw) >= 4 && strings.Contains(msg, tt.pw) {
				t.Errorf("message %q reveals the password", msg)
			}
		})
	}
}

func TestPasswordPolicyMinLength(t *testing.T) {
	tests := []struct {
		min  int
		pw   string
		fail bool
	}{
		{0, "kq7#Lm2!vR9@xT5", false},
		{8, "kq7#Lm2!vR9@xT", true}, // below 15 is raised to 15
		{20, "kq7#Lm2!vR9@xT5", true},
		{20, "kq7#Lm2!vR9@xT5-pW3&z", false},
	}
	for _, tt := range tests {
		t.Run(tt.pw, func(t *testing.T) {
			err := keys.PasswordPolicy{MinLength: tt.min}.Check(tt.pw)
			var pe *keys.PasswordError
			if got := errors.As(err, &pe) && pe.Rules&keys.RuleLength != 0; got != tt.fail {
				t.Fatalf("MinLength %d: Check = %v", tt.min, err)
			}
		})
	}
	if err := (keys.PasswordPolicy{AllowPredictable: true}).Check("Zx9!aaaa-Qw3#Rt"); err != nil {
		t.Fatalf("AllowPredictable: %v", err)
	}
}

// TestPasswordErrorMessages checks that a PasswordError names the package
// once, lists the rules broken and never quotes the password, and that
// PasswordRules prints every rule.
func TestPasswordErrorMessages(t *testing.T) {
	all := keys.RuleLength | keys.RuleLetter | keys.RuleDigit | keys.RuleSymbol | keys.RuleValidChars | keys.RuleUnpredictable
	if got := strings.Count(all.String(), "; "); got != 5 {
		t.Errorf("all rules print as %q", all)
	}
	if got := (all | 0x80).String(); !strings.HasSuffix(got, "; rules(0x80)") {
		t.Errorf("an unknown rule prints as %q", got)
	}
	const pw = "aaaa\x01"
	err := keys.PasswordPolicy{}.Check(pw)
	if err == nil {
		t.Fatal("weak password accepted")
	}
	msg := err.Error()
	if strings.Count(msg, "keys: ") != 1 || !strings.HasPrefix(msg, "keys: password rejected: fewer than 15 characters (has 5); no digit;") ||
		strings.Contains(msg, pw) || strings.Contains(msg, "aaaa") {
		t.Errorf("message %q", msg)
	}
}
