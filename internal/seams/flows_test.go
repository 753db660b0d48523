package seams_test

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"errors"
	"testing"
	"time"

	"github.com/csam-go/csam/eid"
	"github.com/csam-go/csam/eid/vcard"
	"github.com/csam-go/csam/keys"
	"github.com/csam-go/csam/levels"
	"github.com/csam-go/csam/totp"
	"github.com/csam-go/csam/x509check"
)

// TestEIDCardFlow reads each virtual card profile through package eid (the
// card's own transport, no PC/SC), validates its certificates with
// x509check against the root read from the card (listed for eID
// certificates), proves possession of the authentication key with a
// signature made by the card, and decides: the authentication certificate
// logs in to the portal, the signature certificate only over (S)FTP
// (arts. 7, 11).
func TestEIDCardFlow(t *testing.T) {
	ctx := context.Background()
	am := levels.RolesOf(levels.RoleAccessManager)
	for _, prof := range []vcard.Profile{vcard.Applet17, vcard.Applet18} {
		t.Run(prof.String(), func(t *testing.T) {
			vc, err := vcard.New(vcard.Options{Profile: prof, Seed: []byte("seams-" + prof.String())})
			if err != nil {
				t.Fatal(err)
			}
			card := eid.New(vc, nil)
			read := func(f eid.FileID) *x509.Certificate {
				b, err := card.ReadFile(ctx, f)
				if err != nil {
					t.Fatalf("read %v: %v", f, err)
				}
				c, err := eid.ParseCertificateFile(b)
				if err != nil || c == nil {
					t.Fatalf("certificate %v: %v", f, err)
				}
				return c
			}
			root, ca := read(eid.FileRootCert), read(eid.FileCACert)
			list := &x509check.AcceptedList{Format: x509check.AcceptedListFormat, Authorities: []x509check.Authority{
				{Name: root.Subject.CommonName, SPKISHA256: x509check.SPKIPin(root), EID: true, Qualified: true}}}
			validator := func(u x509check.Usage) *x509check.Validator {
				v, err := x509check.NewValidator(x509check.Options{Roots: []*x509.Certificate{root}, Revocation: x509check.NoRevocation, Usage: u, Accepted: list})
				if err != nil {
					t.Fatal(err)
				}
				return v
			}
			pin := func(context.Context, eid.KeyRole) ([]byte, error) { return []byte(vcard.DefaultPIN), nil }
			for _, tc := range []struct {
				role    eid.KeyRole
				usage   x509check.Usage
				keyType keys.ID
				portal  bool
				ftp     bool
			}{
				{eid.AuthenticationKey, x509check.UsageAuthentication, keys.IDEID, true, false},
				{eid.SigningKey, x509check.UsageSignature, keys.IDEIDSignature, false, true},
			} {
				key, err := card.PrivateKey(ctx, tc.role, eid.KeyAuth{PINPrompt: pin})
				if err != nil {
					t.Fatal(err)
				}
				res, err := validator(tc.usage).Validate(ctx, key.Certificate(), ca)
				if err != nil {
					t.Fatalf("%v: %v", tc.role, err)
				}
				if res.KeyType != tc.keyType || !res.EID {
					t.Fatalf("%v: key type %q, eID %v", tc.role, res.KeyType, res.EID)
				}
				// Possession: the card signs, the certificate verifies.
				digest := sha256.Sum256([]byte("challenge " + tc.role.String()))
				sig, err := key.Sign(nil, digest[:], crypto.SHA256)
				if err != nil {
					t.Fatalf("%v: sign: %v", tc.role, err)
				}
				switch pub := key.Public().(type) {
				case *rsa.PublicKey:
					err = rsa.VerifyPKCS1v15(pub, crypto.SHA256, digest[:], sig)
				case *ecdsa.PublicKey:
					if !ecdsa.VerifyASN1(pub, digest[:], sig) {
						err = errors.New("ECDSA signature does not verify")
					}
				}
				if err != nil {
					t.Fatalf("%v: %v", tc.role, err)
				}
				for _, q := range []struct {
					req   levels.Request
					allow bool
				}{
					{levels.Request{Application: "Rina", Roles: am, Key: res.PresentedKey()}, tc.portal},
					{levels.Request{Application: "DmfA", Channel: levels.ChannelFTP, Roles: am, Key: res.PresentedKey()}, tc.ftp},
				} {
					d, err := levels.Decide(q.req)
					if err != nil || d.Allowed != q.allow {
						t.Errorf("%v, %s: allowed=%v (%v), want %v\n%v", tc.role, q.req.Application, d.Allowed, err, q.allow, d.Reasons)
					}
				}
				// Art. 7: authentication with the identity certificate only.
				if tc.role == eid.SigningKey {
					if _, err := validator(x509check.UsageAuthentication).Validate(ctx, key.Certificate(), ca); !errors.Is(err, x509check.ErrWrongUsage) {
						t.Errorf("signature certificate validated for authentication: %v", err)
					}
				}
			}
		})
	}
}

