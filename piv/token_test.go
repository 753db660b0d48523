//go:build cgo

package piv_test

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/csam-go/csam/piv"
	"github.com/csam-go/csam/piv/vtoken"
)

func TestOpenStatus(t *testing.T) {
	tok := setup(t, vtoken.Options{})
	infos, err := piv.Readers(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var seen bool
	for _, ri := range infos {
		if ri.Reader == reader0 {
			seen = ri.PIV && ri.Card
		}
	}
	if !seen {
		t.Fatalf("reader %q not listed with a PIV token: %+v", reader0, infos)
	}
	for _, reader := range []string{"", reader0} {
		tk, err := piv.Open(context.Background(), piv.Options{Reader: reader})
		if err != nil {
			t.Fatal(err)
		}
		st, err := tk.Status(context.Background(), piv.StatusOptions{Retired: true})
		tk.Close()
		if err != nil {
			t.Fatal(err)
		}
		if st.Reader != reader0 || st.Serial != tok.Serial() || st.Firmware != (piv.Version{Major: 5, Minor: 7, Patch: 1}) || st.PINRetries != 3 {
			t.Errorf("status %+v", st)
		}
		if len(st.Slots) != 1 || st.Slots[0].Slot != piv.SlotAuthentication || !bytes.Equal(st.Slots[0].Certificate.Raw, tok.SlotCertificate(0x9a).Raw) {
			t.Errorf("slots %+v", st.Slots)
		}
	}
	if _, err := piv.Open(context.Background(), piv.Options{Reader: reader1}); !errors.Is(err, piv.ErrNoToken) {
		t.Errorf("open of an empty reader: %v, want ErrNoToken", err)
	}
	// A Token holds the token exclusively: a second Open finds it busy.
	tk := open(t, piv.Options{Reader: reader0})
	for _, reader := range []string{reader0, ""} {
		if _, err := piv.Open(context.Background(), piv.Options{Reader: reader}); !errors.Is(err, piv.ErrNoToken) || !failed(err, "exclusive use") {
			t.Errorf("second open (reader %q): %v, want ErrNoToken, in exclusive use", reader, err)
		}
	}
	tk.Close()
}

func TestSignAlgorithms(t *testing.T) {
	setup(t, vtoken.Options{})
	var calls int
	tk := open(t, piv.Options{PIN: pinFunc(vtoken.DefaultPIN, &calls)})
	for _, tc := range []struct {
		slot piv.Slot
		alg  piv.Algorithm
		pp   piv.PINPolicy
	}{
		{piv.SlotAuthentication, piv.AlgorithmEC256, piv.PINPolicyOnce},
		{piv.SlotSignature, piv.AlgorithmEC384, piv.PINPolicyAlways},
		{piv.SlotKeyManagement, piv.AlgorithmEd25519, piv.PINPolicyNever},
		{piv.Slot(0x82), piv.AlgorithmRSA2048, piv.PINPolicyOnce},
	} {
		t.Run(tc.alg.String(), func(t *testing.T) {
			pub, err := tk.Generate(piv.DefaultManagementKey, tc.slot, piv.KeySpec{Algorithm: tc.alg, PINPolicy: tc.pp})
			if err != nil {
				t.Fatal(err)
			}
			s, err := tk.Signer(context.Background(), tc.slot)
			if err != nil {
				t.Fatal(err)
			}
			if !s.Public().(interface{ Equal(crypto.PublicKey) bool }).Equal(pub) {
				t.Fatal("signer key is not the generated key")
			}
			msg := []byte("csam piv " + tc.alg.String())
			for i := 0; i < 2; i++ {
				before := calls
				var sig []byte
				switch p := pub.(type) {
				case *ecdsa.PublicKey:
					var d []byte
					if p.Curve.Params().BitSize == 384 {
						h := sha512.Sum384(msg)
						d = h[:]
						sig, err = s.Sign(nil, d, crypto.SHA384)
					} else {
						h := sha256.Sum256(msg)
						d = h[:]
						sig, err = s.Sign(nil, d, crypto.SHA256)
					}
					if err == nil && !ecdsa.VerifyASN1(p, d, sig) {
						t.Fatal("ECDSA signature does not verify")
					}
				case ed25519.PublicKey:
					sig, err = s.Sign(nil, msg, crypto.Hash(0))
					if err == nil && !ed25519.Verify(p, msg, sig) {
						t.Fatal("Ed25519 signature does not verify")
					}
				case *rsa.PublicKey:
					h := sha256.Sum256(msg)
					sig, err = s.Sign(nil, h[:], crypto.SHA256)
					if err == nil {
						if verr := rsa.VerifyPKCS1v15(p, crypto.SHA256, h[:], sig); verr != nil {
							t.Fatal(verr)
						}
					}
					pss := &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash, Hash: crypto.SHA256}
					if sig, err = s.Sign(nil, h[:], pss); err == nil {
						if verr := rsa.VerifyPSS(p, crypto.SHA256, h[:], sig, pss); verr != nil {
							t.Fatal(verr)
						}
					}
				}
				if err != nil {
					t.Fatal(err)
				}
				asked := calls - before
				switch {
				case tc.pp == piv.PINPolicyNever && asked != 0,
					tc.pp == piv.PINPolicyAlways && asked != 1,
					tc.pp == piv.PINPolicyOnce && asked > 1:
					t.Errorf("signature %d with PIN policy %s asked the PIN %d times", i, tc.pp, asked)
				}
			}
		})
	}
}

