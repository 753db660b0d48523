package totp_test

import (
	"bytes"
	"context"
	"errors"
	"image/png"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/csam-go/csam/internal/testenv"
	"github.com/csam-go/csam/keys"
	"github.com/csam-go/csam/totp"
	"github.com/csam-go/csam/totp/storetest"
	"github.com/pquerna/otp"
)

func TestEnrollAndActivate(t *testing.T) {
	ctx := context.Background()
	clk := storetest.NewClock(time.Unix(1_750_000_000, 0))
	v, err := totp.NewVerifier(totp.Options{Now: clk.Now, Algorithm: totp.SHA256, Digits: 8})
	if err != nil {
		t.Fatal(err)
	}
	e, err := v.Enroll("cred-1", "CSAM Test", "alice@example.be")
	if err != nil {
		t.Fatal(err)
	}
	if len(e.Secret) < 20 {
		t.Fatalf("secret of %d bits", 8*len(e.Secret))
	}
	key, err := otp.NewKeyFromURL(e.URI)
	if err != nil {
		t.Fatal(err)
	}
	if key.Type() != "totp" || key.Issuer() != "CSAM Test" || key.AccountName() != "alice@example.be" ||
		key.Secret() != e.SecretBase32() || key.Period() != 30 || key.Digits() != otp.DigitsEight || key.Algorithm() != otp.AlgorithmSHA256 {
		t.Fatalf("URI %s does not carry the enrollment", e.URI)
	}
	if got, err := totp.ParseSecret(key.Secret()); err != nil || !bytes.Equal(got, e.Secret) {
		t.Fatal("URI secret does not decode to the secret")
	}
	e2, _ := v.Enroll("cred-2", "CSAM Test", "bob@example.be")
	if bytes.Equal(e.Secret, e2.Secret) {
		t.Fatal("two enrollments share a secret")
	}

	img, err := e.QRCode(256)
	if err != nil {
		t.Fatal(err)
	}
	pic, err := png.Decode(bytes.NewReader(img))
	if err != nil {
		t.Fatalf("QR code is not a PNG: %v", err)
	}
	if b := pic.Bounds(); b.Dx() != 256 || b.Dy() != 256 {
		t.Fatalf("QR code is %v", b)
	}
	dark, light := 0, 0
	for y := 0; y < 256; y += 4 {
		for x := 0; x < 256; x += 4 {
			if r, _, _, _ := pic.At(x, y).RGBA(); r < 0x8000 {
				dark++
			} else {
				light++
			}
		}
	}
	if dark < 100 || light < 100 {
		t.Fatalf("QR image is blank: %d dark, %d light samples", dark, light)
	}
	// A QR reader no one here wrote (ZBar) finds the URI in it.
	qrFile := filepath.Join(t.TempDir(), "qr.png")
	if err := os.WriteFile(qrFile, img, 0o600); err != nil {
		t.Fatal(err)
	}
	read, err := exec.Command(testenv.Tool(t, "zbarimg"), "--raw", "-q", qrFile).Output()
	if err != nil {
		t.Fatalf("zbarimg: %v", err)
	}
	if got := strings.TrimSpace(string(read)); got != e.URI {
		t.Fatalf("zbarimg read %q from the QR code, want %q", got, e.URI)
	}
	if _, err := e.QRCode(10); err == nil {
		t.Error("QR code of 10 pixels accepted")
	}

	opts := totp.Options{Algorithm: totp.SHA256, Digits: 8}
	now, _ := totp.GenerateCode(e.Secret, clk.Now(), opts)
	wrong := strings.Repeat("1", 8)
	if wrong == now {
		wrong = strings.Repeat("2", 8)
	}
	if _, _, err := v.Activate(ctx, e, wrong); !errors.Is(err, totp.ErrInvalidCode) {
		t.Fatalf("activation with a wrong code: %v", err)
	}
	cred, res, err := v.Activate(ctx, e, now)
	if err != nil {
		t.Fatalf("activation: %v", err)
	}
	if cred.ID != "cred-1" || !bytes.Equal(cred.Secret, e.Secret) || res.Key != keys.IDTOTPApp {
		t.Fatalf("activation gave %+v, %+v", cred, res)
	}
	if _, err := v.Verify(ctx, cred, now); !errors.Is(err, totp.ErrReplayed) {
		t.Fatalf("activation code reused: %v, want ErrReplayed", err)
	}
	clk.Add(30 * time.Second)
	next, _ := totp.GenerateCode(e.Secret, clk.Now(), opts)
	if _, err := v.Verify(ctx, cred, next); err != nil {
		t.Fatalf("verify after activation: %v", err)
	}
	if _, _, err := v.Activate(ctx, totp.Enrollment{ID: "x", Secret: make([]byte, 16)}, next); !invalidEnrollment(err) {
		t.Fatalf("activation of a 128-bit secret: %v", err)
	}
	if _, err := v.Enroll("", "I", "A"); !invalidEnrollment(err) {
		t.Fatalf("enroll without id: %v", err)
	}
}

