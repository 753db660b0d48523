package keys_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/csam-go/csam/keys"
)

func TestCheckPassword(t *testing.T) {
	tests := []struct {
		name    string
		pw      string
		reasons []error
	}{
		{"good", "Tr0ub4dor&3-horse!", nil},
		{"good accents", "Crème-brûlée#2025?", nil},
		{"exactly 15", "kq7#Lm2!vR9@xT5", nil},
		{"spaces allowed", "blue 7 moose ; wren", nil},
		{"14 characters", "kq7#Lm2!vR9@xT", []error{keys.ErrPasswordTooShort}},
		{"15 bytes but 14 runes", "élan7#kq2!vR9@", []error{keys.ErrPasswordTooShort}},
		{"no digit", "correct-horse-battery!", []error{keys.ErrPasswordNoDigit}},
		{"no letter", "2024-07-15 10:30:00", []error{keys.ErrPasswordNoLetter}},
		{"no symbol", "CorrectHorse7Battery", []error{keys.ErrPasswordNoSymbol}},
		{"space is no symbol", "Correct Horse 7 Battery", []error{keys.ErrPasswordNoSymbol}},
		{"empty", "", []error{keys.ErrPasswordTooShort, keys.ErrPasswordNoLetter, keys.ErrPasswordNoDigit, keys.ErrPasswordNoSymbol}},
		{"short letters only", "letmeinnow", []error{keys.ErrPasswordTooShort, keys.ErrPasswordNoDigit, keys.ErrPasswordNoSymbol}},
		{"control character", "Tr0ub4dor&3-horse\x00", []error{keys.ErrPasswordInvalidChar}},
		{"invalid UTF-8", "Tr0ub4dor&3-horse\xff", []error{keys.ErrPasswordInvalidChar}},
		{"repeated", "Zx9!aaaa-Qw3#Rt", []error{keys.ErrPasswordPredictable}},
		{"ascending digits", "Zx!Qw-1234-Rt#Ky", []error{keys.ErrPasswordPredictable}},
		{"descending letters", "7!Zx-DCBA-9#Kyq", []error{keys.ErrPasswordPredictable}},
		{"three in a row is fine", "Zx9!abc-Qw3#Rt8", nil},
	}
	all := []error{keys.ErrPasswordTooShort, keys.ErrPasswordNoLetter, keys.ErrPasswordNoDigit,
		keys.ErrPasswordNoSymbol, keys.ErrPasswordInvalidChar, keys.ErrPasswordPredictable}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := keys.CheckPassword(tt.pw)
			if tt.reasons == nil {
				if err != nil {
					t.Fatalf("CheckPassword rejected a good password: %v", err)
				}
				return
			}
			var pe *keys.PasswordError
			if !errors.As(err, &pe) || !errors.Is(err, keys.ErrWeakPassword) {
				t.Fatalf("CheckPassword = %v, want a *PasswordError", err)
			}
			if !slices.Equal(pe.Reasons, tt.reasons) {
				t.Fatalf("reasons %v, want %v", pe.Reasons, tt.reasons)
			}
			for _, r := range all {
				if got, want := errors.Is(err, r), slices.Contains(tt.reasons, r); got != want {
					t.Errorf("errors.Is(err, %v) = %v, want %v", r, got, want)
				}
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
			if got := errors.Is(err, keys.ErrPasswordTooShort); got != tt.fail {
				t.Fatalf("MinLength %d: Check = %v", tt.min, err)
			}
		})
	}
	if err := (keys.PasswordPolicy{AllowPredictable: true}).Check("Zx9!aaaa-Qw3#Rt"); err != nil {
		t.Fatalf("AllowPredictable: %v", err)
	}
}

// TestPasswordErrorMessages checks that every reason names the package
// when printed alone, and that a PasswordError lists them without repeating
// it or quoting the password.
func TestPasswordErrorMessages(t *testing.T) {
	reasons := []error{keys.ErrPasswordTooShort, keys.ErrPasswordNoLetter, keys.ErrPasswordNoDigit,
		keys.ErrPasswordNoSymbol, keys.ErrPasswordInvalidChar, keys.ErrPasswordPredictable}
	for _, r := range reasons {
		if !strings.HasPrefix(r.Error(), "keys: ") {
			t.Errorf("reason %q does not start with keys: ", r)
		}
	}
	const pw = "aaaa\x01"
	err := keys.CheckPassword(pw)
	if err == nil {
		t.Fatal("weak password accepted")
	}
	msg := err.Error()
	if strings.Count(msg, "keys: ") != 1 || !strings.HasPrefix(msg, "keys: password rejected: fewer than 15 characters (has 5); no digit;") ||
		strings.Contains(msg, pw) || strings.Contains(msg, "aaaa") {
		t.Errorf("message %q", msg)
	}
}
