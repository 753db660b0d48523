package piv_test

import (
	"testing"

	"github.com/csam-go/csam/levels"
	"github.com/csam-go/csam/piv"
	"github.com/csam-go/csam/piv/vtoken"
)

func TestPresentedKey(t *testing.T) {
	tok := newToken(t, vtoken.Options{})
	other := newToken(t, vtoken.Options{AttestationRoot: tok.AttestationRoot()})
	a, err := piv.VerifyAttestation(mustAttest(t, tok, 0x9a), tok.DeviceCertificate(), piv.VerifyOptions{Roots: pool(tok.AttestationRoot())})
	if err != nil {
		t.Fatal(err)
	}
	status := &levels.CertificateStatus{Valid: true, Qualified: true}
	p := piv.PresentedKey(tok.SlotCertificate(0x9a), a, status)
	if p.Type != "piv-token" || p.Level != levels.Column3 || !p.UsesCertificate || p.Certificate != status || !p.HasAttribute(levels.AttrAttestedNonExportable) {
		t.Fatalf("presented %+v", p)
	}
	for name, q := range map[string]levels.PresentedKey{
		"no attestation":          piv.PresentedKey(tok.SlotCertificate(0x9a), nil, status),
		"another key certificate": piv.PresentedKey(other.SlotCertificate(0x9a), a, status),
		"unverified attestation":  piv.PresentedKey(tok.SlotCertificate(0x9a), mustParse(t, tok), status),
	} {
		if q.HasAttribute(levels.AttrAttestedNonExportable) {
			t.Errorf("%s: attested attribute set", name)
		}
	}
}

func mustParse(t *testing.T, tok *vtoken.Token) *piv.Attestation {
	a, err := piv.ParseAttestation(mustAttest(t, tok, 0x9a))
	if err != nil {
		t.Fatal(err)
	}
	return a
}
