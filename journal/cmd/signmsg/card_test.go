package main

import (
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"strings"
	"testing"

	"github.com/csam-go/csam/eid/vcard"
	"github.com/csam-go/csam/internal/testpki"
	"github.com/csam-go/csam/internal/vpcdtest"
)

const (
	vpcdAddr   = vpcdtest.Addr0
	readerName = vpcdtest.Reader0
)

// startOCSP runs `openssl ocsp` for the card's Citizen CA (signing its
// answers itself) with the signature certificate recorded as valid.
func startOCSP(t *testing.T, pki *vcard.PKI) string {
	t.Helper()
	dir := t.TempDir()
	kd, err := x509.MarshalPKCS8PrivateKey(pki.CAKey)
	if err != nil {
		t.Fatal(err)
	}
	ca := write(t, dir, "ca.pem", pemCert(pki.CA.Raw))
	key := write(t, dir, "ca.key", pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: kd}))
	serial := fmt.Sprintf("%X", pki.Sign.SerialNumber)
	if len(serial)%2 == 1 {
		serial = "0" + serial
	}
	index := write(t, dir, "index.txt", []byte(fmt.Sprintf("V\t%s\t\t%s\tunknown\t/CN=%s\n",
		pki.Sign.NotAfter.UTC().Format("060102150405Z"), serial, pki.Sign.Subject.CommonName)))
	return testpki.RunOCSP(t, testpki.OCSPConfig{Index: index, Signer: ca, SignerKey: key, CA: ca,
		Port: testpki.FreePort(t), NextUpdateMinutes: 5}).URL
}

// TestCardSigns: the virtual eID card (applet 1.7, RSA, and 1.8, EC
// P-384) signs through pcscd and vpcd with its signature key; its
// authentication key is refused; the signature verifies, the signature
// certificate checked over OCSP with a real responder of the card's CA.
func TestCardSigns(t *testing.T) {
	for _, tc := range []struct {
		name    string
		profile vcard.Profile
	}{{"1.7", vcard.Applet17}, {"1.8", vcard.Applet18}} {
		t.Run(tc.name, func(t *testing.T) { cardSigns(t, tc.profile) })
	}
}

func cardSigns(t *testing.T, profile vcard.Profile) {
	vc, err := vcard.New(vcard.Options{Profile: profile, Seed: []byte("signmsg tests")})
	if err != nil {
		t.Fatal(err)
	}
	vpcdtest.Insert(t, vc)
	pki := vc.PKI()
	dir := t.TempDir()
	root, ca := write(t, dir, "root.pem", pemCert(pki.Root.Raw)), write(t, dir, "ca.pem", pemCert(pki.CA.Raw))
	msg := write(t, dir, "declaration.xml", declaration)
	t.Setenv("EID_PIN", vcard.DefaultPIN)

	code, sig, errs := runCLI(t, "sign", "-card", "-reader", readerName, "-chain", ca, msg)
	if code != exitValid {
		t.Fatalf("card sign: exit %d: %s", code, errs)
	}
	tries := vc.PINTriesLeft()
	code, _, errs = runCLI(t, "sign", "-card", "-reader", readerName, "-card-key", "auth", msg)
	if code != exitNotValid || !strings.Contains(errs, "authentication-key") {
		t.Fatalf("authentication key: exit %d: %s", code, errs)
	}
	if vc.PINTriesLeft() != tries {
		t.Fatal("the PIN was presented for a refused signature")
	}

	url := startOCSP(t, pki)
	sigPath := write(t, dir, "declaration.p7s", []byte(sig))
	code, out, errs := runCLI(t, "verify", "-roots", root, "-intermediates", ca, "-revocation", "ocsp", "-ocsp-server", url, "-json", sigPath)
	var res struct {
		Valid      bool   `json:"valid"`
		Verdict    string `json:"verdict"`
		Revocation string `json:"revocation"`
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("%v: %s %s", err, out, errs)
	}
	if code != exitValid || !res.Valid || res.Verdict != "qualified" || res.Revocation != "good" {
		t.Fatalf("verify: exit %d %s %s", code, out, errs)
	}
}
