package main

import (
	"bytes"
	"errors"
	"fmt"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/csam-go/csam/internal/testenv"
	"github.com/csam-go/csam/totp"
	"github.com/pquerna/otp"
)

func runCmd(args ...string) (code int, stdout, stderr string) {
	var o, e bytes.Buffer
	code = run(args, &o, &e)
	return code, o.String(), e.String()
}

// The RFC 6238 SHA-1 seed "12345678901234567890" in base32.
const rfcSecret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"

func TestCode(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"-secret", rfcSecret, "-at", "59", "-digits", "8"}, "94287082"},
		{[]string{"-secret", rfcSecret, "-at", "@1111111109", "-digits", "8"}, "07081804"},
		{[]string{"-secret", rfcSecret, "-at", "2603-10-11T11:33:20Z", "-digits", "8"}, "65353130"},
		{[]string{"-secret", "gezdgnbvgy3tqojqgezdgnbvgy3tqojqgezdgnbvgy3tqojqgezdgnbvgy3tqojqgezdgnbvgy3tqojqgezdgnbvgy3tqojqgezdgna=", "-at", "1234567890", "-digits", "8", "-algorithm", "sha512"}, "93441116"},
		{[]string{"-secret", rfcSecret, "-at", "1111111111"}, "050471"},
	}
	for _, tc := range tests {
		t.Run(strings.Join(tc.args[2:], " "), func(t *testing.T) {
			code, out, errOut := runCmd(append([]string{"code"}, tc.args...)...)
			if code != 0 || strings.TrimSpace(out) != tc.want {
				t.Fatalf("exit %d, out %q, err %q; want %s", code, out, errOut, tc.want)
			}
		})
	}
}

func TestVerifyExitCodes(t *testing.T) {
	tests := []struct {
		name string
		args []string
		exit int
		msg  string // in stdout or stderr
	}{
		{"valid", []string{"-secret", rfcSecret, "-at", "59", "-digits", "8", "94287082"}, 0, "valid: step 1, drift 0"},
		{"valid next step", []string{"-secret", rfcSecret, "-at", "29", "-digits", "8", "94287082"}, 0, "drift 1"},
		{"outside window 0", []string{"-secret", rfcSecret, "-at", "29", "-digits", "8", "-window", "0", "94287082"}, 1, "invalid"},
		{"wrong", []string{"-secret", rfcSecret, "-at", "59", "-digits", "8", "94287083"}, 1, "invalid"},
		{"not base32", []string{"-secret", "GEZDGNBVGY3TQOJ1GEZDGNBVGY3TQOJQ", "94287082"}, 2, "not base32"},
		{"too short", []string{"-secret", "GEZDGNBVGY3TQOJQ", "287082"}, 2, "secret too short: 80 bits"},
		{"no secret", []string{"287082"}, 2, "-secret or -secret-file is required"},
		{"both secrets", []string{"-secret", rfcSecret, "-secret-file", "-", "287082"}, 2, "exclude each other"},
		{"huge window", []string{"-secret", rfcSecret, "-window", "1000000000", "287082"}, 2, "Behind 1000000000 exceeds 10"},
		{"window 11", []string{"-secret", rfcSecret, "-window", "11", "287082"}, 2, "exceeds 10"},
		{"window 10", []string{"-secret", rfcSecret, "-at", "59", "-digits", "8", "-window", "10", "94287082"}, 0, "valid: step 1"},
		{"malformed code", []string{"-secret", rfcSecret, "2870x2"}, 2, "malformed code"},
		{"wrong length", []string{"-secret", rfcSecret, "-digits", "8", "287082"}, 2, "want 8 digits"},
		{"no code", []string{"-secret", rfcSecret}, 2, "exactly one CODE"},
		{"bad time", []string{"-secret", rfcSecret, "-at", "yesterday", "287082"}, 2, "neither Unix seconds nor RFC 3339"},
		{"bad algorithm", []string{"-secret", rfcSecret, "-algorithm", "MD5", "287082"}, 2, "unknown algorithm"},
		{"bad digits", []string{"-secret", rfcSecret, "-digits", "4", "2870"}, 2, "digits must be 6, 7 or 8"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := runCmd(append([]string{"verify"}, tc.args...)...)
			if code != tc.exit || !strings.Contains(out+errOut, tc.msg) {
				t.Fatalf("exit %d, out %q, err %q; want exit %d and %q", code, out, errOut, tc.exit, tc.msg)
			}
		})
	}
}

