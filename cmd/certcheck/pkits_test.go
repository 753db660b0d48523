package main

import (
	"bytes"
	"context"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/csam-go/csam/internal/pkits"
	"github.com/csam-go/csam/internal/testenv"
	"github.com/csam-go/csam/x509check/path"
)

// The validators TestPKITSInterop compares, in table order.
const (
	byLibrary = iota
	byCertcheck
	byOpenSSL
	byX509
	nValidators
)

var validatorNames = [nValidators]string{"x509check/path", "certcheck", "OpenSSL", "crypto/x509"}

// TestPKITSInterop runs every NIST PKITS case through x509check/path,
// through certcheck, through openssl verify and through crypto/x509 (its
// Verify, then each certificate looked up in its issuer's CRL), and
// prints with -v the table of the package documentation:
//
//	go test -run TestPKITSInterop -v ./cmd/certcheck | sed -n 's/^ *pkits_test.go:[0-9]*: //p'
func TestPKITSInterop(t *testing.T) {
	dir := filepath.Join(testenv.ModuleRoot(), "testdata", "pkits")
	cases, err := pkits.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	openssl := testenv.Tool(t, "openssl")
	type tally struct{ cases, pass [nValidators]int }
	bySection := map[string]*tally{}
	total := &tally{}
	for _, c := range cases {
		t.Run(c.Label(), func(t *testing.T) {
			ok := [nValidators]bool{
				byLibrary:   libraryResult(t, dir, c) == c.Valid(),
				byCertcheck: certcheckResult(t, dir, c) == exitFor(c.Valid()),
				byOpenSSL:   opensslResult(t, openssl, dir, c) == c.Valid(),
				byX509:      x509Result(t, dir, c) == c.Valid(),
			}
			s := bySection[c.Section()]
			if s == nil {
				s = &tally{}
				bySection[c.Section()] = s
			}
			for i, b := range ok {
				s.cases[i]++
				total.cases[i]++
				if b {
					s.pass[i]++
					total.pass[i]++
				}
			}
			if c.DSA() {
				if ok[byLibrary] {
					t.Error("a DSA case passes now: update the known failures")
				}
				return
			}
			if !ok[byLibrary] {
				t.Errorf("x509check/path: want valid=%v", c.Valid())
			}
			if !ok[byCertcheck] {
				t.Errorf("certcheck: want exit %d", exitFor(c.Valid()))
			}
		})
	}
	var b strings.Builder
	fmt.Fprintf(&b, "| section | cases | %s |\n|---|---|---|---|---|---|\n", strings.Join(validatorNames[:], " | "))
	row := func(name string, s *tally) {
		fmt.Fprintf(&b, "| %s | %d |", name, s.cases[0])
		for i := range nValidators {
			fmt.Fprintf(&b, " %d |", s.pass[i])
		}
		b.WriteByte('\n')
	}
	for _, sec := range pkits.Sections(cases) {
		row(sec, bySection[sec])
	}
	row("all", total)
	if testing.Verbose() {
		for _, l := range strings.Split(strings.TrimSpace(b.String()), "\n") {
			t.Log(l)
		}
	}
	if total.pass[byLibrary] != len(cases)-2 {
		t.Errorf("x509check/path passes %d/%d non-DSA cases", total.pass[byLibrary], len(cases)-2)
	}
	if total.pass[byCertcheck] != len(cases)-2 {
		t.Errorf("certcheck passes %d/%d non-DSA cases", total.pass[byCertcheck], len(cases)-2)
	}
	if total.pass[byOpenSSL] >= total.pass[byCertcheck] {
		t.Errorf("OpenSSL passes %d cases, certcheck %d: not ahead", total.pass[byOpenSSL], total.pass[byCertcheck])
	}
}

func exitFor(valid bool) int {
	if valid {
		return 0
	}
	return 1
}

func libraryResult(t *testing.T, dir string, c pkits.Case) bool {
	cert := func(n string) *path.Certificate {
		b, err := os.ReadFile(pkits.CertPath(dir, n))
		if err != nil {
			t.Fatal(err)
		}
		x, err := path.ParseCertificate(b)
		if err != nil {
			t.Fatalf("%s: %v", n, err)
		}
		return x
	}
	var crls path.CRLs
	for _, n := range c.CRLFiles() {
		b, err := os.ReadFile(pkits.CRLPath(dir, n))
		if err != nil {
			t.Fatal(err)
		}
		l, err := path.ParseCRL(b)
		if err != nil {
			t.Fatalf("%s: %v", n, err)
		}
		crls = append(crls, l)
	}
	var inter []*path.Certificate
	for _, n := range c.OtherCerts {
		inter = append(inter, cert(n))
	}
	v := path.New(path.Options{
		Roots: []*path.Certificate{cert(pkits.Anchor)}, Intermediates: inter, CurrentTime: pkits.Time,
		Policies: c.Params.Policies, ExplicitPolicy: c.Params.ExplicitPolicy,
		InhibitPolicyMapping: c.Params.InhibitPolicyMapping, InhibitAnyPolicy: c.Params.InhibitAnyPolicy,
		Revocation: crls,
	})
	_, err := v.Verify(context.Background(), cert(c.Cert))
	return err == nil
}

