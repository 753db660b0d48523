package eid_test

import (
	"context"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/csam-go/csam/eid"
	"github.com/csam-go/csam/internal/testenv"
	"github.com/csam-go/csam/x509check"
)

// specimenNames maps the specimen card's files (named by role, see the
// real data README) to their file IDs.
var specimenNames = map[string]eid.FileID{
	"Alice_Identity.tlv":                    eid.FileIdentity,
	"Alice_IdentitySignature.tlv":           eid.FileIdentitySignature,
	"Alice_Address.tlv":                     eid.FileAddress,
	"Alice_AddressSignature.tlv":            eid.FileAddressSignature,
	"Alice_Photo.tlv":                       eid.FilePhoto,
	"Alice_AuthentificationCertificate.tlv": eid.FileAuthCert,
	"Alice_SigningCertificate.tlv":          eid.FileSigningCert,
	"Alice_CACertificate.tlv":               eid.FileCACert,
	"Alice_RootCertificate.tlv":             eid.FileRootCert,
	"Alice_RRNCertificate.tlv":              eid.FileRRNCert,
}

// specimenDump writes the specimen card as a dump folder (files renamed to
// their IDs) into a temporary folder and returns it.
func specimenDump(t testing.TB) string {
	t.Helper()
	src := testenv.RealData(t, "eid-specimen", "alice")
	dir := t.TempDir()
	for name, id := range specimenNames {
		b, err := os.ReadFile(filepath.Join(src, name))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, id.String()), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func readCert(t testing.TB, path string) *x509.Certificate {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if p, _ := pem.Decode(b); p != nil {
		b = p.Bytes
	}
	c, err := eid.ParseCertificateFile(b)
	if err != nil || c == nil {
		t.Fatalf("%s: %v", path, err)
	}
	return c
}

// belgianRoots returns the real Belgian root certificates.
func belgianRoots(t testing.TB) []*x509.Certificate {
	var roots []*x509.Certificate
	for _, n := range []string{"belgiumrca2.pem", "belgiumrca3.pem", "belgiumrca4.pem", "belgiumrca6.pem"} {
		roots = append(roots, readCert(t, testenv.RealData(t, "belgium-pki", n)))
	}
	return roots
}

func TestSpecimenCardReadsAndVerifies(t *testing.T) {
	ctx := context.Background()
	dir := specimenDump(t)
	d, err := eid.OpenDump(dir)
	if err != nil {
		t.Fatal(err)
	}
	c, err := eid.ReadContents(ctx, d, nil)
	if err != nil {
		t.Fatal(err)
	}
	id := c.Identity
	checkString(t, "card number", id.CardNumber, "000000122157")
	checkString(t, "chip number", hex.EncodeToString(id.ChipNumber), "534c494e336600296cff293b2a122219")
	checkString(t, "validity begin", id.ValidityBegin.String(), "2009-07-23")
	checkString(t, "validity end", id.ValidityEnd.String(), "2014-07-23")
	checkString(t, "delivery municipality", id.DeliveryMunicipality, "Antwerpen")
	checkString(t, "national number", id.NationalNumber.String(), "71715100070")
	checkString(t, "name", id.Name, "SPECIMEN")
	checkString(t, "first names", id.FirstNames, "Alice Geldigekaart")
	checkString(t, "third initial", id.ThirdInitial, "A")
	checkString(t, "nationality", id.Nationality, "BELG")
	checkString(t, "birth place", id.BirthPlace, "Hamont-Achel")
	checkString(t, "birth date", id.BirthDate.String(), "1971-01-01")
	checkString(t, "sex", string(id.Sex), "F") // V on the card: vrouw
	checkString(t, "document type", id.DocumentType.String(), "eID")
	checkString(t, "special status", id.SpecialStatus.String(), "none")
	checkString(t, "photo hash", hex.EncodeToString(id.PhotoHash), "28f3ec532102b0ccd93c7bdf58ed83400a899790")
	if len(id.BasicKeyHash) != 0 || c.BasicKey != nil {
		t.Error("an RSA-1024 specimen has no basic key")
	}
	checkString(t, "street", c.Address.Street, "Meirplaats 1 bus 1")
	checkString(t, "zip", c.Address.Zip, "2000")
	checkString(t, "municipality", c.Address.Municipality, "Antwerpen")
	if c.Certificates.Authentication == nil || c.Certificates.Authentication.Subject.SerialNumber != "71715100070" {
		t.Errorf("authentication certificate: %+v", c.Certificates.Authentication)
	}
	if c.Certificates.RRN == nil || c.Certificates.RRN.Subject.CommonName != "test RRN" {
		t.Errorf("RRN certificate: %+v", c.Certificates.RRN)
	}
	if len(c.Photo) < 2 || c.Photo[0] != 0xFF || c.Photo[1] != 0xD8 {
		t.Error("photo is not a JPEG")
	}

	// The specimen chains to a test root: trusted when given, refused by
	// the real Belgian roots.
	testRoot := readCert(t, filepath.Join(dir, eid.FileRootCert.String()))
	in, err := eid.Verify(ctx, d, c, &eid.VerifyOptions{TrustedRoots: []*x509.Certificate{testRoot}})
	if err != nil {
		t.Fatal(err)
	}
	for _, ch := range []eid.Check{in.Photo, in.IdentitySignature, in.AddressSignature, in.RRNCertificate, in.Root} {
		if !ch.OK() {
			t.Errorf("%v", ch)
		}
	}
	checkString(t, "photo detail", in.Photo.Detail, "SHA-1")
	checkString(t, "identity signature detail", in.IdentitySignature.Detail, "RSA PKCS#1 v1.5 SHA-1")
	if in.BasicKey.Status != eid.CheckSkipped || in.InternalAuthenticate.Status != eid.CheckSkipped {
		t.Errorf("basic key checks on an RSA card: %v; %v", in.BasicKey, in.InternalAuthenticate)
	}
	if !in.OK() {
		t.Errorf("integrity: %v", in.Err())
	}

	in, err = eid.Verify(ctx, d, c, &eid.VerifyOptions{TrustedRoots: belgianRoots(t)})
	if err != nil {
		t.Fatal(err)
	}
	if in.Root.Status != eid.CheckFailed || in.RRNCertificate.Status != eid.CheckFailed {
		t.Errorf("a test root passed as Belgian: %v; %v", in.Root, in.RRNCertificate)
	}
	if in.Err() == nil || !strings.Contains(in.Err().Error(), "integrity check failed") {
		t.Errorf("Err() = %v, want a failed integrity check", in.Err())
	}
	if !in.IdentitySignature.OK() || !in.Photo.OK() || !in.AddressSignature.OK() {
		t.Error("file checks must not depend on the roots")
	}
}

func checkString(t testing.TB, what, got, want string) {
	t.Helper()
	if got != want {
		t.Errorf("%s = %q, want %q", what, got, want)
	}
}

func TestSpecimenTampered(t *testing.T) {
	ctx := context.Background()
	cases := []struct {
		name  string
		file  eid.FileID
		off   int
		fails []string
	}{
		{"identity name", eid.FileIdentity, 0x52, []string{"identity signature"}},
		{"address street", eid.FileAddress, 3, []string{"address signature"}},
		{"photo", eid.FilePhoto, 500, []string{"photo"}},
		{"identity signature", eid.FileIdentitySignature, 10, []string{"identity signature", "address signature"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := specimenDump(t)
			p := filepath.Join(dir, tc.file.String())
			b, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			b[tc.off] ^= 0x01
			if err := os.WriteFile(p, b, 0o644); err != nil {
				t.Fatal(err)
			}
			d, err := eid.OpenDump(dir)
			if err != nil {
				t.Fatal(err)
			}
			in, err := eid.Verify(ctx, d, nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			failedNames := map[string]bool{}
			for _, c := range in.Checks() {
				if c.Status == eid.CheckFailed {
					failedNames[c.Name] = true
				}
			}
			for _, n := range tc.fails {
				if !failedNames[n] {
					t.Errorf("%s check did not fail", n)
				}
			}
			if len(failedNames) != len(tc.fails) {
				t.Errorf("failed checks %v, want %v", failedNames, tc.fails)
			}
		})
	}
}

// TestSpecimenTLVFiles parses the single test files, with the values read
// from their bytes.
func TestSpecimenTLVFiles(t *testing.T) {
	type idWant struct {
		card, chip, begin, end, delivery, nn, name, first, third, nat, place, birth, sex, doc, status, photoHash string
	}
	cases := []struct {
		file string
		want idWant
	}{
		{"test-identity.tlv", idWant{"000000128019", "534c494e33660013930d29c77f032f16", "2010-04-30", "2015-04-30", "Antwerpen",
			"71715100070", "SPECIMEN", "Alice Geldigekaart", "A", "BELG", "Hamont-Achel", "1971-01-01", "F", "eID", "none",
			"28f3ec532102b0ccd93c7bdf58ed83400a899790"}},
		{"id-alice.tlv", idWant{"000000226635", "534c494e336600296cff251c5c0f1724", "2005-08-08", "2010-08-08", "Certipost Specimen",
			"71715100070", "SPECIMEN", "Alice Geldigekaart2266", "A", "Belg", "Hamont-Achel", "1971-01-01", "F", "eID", "none",
			"28f3ec532102b0ccd93c7bdf58ed83400a899790"}},
		{"white-cane.tlv", idWant{"000000011518", "534c494e336600296cff232cf6081238", "2003-10-24", "2008-10-24", "Certipost Specimen",
			"71717100052", "SPECIMEN", "Robert Suspendu0115", "B", "Belge", "Ottignies Louvain-la-neuve", "1971-01-21", "M", "eID", "white cane",
			"b98915bc707cc8a6192f3668d70d0a43724fc75f"}},
	}
	for _, tc := range cases {
		t.Run(tc.file, func(t *testing.T) {
			b, err := os.ReadFile(testenv.RealData(t, "eid-specimen", "tlv", tc.file))
			if err != nil {
				t.Fatal(err)
			}
			id, err := eid.ParseIdentity(b)
			if err != nil {
				t.Fatal(err)
			}
			got := idWant{id.CardNumber, hex.EncodeToString(id.ChipNumber), id.ValidityBegin.String(), id.ValidityEnd.String(),
				id.DeliveryMunicipality, id.NationalNumber.String(), id.Name, id.FirstNames, id.ThirdInitial, id.Nationality,
				id.BirthPlace, id.BirthDate.String(), string(id.Sex), id.DocumentType.String(), id.SpecialStatus.String(),
				hex.EncodeToString(id.PhotoHash)}
			if got != tc.want {
				t.Errorf("got  %+v\nwant %+v", got, tc.want)
			}
			if id.NobleCondition != "" || id.MemberOfFamily {
				t.Errorf("noble condition %q, member of family %v", id.NobleCondition, id.MemberOfFamily)
			}
			if string(id.Raw) != string(b) {
				t.Error("raw file not kept")
			}
		})
	}
	for _, f := range []string{"address-alice.tlv", "test-address.tlv"} {
		t.Run(f, func(t *testing.T) {
			b, err := os.ReadFile(testenv.RealData(t, "eid-specimen", "tlv", f))
			if err != nil {
				t.Fatal(err)
			}
			a, err := eid.ParseAddress(b)
			if err != nil {
				t.Fatal(err)
			}
			if a.Street != "Meirplaats 1 bus 1" || a.Zip != "2000" || a.Municipality != "Antwerpen" {
				t.Errorf("address %+v", a)
			}
		})
	}
}

// TestSpecimenTLVConsistentSet verifies the test identity, address, photo
// and signatures of tlv/ with their RRN certificate.
func TestSpecimenTLVConsistentSet(t *testing.T) {
	files := map[eid.FileID][]byte{}
	for name, id := range map[string]eid.FileID{
		"test-identity.tlv": eid.FileIdentity, "test-identity-sign.der": eid.FileIdentitySignature,
		"test-address.tlv": eid.FileAddress, "test-address-sign.der": eid.FileAddressSignature,
		"test-photo.jpg": eid.FilePhoto, "test-rrn-cert.der": eid.FileRRNCert,
	} {
		b, err := os.ReadFile(testenv.RealData(t, "eid-specimen", "tlv", name))
		if err != nil {
			t.Fatal(err)
		}
		files[id] = b
	}
	in := verifyFiles(t, files)
	checkSignedFiles(t, in)
	if in.Root.Status != eid.CheckSkipped || in.RRNCertificate.Status != eid.CheckSkipped {
		t.Errorf("without roots: %v; %v", in.Root, in.RRNCertificate)
	}
}

// TestRootPins checks the root and RRN certificate checks by pinned key:
// the specimen's test root by its own pin, and the real RRN certificate
// issued by Belgium Root CA2 (SHA-1) with the x509check pin of that root.
func TestRootPins(t *testing.T) {
	ctx := context.Background()
	d, err := eid.OpenDump(specimenDump(t))
	if err != nil {
		t.Fatal(err)
	}
	c, err := eid.ReadContents(ctx, d, nil)
	if err != nil {
		t.Fatal(err)
	}
	h := sha256.Sum256(c.Certificates.Root.RawSubjectPublicKeyInfo)
	in, err := eid.Verify(ctx, d, c, &eid.VerifyOptions{TrustedRootPins: []string{hex.EncodeToString(h[:])}})
	if err != nil {
		t.Fatal(err)
	}
	if !in.Root.OK() || !in.RRNCertificate.OK() || !in.OK() {
		t.Errorf("own pin: %v; %v", in.Root, in.RRNCertificate)
	}
	var belgian []string
	for _, r := range x509check.BelgianRootPins() {
		belgian = append(belgian, r.SPKISHA256)
	}
	in, err = eid.Verify(ctx, d, c, &eid.VerifyOptions{TrustedRootPins: belgian})
	if err != nil {
		t.Fatal(err)
	}
	if in.Root.Status != eid.CheckFailed || in.RRNCertificate.Status != eid.CheckFailed {
		t.Errorf("specimen against Belgian pins: %v; %v", in.Root, in.RRNCertificate)
	}

	// The real RRN certificate under the real Root CA2.
	real := *c
	real.Certificates.Root = readCert(t, testenv.RealData(t, "belgium-pki", "belgiumrca2.pem"))
	real.Certificates.RRN = readCert(t, testenv.RealData(t, "belgium-pki", "rrn-brca2.crt"))
	in, err = eid.Verify(ctx, d, &real, &eid.VerifyOptions{TrustedRootPins: belgian})
	if err != nil {
		t.Fatal(err)
	}
	if !in.Root.OK() || !in.RRNCertificate.OK() {
		t.Errorf("real CA2 chain: %v; %v", in.Root, in.RRNCertificate)
	}
	// The specimen files are not signed by the real RRN key.
	if in.IdentitySignature.OK() {
		t.Error("specimen identity verified with the real RRN key")
	}
	// Root CA3 is pinned but did not sign the CA2 RRN certificate.
	real.Certificates.Root = readCert(t, testenv.RealData(t, "belgium-pki", "belgiumrca3.pem"))
	in, err = eid.Verify(ctx, d, &real, &eid.VerifyOptions{TrustedRootPins: belgian})
	if err != nil {
		t.Fatal(err)
	}
	if !in.Root.OK() || in.RRNCertificate.Status != eid.CheckFailed {
		t.Errorf("CA3 root with a CA2 RRN certificate: %v; %v", in.Root, in.RRNCertificate)
	}
}
