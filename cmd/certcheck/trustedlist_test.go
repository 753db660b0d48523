package main

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/csam-go/csam/internal/testenv"
	"github.com/csam-go/csam/internal/testpki"
	"github.com/csam-go/csam/internal/testtl"
	"github.com/csam-go/csam/x509check/tl"
)

func writePEM(t *testing.T, path string, c *x509.Certificate) {
	t.Helper()
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Raw}), 0o600); err != nil {
		t.Fatal(err)
	}
}

// TestTrustedListFlag: the test PKI's root is published in a signed list
// with a service granted 10 days ago and withdrawn 3 hours ago.
func TestTrustedListFlag(t *testing.T) {
	now := time.Now().UTC().Truncate(time.Second)
	p := testpki.New(t, testpki.Options{Now: now})
	dir := t.TempDir()
	quals := []testtl.Qual{{Qualifiers: []string{tl.QualifierQCQSCDAsInCert}, Policies: [][]string{{testpki.PolicyCitizenSign.String()}}}}
	asi := []string{tl.ASIRootCAQC, tl.ASIForESignatures}
	spec := testtl.List{Seq: 7, Issued: now.Add(-2 * time.Hour), NextUpdate: now.Add(30 * 24 * time.Hour),
		Providers: []testtl.Provider{{Name: "Test eID TSP", Services: []testtl.Service{{
			Cert:    p.Root.Cert,
			Current: testtl.Instance{Status: tl.StatusWithdrawn, Start: now.Add(-90 * time.Minute), ASI: asi, Quals: quals},
			History: []testtl.Instance{{Status: tl.StatusGranted, Start: now.Add(-10 * 24 * time.Hour), ASI: asi, Quals: quals}},
		}}}}}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	signer := testtl.NewSigner(t, testtl.RawECDSA{PrivateKey: key})
	signed := signer.Sign(t, spec.XML())
	listPath, signerPath := filepath.Join(dir, "tl.xml"), filepath.Join(dir, "signer.pem")
	os.WriteFile(listPath, signed, 0o600)
	writePEM(t, signerPath, signer.Cert)
	before := p.Issue(t, "sign-before", p.CA, &x509.Certificate{
		Subject:   pkix.Name{Country: []string{"BE"}, CommonName: "Dave Test (Signature)"},
		NotBefore: now.Add(-5 * 24 * time.Hour), NotAfter: now.Add(365 * 24 * time.Hour),
		KeyUsage: x509.KeyUsageContentCommitment, Policies: p.Sign.Cert.Policies,
		ExtraExtensions: []pkix.Extension{testpki.QCStatements(true)},
	})
	base := []string{"-trusted-list", listPath, "-tl-signer", signerPath, "-intermediates", p.CA.CertPath,
		"-revocation", "none", "-at", now.Format(time.RFC3339)}
	args := func(extra ...string) []string { return append(append([]string{}, base...), extra...) }
	beforeWithdrawal := now.Add(-100 * time.Minute).Format(time.RFC3339)

	// Issued while granted, validated after the withdrawal: not valid, the
	// service no longer vouches for it (it used to be valid and qualified).
	code, out, errs := runCLI(t, args("-json", "-usage", "sign", before.CertPath)...)
	if m := decode(t, out); code != 1 || firstCode(m) != "untrusted" || !strings.Contains(out, "not granted at the validation time") {
		t.Fatalf("issued while granted, validated after the withdrawal: exit %d\n%s%s", code, out, errs)
	}

	// Validated before the withdrawal: valid, qualified at both dates.
	code, out, errs = runCLI(t, args("-json", "-usage", "sign", "-at", beforeWithdrawal, before.CertPath)...)
	if code != 0 {
		t.Fatalf("exit %d\n%s%s", code, out, errs)
	}
	m := decode(t, out)
	q, ok := m["qualification"].(map[string]any)
	if !ok {
		t.Fatalf("no qualification field: %s", out)
	}
	iss, val := q["at_issuance"].(map[string]any), q["at_validation"].(map[string]any)
	if iss["label"] != "QC for eSig with QSCD" || iss["service"] != "Belgium Test Root CA6" || iss["status"] != tl.StatusGranted {
		t.Errorf("at issuance: %v", iss)
	}
	if val["label"] != "QC for eSig with QSCD" || val["status"] != tl.StatusGranted || q["trusted"] != true {
		t.Errorf("at validation: %v", val)
	}
	if qd := m["qualified"].(map[string]any); qd["qualified"] != true || qd["source"] != "trusted-list" {
		t.Errorf("qualified: %v", qd)
	}
	if !strings.HasPrefix(m["trusted_list"].(string), "BE sequence 7") {
		t.Errorf("trusted_list: %v", m["trusted_list"])
	}

	// Text output.
	code, out, _ = runCLI(t, args("-usage", "sign", "-at", beforeWithdrawal, before.CertPath)...)
	for _, want := range []string{"VALID at", "trusted list: BE sequence 7", "qualification at issuance (", "): QC for eSig with QSCD",
		"service: Belgium Test Root CA6 (Test eID TSP), granted since", "qualifiers: QCQSCDStatusAsInCert", "qualification at validation ("} {
		if !strings.Contains(out, want) {
			t.Errorf("text output lacks %q:\n%s", want, out)
		}
	}
	if code != 0 {
		t.Errorf("text exit %d", code)
	}

	// Issued after the withdrawal: not trusted.
	code, out, _ = runCLI(t, args("-json", p.Sign.CertPath)...)
	if m := decode(t, out); code != 1 || firstCode(m) != "untrusted" {
		t.Errorf("issued after withdrawal: exit %d, %s", code, out)
	}

	// Refusals: no signer pinned, another signer, a changed list.
	if code, _, errs := runCLI(t, "-trusted-list", listPath, before.CertPath); code != 2 || !strings.Contains(errs, "-tl-signer") {
		t.Errorf("without -tl-signer: exit %d, %s", code, errs)
	}
	writePEM(t, filepath.Join(dir, "other.pem"), p.Root.Cert)
	if code, _, errs := runCLI(t, "-trusted-list", listPath, "-tl-signer", filepath.Join(dir, "other.pem"), before.CertPath); code != 2 || !strings.Contains(errs, "tl: signature not valid") {
		t.Errorf("other signer: exit %d, %s", code, errs)
	}
	os.WriteFile(filepath.Join(dir, "changed.xml"), bytes.Replace(signed, []byte("Test eID TSP"), []byte("Test eID TSQ"), 1), 0o600)
	if code, _, errs := runCLI(t, "-trusted-list", filepath.Join(dir, "changed.xml"), "-tl-signer", signerPath, before.CertPath); code != 2 || !strings.Contains(errs, "content changed after signing") {
		t.Errorf("changed list: exit %d, %s", code, errs)
	}
}

