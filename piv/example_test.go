package piv_test

import (
	"context"
	"crypto"
	"crypto/sha256"
	"crypto/x509"
	"fmt"
	"os"

	"github.com/csam-go/csam/levels"
	"github.com/csam-go/csam/piv"
	"github.com/csam-go/csam/piv/vtoken"
)

func ExampleVerifyAttestation() {
	// A virtual token stands for a YubiKey; its attestation root for
	// Yubico's (piv.YubicoRoots, the default when Roots is nil).
	tok, err := vtoken.New(vtoken.Options{Serial: 12345678})
	if err != nil {
		fmt.Println(err)
		return
	}
	slotAtt, err := tok.Attest(0x9a) // what piv.Token.Attest reads from a token
	if err != nil {
		fmt.Println(err)
		return
	}
	roots := x509.NewCertPool()
	roots.AddCert(tok.AttestationRoot().Cert)
	a, err := piv.VerifyAttestation(slotAtt, tok.DeviceCertificate(), piv.VerifyOptions{Roots: roots, Slot: piv.SlotAuthentication})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("serial", a.Serial, "firmware", a.Firmware, "slot", a.Slot)
	fmt.Println("PIN policy", a.PINPolicy, "touch policy", a.TouchPolicy)
	// The slot's certificate certifies the attested key: the key is
	// attested non-exportable for access decisions.
	fmt.Println(a.CheckCertificate(tok.SlotCertificate(0x9a)))
	p := piv.PresentedKey(tok.SlotCertificate(0x9a), a, &levels.CertificateStatus{Valid: true, Accepted: true})
	fmt.Println(p.Type, p.Level, p.Attributes)
	// Output:
	// serial 12345678 firmware 5.7.1 slot 9a
	// PIN policy once touch policy never
	// <nil>
	// piv-token column3 [key-attested-non-exportable]
}

func ExampleOpen() {
	// The first PIV token present; the PIN is asked when a key needs it.
	tk, err := piv.Open(context.Background(), piv.Options{
		PIN: func(ctx context.Context, slot piv.Slot) (string, error) { return os.Getenv("PIV_PIN"), nil },
	})
	if err != nil {
		fmt.Println(err) // piv.ErrNoToken, piv.ErrNoService, ...
		return
	}
	defer tk.Close()
	s, err := tk.Signer(context.Background(), piv.SlotAuthentication) // a crypto.Signer
	if err != nil {
		fmt.Println(err)
		return
	}
	d := sha256.Sum256([]byte("message"))
	sig, err := s.Sign(nil, d[:], crypto.SHA256) // a wrong PIN: *piv.PINError, never retried
	fmt.Println(len(sig) > 0, err)
}