func TestPINBlockAndUnblock(t *testing.T) {
	tok := setup(t, vtoken.Options{})
	var calls int
	tk := open(t, piv.Options{PIN: pinFunc("999999", &calls)})
	s, err := tk.Signer(context.Background(), piv.SlotAuthentication)
	if err != nil {
		t.Fatal(err)
	}
	d := sha256.Sum256([]byte("x"))
	for want := 2; want >= 0; want-- {
		before := calls
		_, err := s.Sign(nil, d[:], crypto.SHA256)
		var pe *piv.PINError
		if !errors.As(err, &pe) || pe.Retries != want || pe.PUK {
			t.Fatalf("wrong PIN: %v, want a PINError with %d tries left", err, want)
		}
		if calls-before != 1 {
			t.Fatalf("the PIN was asked %d times for one signature", calls-before)
		}
		if tok.PINTriesLeft() != want {
			t.Fatalf("token has %d tries left, want %d", tok.PINTriesLeft(), want)
		}
	}
	var pe *piv.PINError
	if err := tk.VerifyPIN(context.Background()); !errors.As(err, &pe) || pe.Retries != 0 || pe.PUK {
		t.Fatalf("verify of a blocked PIN: %v", err)
	}
	if _, err := tk.PINRetries(); !errors.As(err, &pe) || pe.Retries != 0 || pe.PUK {
		t.Fatalf("PIN status of a blocked PIN: %v", err)
	}
	if err := tk.Unblock("00000000", "654321"); !errors.As(err, &pe) || !pe.PUK || pe.Retries != 2 {
		t.Fatalf("wrong PUK: %v", err)
	}
	if err := tk.Unblock(vtoken.DefaultPUK, "654321"); err != nil {
		t.Fatal(err)
	}
	if n, err := tk.PINRetries(); err != nil || n != 3 {
		t.Fatalf("after unblock: %d tries, %v", n, err)
	}
	tk.Close()
	tk2 := open(t, piv.Options{PIN: pinFunc("654321", nil)})
	if err := tk2.VerifyPIN(context.Background()); err != nil {
		t.Fatalf("new PIN: %v", err)
	}
}

func TestPUKBlocked(t *testing.T) {
	setup(t, vtoken.Options{})
	tk := open(t, piv.Options{})
	for want := 2; want >= 0; want-- {
		err := tk.Unblock("87654321", "654321")
		var pe *piv.PINError
		if !errors.As(err, &pe) || !pe.PUK || pe.Retries != want {
			t.Fatalf("wrong PUK: %v, want %d tries left", err, want)
		}
		if blocked := strings.HasSuffix(err.Error(), "wrong PUK: blocked"); blocked != (want == 0) {
			t.Fatalf("%q with %d tries left", err, want)
		}
	}
	var pe *piv.PINError
	if err := tk.Unblock(vtoken.DefaultPUK, "654321"); !errors.As(err, &pe) || !pe.PUK || pe.Retries != 0 {
		t.Fatalf("right PUK once blocked: %v", err)
	}
}

func TestPINRequired(t *testing.T) {
	setup(t, vtoken.Options{})
	tk := open(t, piv.Options{})
	s, err := tk.Signer(context.Background(), piv.SlotAuthentication)
	if err != nil {
		t.Fatal(err)
	}
	d := sha256.Sum256([]byte("x"))
	var pe *piv.PINError
	if _, err := s.Sign(nil, d[:], crypto.SHA256); !errors.As(err, &pe) || pe.Retries != -1 {
		t.Fatalf("sign without PIN callback: %v", err)
	}
	if _, err := tk.Signer(context.Background(), piv.SlotSignature); !errors.Is(err, piv.ErrNotFound) {
		t.Fatalf("signer of an empty slot: %v", err)
	}
	if _, err := tk.Generate([]byte("wrong management key 24"), piv.SlotSignature, piv.KeySpec{}); !failed(err, "management key") {
		t.Fatalf("generate with a wrong management key: %v", err)
	}
	if _, err := tk.Generate(nil, piv.SlotSignature, piv.KeySpec{}); !failed(err, "management key") {
		t.Fatalf("generate without management key: %v", err)
	}
}

func TestRemovedMidOperation(t *testing.T) {
	tok := setup(t, vtoken.Options{})
	tk := open(t, piv.Options{})
	tok.RemoveAfter(3)
	_, err := tk.Status(context.Background(), piv.StatusOptions{Retired: true})
	if !errors.Is(err, piv.ErrRemoved) {
		t.Fatalf("status with the token pulled out: %v, want ErrRemoved", err)
	}
	if _, err := tk.Certificate(piv.SlotAuthentication); !errors.Is(err, piv.ErrRemoved) {
		t.Fatalf("read after removal: %v, want ErrRemoved", err)
	}
	tk.Close()
	if _, err := tk.Serial(); !failed(err, "token closed") {
		t.Fatalf("serial after Close: %v, want ErrClosed", err)
	}
}

