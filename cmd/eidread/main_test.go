package main

import (
	"bytes"
	"context"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/csam-go/csam/eid"
	"github.com/csam-go/csam/eid/vcard"
	"github.com/csam-go/csam/internal/checkreport"
	"github.com/csam-go/csam/internal/testenv"
)

// specimenDump maps the specimen card's files (named by role) to a dump
// folder named by file ID, in a temporary folder.
func specimenDump(t *testing.T) string {
	t.Helper()
	src := testenv.RealData(t, "eid-specimen", "alice")
	dir := t.TempDir()
	for name, id := range map[string]string{
		"Alice_Identity.tlv": "4031", "Alice_IdentitySignature.tlv": "4032", "Alice_Address.tlv": "4033",
		"Alice_AddressSignature.tlv": "4034", "Alice_Photo.tlv": "4035",
		"Alice_AuthentificationCertificate.tlv": "5038", "Alice_SigningCertificate.tlv": "5039",
		"Alice_CACertificate.tlv": "503A", "Alice_RootCertificate.tlv": "503B", "Alice_RRNCertificate.tlv": "503C",
	} {
		b, err := os.ReadFile(filepath.Join(src, name))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, id), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// pemFile writes DER certificates as one PEM file.
func pemFile(t *testing.T, ders ...[]byte) string {
	t.Helper()
	var buf bytes.Buffer
	for _, d := range ders {
		pem.Encode(&buf, &pem.Block{Type: "CERTIFICATE", Bytes: d})
	}
	p := filepath.Join(t.TempDir(), "roots.pem")
	if err := os.WriteFile(p, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func runEidread(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), args, strings.NewReader(""), &out, &errb)
	return code, out.String(), errb.String()
}

func TestJSONFromDump(t *testing.T) {
	dir := specimenDump(t)
	photo := filepath.Join(t.TempDir(), "photo.jpg")
	code, out, stderr := runEidread(t, "-dump", dir, "-json", "-photo", photo)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal([]byte(out), &top); err != nil {
		t.Fatal(err)
	}
	got := map[string]map[string]any{}
	for k, v := range top {
		if k == "checks" {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal(v, &m); err != nil {
			t.Fatalf("%s: %v", k, err)
		}
		got[k] = m
	}
	var checks []checkreport.Check
	if err := json.Unmarshal(top["checks"], &checks); err != nil {
		t.Fatal(err)
	}
	status := map[string]checkreport.Status{}
	for _, c := range checks {
		status[c.Name] = c.Status
		if c.Status != checkreport.Passed && c.Detail == "" {
			t.Errorf("check %s %s without a reason", c.Name, c.Status)
		}
	}
	for name, want := range map[string]checkreport.Status{
		"photo": checkreport.Passed, "identity signature": checkreport.Passed, "address signature": checkreport.Passed,
		"basic key": checkreport.Skipped, "internal authenticate": checkreport.Skipped, "certificates": checkreport.Passed,
	} {
		if status[name] != want {
			t.Errorf("check %s: %s, want %s", name, status[name], want)
		}
	}
	if len(checks) != 8 {
		t.Errorf("%d checks, want 8: %v", len(checks), checks)
	}
	want := map[string]map[string]any{
		"identity": {
			"card_number": "000000122157", "chip_number": "534C494E336600296CFF293B2A122219",
			"national_number": "71715100070", "name": "SPECIMEN", "first_names": "Alice Geldigekaart",
			"third_initial": "A", "nationality": "BELG", "birth_place": "Hamont-Achel", "birth_date": "1971-01-01",
			"sex": "F", "document_type": "eID", "special_status": "none", "validity_begin": "2009-07-23",
			"validity_end": "2014-07-23", "delivery_municipality": "Antwerpen",
		},
		"address": {"street": "Meirplaats 1 bus 1", "zip": "2000", "municipality": "Antwerpen"},
		"card":    {"applet_version": "", "serial": ""},
	}
	// The certificates by role, from the specimen's files (common names and
	// serials as openssl x509 prints them); no validation without -verify.
	wantCerts := map[string]struct{ file, subject, serial string }{
		"authentication": {"5038", "Alice SPECIMEN (Authentication)", "01000000000122C0614DFB0000CEC003"},
		"signing":        {"5039", "Alice SPECIMEN (Signature)", ""},
		"ca":             {"503A", "eID test Citizen CA", "0100000000011FAE78D8370000CEC001"},
		"root":           {"503B", "eID test Root CA", ""},
		"rrn":            {"503C", "test RRN", "0100000000011FAE78E6630000CEC002"},
	}
	certs := got["certificates"]
	if len(certs) != len(wantCerts) {
		t.Errorf("certificates %v, want %d", certs, len(wantCerts))
	}
	for role, w := range wantCerts {
		c, _ := certs[role].(map[string]any)
		if c["file"] != w.file || !strings.Contains(fmt.Sprint(c["subject"]), "CN="+w.subject) {
			t.Errorf("certificates.%s = %v, want file %s subject CN=%s", role, c, w.file, w.subject)
		}
		if w.serial != "" && c["serial"] != w.serial {
			t.Errorf("certificates.%s.serial = %v, want %s", role, c["serial"], w.serial)
		}
		if _, has := c["validation"]; has {
			t.Errorf("certificates.%s has a validation without -verify", role)
		}
	}
	for section, fields := range want {
		if len(got[section]) != len(fields) {
			t.Errorf("%s has fields %v, want exactly %v", section, got[section], fields)
		}
		for k, v := range fields {
			if got[section][k] != v {
				t.Errorf("%s.%s = %v, want %v", section, k, got[section][k], v)
			}
		}
	}
	if len(top) != 5 {
		t.Errorf("top-level keys: %v", top)
	}
	b, err := os.ReadFile(photo)
	want4035, _ := os.ReadFile(filepath.Join(dir, "4035"))
	if err != nil || !bytes.Equal(b, want4035) {
		t.Errorf("photo file: %v", err)
	}
}

func TestVerifyExitStatus(t *testing.T) {
	dir := specimenDump(t)
	root, err := os.ReadFile(filepath.Join(dir, "503B"))
	if err != nil {
		t.Fatal(err)
	}
	var belgian [][]byte
	for _, n := range []string{"belgiumrca2.pem", "belgiumrca3.pem", "belgiumrca4.pem", "belgiumrca6.pem"} {
		b, err := os.ReadFile(testenv.RealData(t, "belgium-pki", n))
		if err != nil {
			t.Fatal(err)
		}
		p, _ := pem.Decode(b)
		belgian = append(belgian, p.Bytes)
	}
	tampered := specimenDump(t)
	id, _ := os.ReadFile(filepath.Join(tampered, "4031"))
	id[0x52] ^= 1
	os.WriteFile(filepath.Join(tampered, "4031"), id, 0o644)

	cases := []struct {
		name string
		args []string
		code int
		text string
	}{
		// The specimen's files are intact and chain to its test root, but its
		// certificates expired in 2014: -verify fails on them.
		{"intact with its own root", []string{"-dump", dir, "-verify", "-offline", "-roots", pemFile(t, root)}, 1, "root: passed (key of eID test Root CA)"},
		{"specimen root is not Belgian", []string{"-dump", dir, "-verify", "-roots", pemFile(t, belgian...)}, 1, "root: failed"},
		{"pinned Belgian roots by default", []string{"-dump", dir, "-verify"}, 1, "identity signature: passed (RSA PKCS#1 v1.5 SHA-1)"},
		{"without -verify", []string{"-dump", dir}, 0, "root: failed"},
		{"tampered identity", []string{"-dump", tampered, "-verify"}, 1, "identity signature:    failed"},
		{"tampered without -verify", []string{"-dump", tampered}, 0, "Name: RPECIMEN"},
		{"no such dump", []string{"-dump", filepath.Join(dir, "nope")}, 3, ""},
		{"bad flag", []string{"-nope"}, 2, ""},
		{"extra argument", []string{"-dump", dir, "extra"}, 2, ""},
		{"dump and reader", []string{"-dump", dir, "-reader", "x"}, 2, ""},
		{"bad roots file", []string{"-dump", dir, "-roots", filepath.Join(dir, "4031")}, 2, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, out, stderr := runEidread(t, tc.args...)
			t.Log(stderr)
			if code != tc.code {
				t.Errorf("exit %d, want %d; stderr: %s", code, tc.code, stderr)
			}
			norm := func(s string) string { return strings.Join(strings.Fields(s), " ") }
			if !strings.Contains(norm(out), norm(tc.text)) {
				t.Errorf("output lacks %q:\n%s", tc.text, out)
			}
		})
	}
}

// vcardDump writes the content of a virtual card of the profile to a dump
// folder, with its card data, and returns the folder and the card's root.
func vcardDump(t *testing.T, p vcard.Profile) (string, *x509.Certificate) {
	t.Helper()
	vc, err := vcard.New(vcard.Options{Profile: p, Seed: []byte("eidread tests")})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := eid.WriteDump(context.Background(), eid.New(vc, nil), dir); err != nil {
		t.Fatal(err)
	}
	return dir, vc.PKI().Root
}

func TestVirtualCardDump(t *testing.T) {
	for _, tc := range []struct {
		p        vcard.Profile
		version  string
		basicKey bool
	}{{vcard.Applet17, "1.7", false}, {vcard.Applet18, "1.8", true}} {
		t.Run(tc.version, func(t *testing.T) {
			dir, root := vcardDump(t, tc.p)
			code, out, stderr := runEidread(t, "-dump", dir, "-json", "-verify", "-offline", "-roots", pemFile(t, root.Raw))
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			if !strings.Contains(stderr, "authentication certificate valid") || !strings.Contains(stderr, "signing certificate valid") {
				t.Errorf("certificate validation: %s", stderr)
			}
			var got struct {
				Card         map[string]string
				Checks       []checkreport.Check
				Identity     map[string]string
				Certificates map[string]jsonCertificate
			}
			if err := json.Unmarshal([]byte(out), &got); err != nil {
				t.Fatal(err)
			}
			// -verify puts each certificate's validation in the JSON.
			for _, role := range []string{"authentication", "signing", "root", "rrn"} {
				v := got.Certificates[role].Validation
				if v == nil || v.Status != "valid" || len(v.Errors) != 0 {
					t.Errorf("certificates.%s.validation = %+v, want valid", role, v)
				}
			}
			for _, role := range []string{"authentication", "signing"} {
				v := got.Certificates[role].Validation
				if v == nil || len(v.Chain) != 3 || v.Revocation != "not-checked" {
					t.Errorf("certificates.%s.validation = %+v, want a chain of 3, revocation not-checked", role, v)
				}
			}
			if got.Certificates["ca"].Validation != nil || got.Certificates["ca"].File != "503A" {
				t.Errorf("certificates.ca = %+v", got.Certificates["ca"])
			}
			if got.Card["applet_version"] != tc.version || len(got.Card["serial"]) != 32 {
				t.Errorf("card %v", got.Card)
			}
			for _, c := range got.Checks {
				want := checkreport.Passed
				if !tc.basicKey && (c.Name == "basic key" || c.Name == "internal authenticate") {
					want = checkreport.Skipped
				}
				if c.Name == "internal authenticate" && tc.basicKey {
					want = checkreport.Skipped // a dump cannot answer the challenge
				}
				if c.Status != want {
					t.Errorf("check %+v, want %s", c, want)
				}
			}
			if len(got.Identity["national_number"]) != 11 {
				t.Errorf("identity %v", got.Identity)
			}
			// The virtual card's test root is not a Belgian root: the JSON
			// says why each certificate is not valid.
			code, out, _ = runEidread(t, "-dump", dir, "-json", "-verify", "-offline")
			if code != 1 {
				t.Errorf("test root accepted as Belgian: exit %d", code)
			}
			got.Certificates = nil
			if err := json.Unmarshal([]byte(out), &got); err != nil {
				t.Fatal(err)
			}
			for _, role := range []string{"authentication", "signing", "root"} {
				v := got.Certificates[role].Validation
				if v == nil || v.Status != "invalid" || len(v.Errors) == 0 {
					t.Errorf("certificates.%s.validation = %+v, want invalid with errors", role, v)
				}
			}
		})
	}
}

// A FIFO with no writer and an endless device given to -roots: exit status
// 2 within a second, through the built program.
func TestRootsFileNotRegular(t *testing.T) {
	bin := testenv.Program(t)
	dump := t.TempDir()
	for _, p := range []string{testenv.FIFO(t), "/dev/zero"} {
		out := testenv.RunProgram(t, bin, 2, time.Second, "-dump", dump, "-verify", "-roots", p)
		if !strings.Contains(out, "not a regular file") {
			t.Errorf("-roots %s: %q", p, out)
		}
	}
}

// A partial dump reads without -verify and says which files it lacks;
// with -verify it fails and names each check that could not run. A dump
// without its card certificates fails -verify; a dump of empty files is
// refused.
func TestPartialDumps(t *testing.T) {
	full, root := vcardDump(t, vcard.Applet18)
	roots := pemFile(t, root.Raw)
	only := t.TempDir()
	for _, id := range []string{"4031", "4033"} {
		b, err := os.ReadFile(filepath.Join(full, id))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(only, id), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	noCerts := t.TempDir()
	ents, _ := os.ReadDir(full)
	for _, e := range ents {
		switch e.Name() {
		case "5038", "5039", "503A":
			continue
		}
		b, _ := os.ReadFile(filepath.Join(full, e.Name()))
		if err := os.WriteFile(filepath.Join(noCerts, e.Name()), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	empty := t.TempDir()
	for _, id := range eid.DumpFiles {
		if err := os.WriteFile(filepath.Join(empty, id.String()), nil, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		name   string
		args   []string
		code   int
		stderr []string
	}{
		{"whole dump verified", []string{"-dump", full, "-verify", "-offline", "-roots", roots}, 0, nil},
		{"identity and address only", []string{"-dump", only}, 0, []string{"partial dump, without 4032 (identity signature)", "4034 (address signature)", "4035 (photo)", "503C (RRN certificate)"}},
		{"identity and address only, -verify", []string{"-dump", only, "-verify", "-offline", "-roots", roots}, 1, []string{"partial dump", "check not run: internal authenticate", "identity signature: eid: integrity check failed: no RRN certificate"}},
		{"without card certificates, -verify", []string{"-dump", noCerts, "-verify", "-offline", "-roots", roots}, 1, []string{"without 5038 (authentication certificate), 5039 (signing certificate), 503A (CA certificate)", "certificates: eid: integrity check failed: no CA certificate"}},
		{"empty files", []string{"-dump", empty}, 3, []string{"empty file"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, stderr := runEidread(t, tc.args...)
			if code != tc.code {
				t.Errorf("exit %d, want %d; stderr: %s", code, tc.code, stderr)
			}
			for _, s := range tc.stderr {
				if !strings.Contains(stderr, s) {
					t.Errorf("stderr lacks %q:\n%s", s, stderr)
				}
			}
			if tc.code == 0 && !strings.Contains(out, "Name:") {
				t.Errorf("no identity printed:\n%s", out)
			}
		})
	}
	code, out, _ := runEidread(t, "-dump", only, "-json")
	var got struct{ Absent []string }
	if err := json.Unmarshal([]byte(out), &got); code != 0 || err != nil || len(got.Absent) != len(eid.DumpFiles)-2 {
		t.Errorf("-json of a partial dump: exit %d, %v, absent %v", code, err, got.Absent)
	}
}