// TestTrustedListFlagRealList loads the real Belgian list (sequence 47)
// with its own signer pinned.
func TestTrustedListFlagRealList(t *testing.T) {
	listPath := testenv.RealData(t, "trusted-lists", "tl-be-seq47.xml")
	data, err := os.ReadFile(listPath)
	if err != nil {
		t.Fatal(err)
	}
	signer, err := tl.SignerFromKeyInfo(data)
	if err != nil {
		t.Fatal(err)
	}
	signerPath := filepath.Join(t.TempDir(), "be-signer.pem")
	writePEM(t, signerPath, signer)
	// The Root CA6 hierarchy is not in the list of June 2020: untrusted,
	// but the list itself loads (exit 1, not 2).
	cert := testenv.RealData(t, "belgium-pki", "citizenca-202002.pem")
	code, out, errs := runCLI(t, "-trusted-list", listPath, "-tl-signer", signerPath, "-revocation", "none", "-at", "2020-07-01T00:00:00Z", cert)
	if code != 1 || !strings.Contains(out, "trusted list: BE sequence 47, issued 2020-06-02T00:00:00Z, next update 2020-12-01T00:00:00Z") {
		t.Errorf("exit %d\n%s%s", code, out, errs)
	}
	// Now, the list is past its next update: refused.
	if code, _, errs := runCLI(t, "-trusted-list", listPath, "-tl-signer", signerPath, cert); code != 2 || !strings.Contains(errs, "past its next update") {
		t.Errorf("expired list: exit %d, %s", code, errs)
	}
}