func TestEnrollWithOpenSSLCA(t *testing.T) {
	tok := setup(t, vtoken.Options{Empty: true})
	dir := opensslCA(t)
	var calls int
	tk := open(t, piv.Options{PIN: pinFunc(vtoken.DefaultPIN, &calls)})
	roots := x509.NewCertPool()
	roots.AddCert(tok.AttestationRoot().Cert)
	issue := func(ctx context.Context, csr []byte) (*x509.Certificate, error) {
		if err := os.WriteFile(filepath.Join(dir, "req.pem"), pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: csr}), 0o644); err != nil {
			return nil, err
		}
		// openssl checks the CSR signature (made on the token) first.
		run(t, dir, "openssl", "req", "-in", "req.pem", "-verify", "-noout")
		run(t, dir, "openssl", "ca", "-batch", "-config", "ca.cnf", "-in", "req.pem", "-out", "cert.pem", "-notext")
		b, err := os.ReadFile(filepath.Join(dir, "cert.pem"))
		if err != nil {
			return nil, err
		}
		blk, _ := pem.Decode(b)
		if blk == nil {
			return nil, errors.New("openssl ca wrote no PEM")
		}
		return x509.ParseCertificate(blk.Bytes)
	}
	for _, slot := range []piv.Slot{piv.SlotAuthentication, piv.SlotSignature, piv.Slot(0x8a)} {
		e, err := tk.Enroll(context.Background(), piv.EnrollRequest{
			Slot:          slot,
			ManagementKey: piv.DefaultManagementKey,
			Key:           piv.KeySpec{Algorithm: piv.AlgorithmEC256, TouchPolicy: piv.TouchPolicyCached},
			Subject:       pkix.Name{CommonName: "Enrolled " + slot.String()},
			Issue:         issue,
			Verify:        &piv.VerifyOptions{Roots: roots},
		})
		if err != nil {
			t.Fatal(err)
		}
		a := e.Attestation
		wantPP := piv.PINPolicyOnce
		if slot == piv.SlotSignature {
			wantPP = piv.PINPolicyAlways
		}
		if a.Serial != tok.Serial() || a.Slot != slot || a.PINPolicy != wantPP || a.TouchPolicy != piv.TouchPolicyCached || a.FormFactor != 1 || a.Firmware.Major != 5 {
			t.Errorf("attestation %+v", a)
		}
		if err := a.CheckCertificate(e.Certificate); err != nil {
			t.Error(err)
		}
		got, err := tk.Certificate(slot)
		if err != nil || !bytes.Equal(got.Raw, e.Certificate.Raw) || got.Subject.CommonName != "Enrolled "+slot.String() {
			t.Fatalf("installed certificate: %v", err)
		}
	}
	st, err := tk.Status(context.Background(), piv.StatusOptions{Retired: true})
	if err != nil || len(st.Slots) != 3 || st.Slots[2].Slot != 0x8a {
		t.Fatalf("status after enrolment: %+v %v", st, err)
	}
	if st, err := tk.Status(context.Background(), piv.StatusOptions{}); err != nil || len(st.Slots) != 2 {
		t.Fatalf("status of the main slots: %+v %v", st, err)
	}
	// A certificate for another key is refused.
	other := tok.Issuer()
	c, err := other.Issue(&x509.Certificate{Subject: pkix.Name{CommonName: "other"}}, other.Key.Public())
	if err != nil {
		t.Fatal(err)
	}
	if err := tk.InstallCertificate(piv.DefaultManagementKey, piv.SlotAuthentication, c); !failed(err, "differs from the slot key") {
		t.Fatalf("install of a certificate for another key: %v", err)
	}
}

func TestAESManagementKey(t *testing.T) {
	setup(t, vtoken.Options{})
	tk := open(t, piv.Options{})
	aes := bytes.Repeat([]byte{0x42}, 32)
	if err := tk.SetManagementKey(piv.DefaultManagementKey, aes); err != nil {
		t.Fatal(err)
	}
	if _, err := tk.Generate(piv.DefaultManagementKey, piv.SlotCardAuthentication, piv.KeySpec{}); !failed(err, "management key") {
		t.Fatalf("old key after change: %v", err)
	}
	if _, err := tk.Generate(aes, piv.SlotCardAuthentication, piv.KeySpec{}); err != nil {
		t.Fatal(err)
	}
	ki, err := tk.KeyInfo(piv.SlotCardAuthentication)
	if err != nil || ki.PINPolicy != piv.PINPolicyNever || !ki.Generated || ki.Algorithm != piv.AlgorithmEC256 {
		t.Fatalf("key info %+v %v", ki, err)
	}
}

// failed reports whether err is an *piv.Error whose message says what.
func failed(err error, what string) bool {
	var e *piv.Error
	return errors.As(err, &e) && strings.Contains(err.Error(), what)
}
