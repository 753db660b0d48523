package totp

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image/png"
	"io"

	"github.com/pquerna/otp"
	pqtotp "github.com/pquerna/otp/totp"
)

// Enrollment is a TOTP credential being set up: its secret and otpauth URI
// are shown to the user (as text or QR code), and it becomes an Authenticator
// only when Activate accepts a first valid code from the user's app. Its
// fields may be kept (encrypted, as the secret is) between the two steps.
type Enrollment struct {
	// ID identifies the future credential; it is the key of its state.
	ID string
	// Secret is the shared secret, at least 160 bits.
	Secret []byte
	// URI is the otpauth:// URI for authenticator apps (Key URI Format),
	// with issuer, account, algorithm, digits and period.
	URI string
}

// errEnrollment is wrapped by errors about enrollment parameters.
var errEnrollment = errors.New("totp: invalid enrollment")

// Enroll makes a new random secret of Options.SecretBytes (at least 160
// bits) and its otpauth URI for issuer and account. id identifies the
// credential in the store. Nothing is stored until Activate.
func (v *Verifier) Enroll(id, issuer, account string) (Enrollment, error) {
	if id == "" || issuer == "" || account == "" {
		return Enrollment{}, fmt.Errorf("%w: id, issuer and account are required", errEnrollment)
	}
	secret := make([]byte, v.c.secretBytes)
	if _, err := io.ReadFull(v.c.rand, secret); err != nil {
		return Enrollment{}, fmt.Errorf("totp: making a secret: %w", err)
	}
	key, err := pqtotp.Generate(pqtotp.GenerateOpts{
		Issuer:      issuer,
		AccountName: account,
		Period:      uint(v.c.period.Seconds()),
		Secret:      secret,
		Digits:      otpDigits(v.c.digits),
		Algorithm:   v.c.alg.otp(),
	})
	if err != nil {
		return Enrollment{}, fmt.Errorf("%w: %v", errEnrollment, err)
	}
	return Enrollment{ID: id, Secret: secret, URI: key.String()}, nil
}

// SecretBase32 returns the secret as users type it into an app.
func (e Enrollment) SecretBase32() string { return EncodeSecret(e.Secret) }

// QRCode returns a PNG image, size pixels square, of a QR code holding the
// enrollment's URI.
func (e Enrollment) QRCode(size int) ([]byte, error) {
	if size < 64 {
		return nil, fmt.Errorf("%w: QR code size %d below 64 pixels", errEnrollment, size)
	}
	key, err := otp.NewKeyFromURL(e.URI)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", errEnrollment, err)
	}
	img, err := key.Image(size, size)
	if err != nil {
		return nil, fmt.Errorf("totp: QR code: %w", err)
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return nil, fmt.Errorf("totp: QR code: %w", err)
	}
	return buf.Bytes(), nil
}

// Activate checks the first code of an enrollment and, when it is valid,
// returns the activated Authenticator, to be stored by the caller, with
// LastStep set to the code's step. The code's step is then used (no
// replay), and failures count toward the lock as Verify's do. The secret
// being new, no code of it can have been accepted before: Activate does not
// apply the precautions Verify takes for a credential the store holds
// nothing for. Errors are those of Verify, and an error for a secret
// shorter than 160 bits.
func (v *Verifier) Activate(ctx context.Context, e Enrollment, code string) (Authenticator, Result, error) {
	if len(e.Secret) < MinEnrollSecretBytes {
		return Authenticator{}, Result{}, fmt.Errorf("%w: secret shorter than %d bits", errEnrollment, 8*MinEnrollSecretBytes)
	}
	cred := Authenticator{ID: e.ID, Secret: e.Secret}
	res, err := v.verify(ctx, cred, code, opActivate)
	if err != nil {
		return Authenticator{}, Result{}, err
	}
	cred.LastStep = res.Step
	return cred, res, nil
}