// TestTOTPFlow verifies TOTP and SMS codes with package totp, takes the key
// type the result proves from the registry, and decides: a TOTP app code
// (column 3) opens a "Non Non Oui" application, an SMS code (below column
// 3) only what UID/PWD opens; a replayed code proves nothing; a password
// that must still be changed (art. 5) is refused whatever the code.
func TestTOTPFlow(t *testing.T) {
	ctx := context.Background()
	now := time.Unix(1_750_000_000, 0)
	clock := func() time.Time { return now }
	// A store deployed now: nothing was used before, so the first step counts.
	store := totp.NewMemoryStore()
	if err := totp.MarkNewStore(ctx, store, now); err != nil {
		t.Fatal(err)
	}
	v, err := totp.NewVerifier(totp.Options{Now: clock, Store: store})
	if err != nil {
		t.Fatal(err)
	}
	var sent string
	sms, err := totp.NewSMS(totp.SMSOptions{Now: clock, Store: store, Sender: totp.SenderFunc(func(_ context.Context, _, code string) error {
		sent = code
		return nil
	})})
	if err != nil {
		t.Fatal(err)
	}
	reg := keys.NewRegistry()
	secret := []byte("12345678901234567890")
	cred := totp.Authenticator{ID: "alice/app", Secret: secret}
	code, err := totp.GenerateCode(secret, now, totp.Options{})
	if err != nil {
		t.Fatal(err)
	}
	appRes, err := v.Verify(ctx, cred, code)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := v.Verify(ctx, cred, code); !errors.Is(err, totp.ErrReplayed) {
		t.Fatalf("replayed code: %v", err)
	}
	if _, err := sms.Send(ctx, "alice/sms", "+32470000000"); err != nil {
		t.Fatal(err)
	}
	smsRes, err := sms.Verify(ctx, "alice/sms", sent)
	if err != nil {
		t.Fatal(err)
	}
	lc := keys.NewLifecycle(keys.LifecycleOptions{Now: clock})
	am := levels.RolesOf(levels.RoleAccessManager)
	for _, tc := range []struct {
		name     string
		res      totp.Result
		state    levels.KeyState
		app      string
		allow    bool
		keyType  keys.ID
		errState bool
	}{
		{"app code, column 3 application", appRes, levels.KeyActive, "Rina", true, keys.IDTOTPApp, false},
		{"app code, column 1 application", appRes, levels.KeyActive, "Dimona (sécurisé)", true, keys.IDTOTPApp, false},
		{"SMS code, column 3 application", smsRes, levels.KeyActive, "Rina", false, keys.IDSMS, false},
		{"SMS code, column 1 application", smsRes, levels.KeyActive, "Dimona (sécurisé)", true, keys.IDSMS, false},
		{"app code, password to change first", appRes, levels.KeyMustChange, "Dimona (sécurisé)", false, keys.IDTOTPApp, false},
		{"app code, credential without a state", appRes, 0, "Dimona (sécurisé)", false, keys.IDTOTPApp, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			kt, ok := tc.res.KeyType(reg)
			if !ok || kt.ID != tc.keyType {
				t.Fatalf("key type %q (%v), want %q", kt.ID, ok, tc.keyType)
			}
			c := lc.Issue(kt)
			c.State = tc.state
			d, err := levels.Decide(levels.Request{Application: tc.app, Roles: am, Key: c.Presented(kt)})
			if tc.errState {
				if !errors.Is(err, levels.ErrUnknownKeyState) || d.Allowed {
					t.Fatalf("zero state: allowed=%v, %v", d.Allowed, err)
				}
				return
			}
			if err != nil || d.Allowed != tc.allow {
				t.Fatalf("allowed=%v (%v), want %v\n%v", d.Allowed, err, tc.allow, d.Reasons)
			}
		})
	}
}