func TestEnroll(t *testing.T) {
	qr := filepath.Join(t.TempDir(), "qr.png")
	code, out, errOut := runCmd("enroll", "-issuer", "CSAM", "-account", "alice@example.be", "-qr", qr)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	m := regexp.MustCompile(`(?m)^secret: ([A-Z2-7]+)\nuri: (otpauth://\S+)\nqr: `).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("output %q", out)
	}
	secret, err := totp.ParseSecret(m[1])
	if err != nil || len(secret) < 20 {
		t.Fatalf("secret %d bytes, %v", len(secret), err)
	}
	key, err := otp.NewKeyFromURL(m[2])
	if err != nil || key.Secret() != m[1] || key.Issuer() != "CSAM" || key.AccountName() != "alice@example.be" {
		t.Fatalf("URI %s: %v", m[2], err)
	}
	b, err := os.ReadFile(qr)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := png.Decode(bytes.NewReader(b)); err != nil {
		t.Fatalf("QR file is not a PNG: %v", err)
	}
	// A QR reader no one here wrote (ZBar) finds the printed URI in it.
	read, err := exec.Command(testenv.Tool(t, "zbarimg"), "--raw", "-q", qr).Output()
	if err != nil {
		t.Fatalf("zbarimg: %v", err)
	}
	if got := strings.TrimSpace(string(read)); got != m[2] {
		t.Fatalf("zbarimg read %q from the QR code, want %q", got, m[2])
	}
	// The code printed for that secret verifies.
	code, out, _ = runCmd("code", "-secret", m[1], "-at", "1700000000")
	if code != 0 {
		t.Fatal(out)
	}
	if code, out, errOut = runCmd("verify", "-secret", m[1], "-at", "1700000000", strings.TrimSpace(out)); code != 0 {
		t.Fatalf("verify of our own code: exit %d %s %s", code, out, errOut)
	}
	if code, _, errOut = runCmd("enroll", "-issuer", "CSAM"); code != 2 || !strings.Contains(errOut, "required") {
		t.Fatalf("enroll without account: exit %d %q", code, errOut)
	}
}

// Our command's codes equal oathtool's, and oathtool's codes verify, run as
// programs.
func TestBinaryAgainstOathtool(t *testing.T) {
	oathtool := testenv.Tool(t, "oathtool")
	bin := filepath.Join(t.TempDir(), "totp")
	build := exec.Command(testenv.Tool(t, "go"), "build", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	secret := totp.EncodeSecret([]byte("command line cross-check secret!"))
	for _, alg := range []string{"SHA1", "SHA256", "SHA512"} {
		for _, digits := range []string{"6", "8"} {
			for _, at := range []string{"1111111109", "1700000000", "2000000000"} {
				name := fmt.Sprintf("%s/%s/%s", alg, digits, at)
				ours, err := exec.Command(bin, "code", "-secret", secret, "-at", at, "-digits", digits, "-algorithm", alg).Output()
				if err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				theirs, err := exec.Command(oathtool, "--totp="+alg, "-d", digits, "-N", "@"+at, "-b", secret).Output()
				if err != nil {
					t.Fatalf("%s: oathtool: %v", name, err)
				}
				if !bytes.Equal(ours, theirs) {
					t.Errorf("%s: ours %q, oathtool %q", name, ours, theirs)
				}
				cmd := exec.Command(bin, "verify", "-secret", secret, "-at", at, "-digits", digits, "-algorithm", alg, strings.TrimSpace(string(theirs)))
				if err := cmd.Run(); err != nil {
					t.Errorf("%s: verify of oathtool's code: %v", name, err)
				}
			}
		}
	}
	// Exit status 1 for a wrong code and 2 for a bad secret, as a process.
	for want, args := range map[int][]string{
		1: {"verify", "-secret", secret, "-at", "59", "000000"},
		2: {"verify", "-secret", "not-base32!", "000000"},
	} {
		err := exec.Command(bin, args...).Run()
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.ExitCode() != want {
			t.Errorf("%v: %v, want exit %d", args, err, want)
		}
	}
}

// Hostile inputs through the built program: a FIFO with no writer and an
// endless device as the secret file, an enormous window. Each is refused
// with exit status 2 within a second of CPU time.
func TestHostileInputs(t *testing.T) {
	bin := testenv.Program(t)
	fifo := testenv.FIFO(t)
	for _, tc := range []struct {
		name string
		args []string
		msg  string
	}{
		{"fifo", []string{"verify", "-secret-file", fifo, "123456"}, "not a regular file"},
		{"dev zero", []string{"code", "-secret-file", "/dev/zero"}, "not a regular file"},
		{"window", []string{"verify", "-secret", rfcSecret, "-window", "1000000000", "123456"}, "exceeds"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// Within a second of CPU time, which a loaded machine does not
			// stretch as it does the wall clock; a program blocked on the
			// FIFO is killed after a minute.
			if out := testenv.RunProgram(t, bin, 2, time.Second, tc.args...); !strings.Contains(out, tc.msg) {
				t.Fatalf("%q; want %q", out, tc.msg)
			}
		})
	}
}
