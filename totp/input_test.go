package totp_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/csam-go/csam/totp"
)

func TestParseSecret(t *testing.T) {
	rfc := []byte("12345678901234567890")
	tests := []struct {
		name, in string
		want     []byte
		err      string // start of the message
	}{
		{"canonical", "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", rfc, ""},
		{"lower case", "gezdgnbvgy3tqojqgezdgnbvgy3tqojq", rfc, ""},
		{"grouped", "GEZD GNBV GY3T QOJQ-GEZD GNBV GY3T QOJQ", rfc, ""},
		{"padded", "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGE======", append(rfc, '1'), ""},
		{"unpadded odd length", "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGE", append(rfc, '1'), ""},
		{"empty", "", nil, "totp: secret is not base32: "},
		{"only padding", "====", nil, "totp: secret is not base32: "},
		{"digit 1 outside alphabet", "GEZDGNBVGY3TQOJ1GEZDGNBVGY3TQOJQ", nil, "totp: secret is not base32: "},
		{"hex", "3132333435363738393031323334353637383930", nil, "totp: secret is not base32: "},
		{"impossible length", "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQG", nil, "totp: secret is not base32: "},
		{"padding inside", "GEZDGNBVGY3TQOJQ==GEZDGNBVGY3TQOJQ", nil, "totp: secret is not base32: "},
		{"80 bits", "GEZDGNBVGY3TQOJQ", nil, "totp: secret too short: "},
		{"120 bits", "GEZDGNBVGY3TQOJQGEZDGNBV", nil, "totp: secret too short: "},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := totp.ParseSecret(tc.in)
			if (err == nil) != (tc.err == "") || err != nil && !strings.HasPrefix(err.Error(), tc.err) {
				t.Fatalf("error %v, want %q", err, tc.err)
			}
			var ie *totp.InputError
			if tc.err != "" && !errors.As(err, &ie) {
				t.Fatalf("error %T is not an *InputError", err)
			}
			if !bytes.Equal(got, tc.want) {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

// The error names the bad character by its position in the input as
// given, separators included, and never repeats the input.
func TestParseSecretErrorPosition(t *testing.T) {
	for in, pos := range map[string]string{"NOT-BASE32!": "character 11 ", "GEZD GNBV 1Y3T": "character 11 ", "gezd\tgnb\u00e9": "character 9 "} {
		_, err := totp.ParseSecret(in)
		if err == nil || !strings.Contains(err.Error(), pos) || strings.Contains(err.Error(), in) {
			t.Errorf("ParseSecret(%q) = %v, want %q", in, err, pos)
		}
	}
}

func TestParseCode(t *testing.T) {
	tests := []struct {
		in     string
		digits int
		want   uint32
		ok     bool
	}{
		{"123456", 6, 123456, true},
		{"000042", 6, 42, true},
		{"123 456", 6, 123456, true},
		{" 94287082 ", 8, 94287082, true},
		{"12345", 6, 0, false},
		{"1234567", 6, 0, false},
		{"12345a", 6, 0, false},
		{"-12345", 6, 0, false},
		{"１２３４５６", 6, 0, false}, // full-width digits
		{"", 6, 0, false},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got, err := totp.ParseCode(tc.in, tc.digits)
			if tc.ok != (err == nil) || got != tc.want {
				t.Fatalf("ParseCode(%q, %d) = %d, %v", tc.in, tc.digits, got, err)
			}
			if !tc.ok && (!errors.As(err, new(*totp.InputError)) || !strings.HasPrefix(err.Error(), "totp: malformed code: ")) {
				t.Fatalf("error %v is not a malformed code", err)
			}
		})
	}
}

func TestParseAlgorithm(t *testing.T) {
	for in, want := range map[string]totp.Algorithm{"SHA1": totp.SHA1, "sha256": totp.SHA256, "SHA-512": totp.SHA512} {
		if got, err := totp.ParseAlgorithm(in); err != nil || got != want {
			t.Errorf("ParseAlgorithm(%q) = %v, %v", in, got, err)
		}
	}
	if _, err := totp.ParseAlgorithm("MD5"); err == nil {
		t.Error("MD5 accepted")
	}
}

func TestOptionsErrors(t *testing.T) {
	for name, o := range map[string]totp.Options{
		"digits 5":       {Digits: 5},
		"digits 9":       {Digits: 9},
		"half seconds":   {Period: 1500 * 1e6},
		"algorithm":      {Algorithm: 7},
		"small secrets":  {SecretBytes: 16},
		"lock order":     {LockDelay: 10e9, MaxLockDelay: 1e9},
		"negative fails": {MaxFailures: -1},
		"short TTL":      {StateTTL: time.Hour},
	} {
		if _, err := totp.NewVerifier(o); !invalidOptions(err) {
			t.Errorf("%s: %v, want invalid options", name, err)
		}
	}
	// Windows beyond the bounds would cost thousands of HMACs a code.
	for _, tc := range []struct {
		o    totp.Options
		name string
		val  int64
	}{
		{totp.Options{Behind: totp.MaxWindow + 1}, "Behind", totp.MaxWindow + 1},
		{totp.Options{Ahead: 1_000_000_000}, "Ahead", 1_000_000_000},
		{totp.Options{MaxDrift: totp.MaxDriftLimit + 1}, "MaxDrift", totp.MaxDriftLimit + 1},
	} {
		_, err := totp.NewVerifier(tc.o)
		var oe *totp.OptionError
		if !errors.As(err, &oe) || !invalidOptions(err) || oe.Option != tc.name || oe.Value != tc.val {
			t.Errorf("%s %d: %v, want an *OptionError", tc.name, tc.val, err)
		}
		if _, err := totp.GenerateCode(make([]byte, 20), time.Now(), tc.o); !invalidOptions(err) {
			t.Errorf("GenerateCode with %s %d: %v", tc.name, tc.val, err)
		}
	}
	if _, err := totp.NewVerifier(totp.Options{Behind: totp.MaxWindow, Ahead: totp.MaxWindow, MaxDrift: totp.MaxDriftLimit}); err != nil {
		t.Errorf("the bounds themselves: %v", err)
	}
	if _, err := totp.NewSMS(totp.SMSOptions{}); !invalidOptions(err) {
		t.Errorf("SMS without sender: %v", err)
	}
}

// invalidOptions reports whether err says the options are invalid.
func invalidOptions(err error) bool {
	return err != nil && strings.HasPrefix(err.Error(), "totp: invalid options: ")
}