// Diagnostics never carry codes or secrets.
func TestLogsHoldNoSecrets(t *testing.T) {
	ctx := context.Background()
	var buf bytes.Buffer
	log := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	clk := storetest.NewClock(time.Unix(1_750_000_000, 0))
	v, err := totp.NewVerifier(totp.Options{Now: clk.Now, Logger: log, MaxFailures: 2})
	if err != nil {
		t.Fatal(err)
	}
	e, _ := v.Enroll("log-cred", "I", "A")
	code, _ := totp.GenerateCode(e.Secret, clk.Now(), totp.Options{})
	wrong := "999999"
	if code == wrong {
		wrong = "999998"
	}
	cred, _, err := v.Activate(ctx, e, code)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = v.Verify(ctx, cred, code)
	_, _ = v.Verify(ctx, cred, wrong)
	_, _ = v.Verify(ctx, cred, wrong)
	_, _ = v.Verify(ctx, cred, wrong)
	out := &storetest.Outbox{}
	sms, err := totp.NewSMS(totp.SMSOptions{Sender: out, Logger: log, Now: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	_, _ = sms.Send(ctx, "log-sms", "+32470000003")
	smsCode := out.Last("+32470000003")
	_, _ = sms.Verify(ctx, "log-sms", smsCode)
	logs := buf.String()
	for _, want := range []string{"code accepted", "replayed code refused", "code refused", "SMS code sent", "SMS code accepted", "log-cred"} {
		if !strings.Contains(logs, want) {
			t.Errorf("logs lack %q:\n%s", want, logs)
		}
	}
	for name, secret := range map[string]string{"TOTP code": code, "wrong code": wrong, "SMS code": smsCode,
		"base32 secret": e.SecretBase32(), "URI": e.URI, "raw secret": string(e.Secret)} {
		if strings.Contains(logs, secret) {
			t.Errorf("logs contain the %s", name)
		}
	}
}

// By default nothing is logged, and with a logger, refused codes go to
// Debug only: no WARN line carries a credential ID or an SMS identifier,
// whatever an attacker sends.
func TestQuietByDefault(t *testing.T) {
	ctx := context.Background()
	var buf bytes.Buffer
	prev := slog.Default()
	slog.SetDefault(slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug})))
	defer slog.SetDefault(prev)
	var warn bytes.Buffer
	info := slog.New(slog.NewTextHandler(&warn, &slog.HandlerOptions{Level: slog.LevelInfo}))
	clk := storetest.NewClock(time.Unix(1_750_000_000, 0))
	for _, log := range []*slog.Logger{nil, info} {
		store := storetest.Settle(t, totp.NewMemoryStore(), clk.Now())
		v, err := totp.NewVerifier(totp.Options{Now: clk.Now, Logger: log, MaxFailures: 2, Store: store})
		if err != nil {
			t.Fatal(err)
		}
		secret := []byte("12345678901234567890")
		cred := totp.Authenticator{ID: "quiet-cred", Secret: secret}
		code, _ := totp.GenerateCode(secret, clk.Now(), totp.Options{})
		_, _ = v.Verify(ctx, cred, code)
		_, _ = v.Verify(ctx, cred, code)
		for range 4 {
			_, _ = v.Verify(ctx, cred, "000000")
		}
		out := &storetest.Outbox{}
		sms, err := totp.NewSMS(totp.SMSOptions{Sender: out, Logger: log, Now: clk.Now, MaxSends: 1, Store: store})
		if err != nil {
			t.Fatal(err)
		}
		_, _ = sms.Send(ctx, "quiet-sms", "+32470000005")
		_, _ = sms.Send(ctx, "quiet-sms", "+32470000005")
		_, _ = sms.Verify(ctx, "quiet-sms", "000000")
	}
	if buf.Len() != 0 {
		t.Errorf("nil Logger wrote to slog.Default():\n%s", buf.String())
	}
	if warn.Len() != 0 {
		t.Errorf("refused codes logged above Debug:\n%s", warn.String())
	}
}

// invalidEnrollment reports whether err says the enrollment is invalid.
func invalidEnrollment(err error) bool {
	return err != nil && strings.HasPrefix(err.Error(), "totp: invalid enrollment: ")
}
