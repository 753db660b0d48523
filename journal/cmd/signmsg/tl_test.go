package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/json"
	"testing"
	"time"

	"github.com/csam-go/csam/internal/testpki"
	"github.com/csam-go/csam/internal/testtl"
	"github.com/csam-go/csam/x509check/tl"
)

// TestTrustedList: with a trusted list as the only source of trust, the
// signature is qualified per the list; a list that names the CA as not
// qualified makes it an advanced signature.
func TestTrustedList(t *testing.T) {
	f := newFixture(t)
	code, sig, errs := f.sign(t, f.p.Sign)
	if code != exitValid {
		t.Fatalf("sign: %s", errs)
	}
	dir := t.TempDir()
	sigPath := write(t, dir, "sig.der", []byte(sig))
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	signer := testtl.NewSigner(t, testtl.RawECDSA{PrivateKey: key})
	signerPath := write(t, dir, "tl-signer.pem", pemCert(signer.Cert.Raw))
	now := time.Now().UTC()
	for _, tc := range []struct {
		name, qualifier, verdict string
	}{
		{"qualified", tl.QualifierQCQSCDAsInCert, "qualified"},
		{"not qualified", tl.QualifierNotQualified, "advanced"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			spec := testtl.List{Seq: 1, Issued: now.Add(-time.Hour), NextUpdate: now.Add(24 * time.Hour),
				Providers: []testtl.Provider{{Name: "Test eID TSP", Services: []testtl.Service{{
					Cert: f.p.Root.Cert,
					Current: testtl.Instance{Status: tl.StatusGranted, Start: now.Add(-30 * 24 * time.Hour),
						ASI: []string{tl.ASIRootCAQC, tl.ASIForESignatures}, Quals: []testtl.Qual{{Qualifiers: []string{tc.qualifier}, Policies: [][]string{{testpki.PolicyCitizenSign.String()}}}}},
				}}}}}
			list := write(t, t.TempDir(), "tl.xml", signer.Sign(t, spec.XML()))
			code, out, errs := runCLI(t, "verify", "-trusted-list", list, "-tl-signer", signerPath, "-intermediates", f.p.CA.CertPath,
				"-revocation", "crl", "-offline", "-crl", f.crl, "-json", sigPath)
			var res struct {
				Verdict string   `json:"verdict"`
				Reasons []string `json:"reasons"`
			}
			if err := json.Unmarshal([]byte(out), &res); err != nil {
				t.Fatalf("%v: %s %s", err, out, errs)
			}
			if code != exitValid || res.Verdict != tc.verdict {
				t.Fatalf("exit %d verdict %q (%q) %s", code, res.Verdict, res.Reasons, errs)
			}
		})
	}
}