// certcheckResult returns certcheck's exit status.
func certcheckResult(t *testing.T, dir string, c pkits.Case) int {
	args := []string{"-roots", pkits.CertPath(dir, pkits.Anchor), "-revocation", "crl", "-offline",
		"-at", pkits.Time.Format(time.RFC3339)}
	for _, n := range c.OtherCerts {
		args = append(args, "-intermediates", pkits.CertPath(dir, n))
	}
	for _, n := range c.CRLFiles() {
		args = append(args, "-crl", pkits.CRLPath(dir, n))
	}
	args = append(args, pkitsPolicyFlags(c)...)
	var out, errb bytes.Buffer
	code := run(context.Background(), append(args, pkits.CertPath(dir, c.Cert)), strings.NewReader(""), &out, &errb)
	if code != exitFor(c.Valid()) {
		var errs []string
		for _, l := range strings.Split(out.String()+errb.String(), "\n") {
			if strings.HasPrefix(l, "error [") || strings.HasPrefix(l, "certcheck:") {
				errs = append(errs, l)
			}
		}
		t.Logf("certcheck: exit %d, want %d: %s", code, exitFor(c.Valid()), strings.Join(errs, "; "))
	}
	return code
}

// pkitsPolicyFlags are certcheck's flags for the case's initial policy
// parameters.
func pkitsPolicyFlags(c pkits.Case) []string {
	var f []string
	for _, p := range c.Params.Policies {
		f = append(f, "-policy", p)
	}
	if c.Params.ExplicitPolicy {
		f = append(f, "-explicit-policy")
	}
	if c.Params.InhibitPolicyMapping {
		f = append(f, "-inhibit-policy-mapping")
	}
	if c.Params.InhibitAnyPolicy {
		f = append(f, "-inhibit-any-policy")
	}
	return f
}

// opensslResult runs openssl verify with the case's files.
func opensslResult(t *testing.T, openssl, dir string, c pkits.Case) bool {
	tmp := t.TempDir()
	write := func(name, typ string, files []string, sub func(string, string) string) string {
		var b bytes.Buffer
		for _, f := range files {
			der, err := os.ReadFile(sub(dir, f))
			if err != nil {
				t.Fatal(err)
			}
			pem.Encode(&b, &pem.Block{Type: typ, Bytes: der})
		}
		p := filepath.Join(tmp, name)
		if err := os.WriteFile(p, b.Bytes(), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	args := []string{"verify", "-x509_strict", "-crl_check_all", "-policy_check",
		"-attime", strconv.FormatInt(pkits.Time.Unix(), 10),
		"-CAfile", write("ca.pem", "CERTIFICATE", []string{pkits.Anchor}, pkits.CertPath),
		"-CRLfile", write("crls.pem", "X509 CRL", c.CRLFiles(), pkits.CRLPath)}
	if len(c.OtherCerts) > 0 {
		args = append(args, "-untrusted", write("untrusted.pem", "CERTIFICATE", c.OtherCerts, pkits.CertPath))
	}
	for _, p := range c.Params.Policies {
		args = append(args, "-policy", p)
	}
	if c.Params.ExplicitPolicy {
		args = append(args, "-explicit_policy")
	}
	if c.Params.InhibitPolicyMapping {
		args = append(args, "-inhibit_map")
	}
	if c.Params.InhibitAnyPolicy {
		args = append(args, "-inhibit_any")
	}
	args = append(args, write("leaf.pem", "CERTIFICATE", []string{c.Cert}, pkits.CertPath))
	out, err := exec.Command(openssl, args...).CombinedOutput()
	if _, exit := err.(*exec.ExitError); err != nil && !exit {
		t.Fatalf("openssl: %v", err)
	}
	return err == nil && bytes.Contains(out, []byte(": OK"))
}

// x509Result validates with crypto/x509: Verify (with the initial policy
// set; it has no explicit-policy or inhibit options), then every
// certificate but the anchor looked up in a current CRL of its issuer
// whose signature verifies.
func x509Result(t *testing.T, dir string, c pkits.Case) bool {
	read := func(n string) *x509.Certificate {
		b, err := os.ReadFile(pkits.CertPath(dir, n))
		if err != nil {
			t.Fatal(err)
		}
		x, _ := x509.ParseCertificate(b)
		return x
	}
	leaf := read(c.Cert)
	if leaf == nil {
		return false
	}
	roots, inter := x509.NewCertPool(), x509.NewCertPool()
	roots.AddCert(read(pkits.Anchor))
	for _, n := range c.OtherCerts {
		if x := read(n); x != nil {
			inter.AddCert(x)
		}
	}
	vo := x509.VerifyOptions{Roots: roots, Intermediates: inter, CurrentTime: pkits.Time,
		KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageAny}}
	for _, p := range c.Params.Policies {
		if oid, err := x509.ParseOID(p); err == nil {
			vo.CertificatePolicies = append(vo.CertificatePolicies, oid)
		}
	}
	chains, err := leaf.Verify(vo)
	if err != nil {
		return false
	}
	var crls []*x509.RevocationList
	for _, n := range c.CRLFiles() {
		b, err := os.ReadFile(pkits.CRLPath(dir, n))
		if err != nil {
			t.Fatal(err)
		}
		if l, err := x509.ParseRevocationList(b); err == nil {
			crls = append(crls, l)
		}
	}
	chain := chains[0]
	for i := 0; i+1 < len(chain); i++ {
		found := false
		for _, l := range crls {
			if !bytes.Equal(l.RawIssuer, chain[i].RawIssuer) || l.CheckSignatureFrom(chain[i+1]) != nil ||
				pkits.Time.After(l.NextUpdate) {
				continue
			}
			found = true
			for _, e := range l.RevokedCertificateEntries {
				if e.SerialNumber.Cmp(chain[i].SerialNumber) == 0 {
					return false
				}
			}
		}
		if !found {
			return false
		}
	}
	return true
}
