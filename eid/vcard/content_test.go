package vcard_test

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/x509"
	"encoding/asn1"
	"encoding/pem"
	"fmt"
	"image/jpeg"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/csam-go/csam/eid"
	"github.com/csam-go/csam/eid/vcard"
	"github.com/csam-go/csam/internal/testenv"
)

// fields splits a simplified-TLV file (card content v5.4 §6.1) written
// independently of the card's encoder, stopping at zero padding.
func fields(t *testing.T, b []byte) map[byte][]byte {
	t.Helper()
	m := map[byte][]byte{}
	last := -1
	for i := 0; i < len(b); {
		tag := b[i]
		if tag == 0 && i > 0 && bytes.Count(b[i:], []byte{0}) == len(b)-i {
			break
		}
		if int(tag) <= last {
			t.Fatalf("tag %02X after %02X: tags must ascend", tag, last)
		}
		last = int(tag)
		i++
		n := 0
		for b[i] == 0xFF {
			n += 255
			i++
		}
		n += int(b[i])
		i++
		m[tag] = b[i : i+n]
		i += n
	}
	return m
}

func checkNationalNumber(t *testing.T, nn string, born2000 bool) {
	t.Helper()
	if len(nn) != 11 {
		t.Fatalf("national number %q", nn)
	}
	base, _ := strconv.ParseInt(nn[:9], 10, 64)
	if born2000 {
		base += 2_000_000_000
	}
	check, _ := strconv.Atoi(nn[9:])
	if int64(check) != 97-base%97 {
		t.Errorf("national number %s: check digits %d, want %d", nn, check, 97-base%97)
	}
}

func TestContent(t *testing.T) {
	for _, p := range profiles {
		t.Run(p.String(), func(t *testing.T) {
			c := newCard(t, p)
			k := c.PKI()
			id := c.File(uint16(eid.FileIdentity))
			f := fields(t, id)
			photo := c.File(uint16(eid.FilePhoto))
			if _, err := jpeg.Decode(bytes.NewReader(photo)); err != nil {
				t.Fatalf("photo is not a JPEG: %v", err)
			}
			var photoHash []byte
			if p == vcard.Applet17 {
				h := sha256.Sum256(photo)
				photoHash = h[:]
			} else {
				h := sha512.Sum384(photo)
				photoHash = h[:]
				bk := sha512.Sum384(c.File(uint16(eid.FileBasicKey)))
				if !bytes.Equal(f[0x1A], bk[:]) {
					t.Error("tag 1A is not the SHA-384 of file 4040")
				}
				if _, err := x509.ParsePKIXPublicKey(c.File(uint16(eid.FileBasicKey))); err != nil {
					t.Errorf("4040: %v", err)
				}
			}
			if !bytes.Equal(f[0x11], photoHash) {
				t.Error("tag 11 is not the photo hash")
			}
			if !bytes.Equal(f[0x02], c.CardData()[:16]) {
				t.Error("chip number differs from the card data serial")
			}
			for tag, n := range map[byte]int{0x01: 12, 0x03: 10, 0x04: 10, 0x06: 11} {
				if len(f[tag]) != n {
					t.Errorf("tag %02X: %q", tag, f[tag])
				}
			}
			if _, err := time.Parse("02.01.2006", string(f[0x03])); err != nil {
				t.Error(err)
			}
			checkNationalNumber(t, string(f[0x06]), p == vcard.Applet18)
			for tag := byte(0x01); tag <= 0x0D; tag++ {
				if len(f[tag]) == 0 {
					t.Errorf("identity tag %02X is empty", tag)
				}
			}

			// Identity and address signatures with the RRN certificate.
			idSig := c.File(uint16(eid.FileIdentitySignature))
			addr := c.File(uint16(eid.FileAddress))
			addrData := append(bytes.TrimRight(addr, "\x00"), idSig...)
			if len(addr) != 117 {
				t.Errorf("address file of %d bytes, want 117", len(addr))
			}
			af := fields(t, addr)
			if len(af[0x01]) == 0 || len(af[0x02]) != 4 || len(af[0x03]) == 0 {
				t.Errorf("address fields %q", af)
			}
			rrnCert, err := x509.ParseCertificate(certDER(t, c.File(uint16(eid.FileRRNCert))))
			if err != nil {
				t.Fatal(err)
			}
			switch pub := rrnCert.PublicKey.(type) {
			case *rsa.PublicKey:
				h := sha256.Sum256(id)
				if err := rsa.VerifyPKCS1v15(pub, crypto.SHA256, h[:], idSig); err != nil {
					t.Errorf("identity signature: %v", err)
				}
				h = sha256.Sum256(addrData)
				if err := rsa.VerifyPKCS1v15(pub, crypto.SHA256, h[:], c.File(uint16(eid.FileAddressSignature))); err != nil {
					t.Errorf("address signature: %v", err)
				}
			case *ecdsa.PublicKey:
				h := sha512.Sum384(id)
				if !ecdsa.VerifyASN1(pub, h[:], trimDER(idSig)) {
					t.Error("identity signature does not verify")
				}
				h = sha512.Sum384(addrData)
				if !ecdsa.VerifyASN1(pub, h[:], trimDER(c.File(uint16(eid.FileAddressSignature)))) {
					t.Error("address signature does not verify")
				}
				if len(idSig) != 104 {
					t.Errorf("EC signature file of %d bytes", len(idSig))
				}
			}

			// Chain: root → CA → auth/sign, root → RRN.
			roots := x509.NewCertPool()
			roots.AddCert(k.Root)
			inter := x509.NewCertPool()
			inter.AddCert(k.CA)
			at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
			for name, cert := range map[string]*x509.Certificate{"auth": k.Auth, "sign": k.Sign, "rrn": k.RRN} {
				chains, err := cert.Verify(x509.VerifyOptions{Roots: roots, Intermediates: inter, CurrentTime: at,
					KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageAny}})
				if err != nil {
					t.Errorf("%s: %v", name, err)
					continue
				}
				if name == "rrn" && len(chains[0]) != 2 {
					t.Errorf("RRN chain of %d certificates, want it issued directly by the root", len(chains[0]))
				}
			}
			// The files hold the certificates, zero-padded.
			for id, cert := range map[uint16]*x509.Certificate{uint16(eid.FileAuthCert): k.Auth, uint16(eid.FileSigningCert): k.Sign,
				uint16(eid.FileCACert): k.CA, uint16(eid.FileRootCert): k.Root, uint16(eid.FileRRNCert): k.RRN} {
				b := c.File(id)
				if !bytes.Equal(certDER(t, b), cert.Raw) || len(b) != len(cert.Raw)+1100 {
					t.Errorf("file %04X: not the certificate plus 1100 zero bytes", id)
				}
			}
			checkPolicies(t, p, k)
			checkPKCS15(t, c)
		})
	}
}

func trimDER(b []byte) []byte { return b[:2+int(b[1])] }

// certDER returns the DER certificate at the start of a padded file.
func certDER(t *testing.T, b []byte) []byte {
	t.Helper()
	var raw asn1.RawValue
	rest, err := asn1.Unmarshal(b, &raw)
	if err != nil {
		t.Fatalf("certificate file: %v", err)
	}
	if len(bytes.Trim(rest, "\x00")) != 0 {
		t.Fatal("certificate file: non-zero bytes after the certificate")
	}
	return raw.FullBytes
}

func checkPolicies(t *testing.T, p vcard.Profile, k *vcard.PKI) {
	t.Helper()
	auth, sign, rrn := "2.16.56.12.1.1.2.2", "2.16.56.12.1.1.2.1", "2.16.56.12.1.1.4"
	if p == vcard.Applet18 {
		auth, sign, rrn = "2.16.56.13.6.1.1.1000", "2.16.56.13.6.1.2.1000", "2.16.56.13.6.0.1"
	}
	has := func(c *x509.Certificate, oid string) bool {
		for _, o := range c.Policies {
			if o.String() == oid {
				return true
			}
		}
		return false
	}
	if !has(k.Auth, auth) || !has(k.Sign, sign) || !has(k.RRN, rrn) || !has(k.Sign, "0.4.0.194112.1.2") {
		t.Errorf("policies: auth %v sign %v rrn %v", k.Auth.Policies, k.Sign.Policies, k.RRN.Policies)
	}
	if k.Auth.KeyUsage != x509.KeyUsageDigitalSignature || k.Sign.KeyUsage != x509.KeyUsageContentCommitment {
		t.Errorf("key usages %v %v", k.Auth.KeyUsage, k.Sign.KeyUsage)
	}
	var qc []byte
	for _, e := range k.Sign.Extensions {
		if e.Id.String() == "1.3.6.1.5.5.7.1.3" {
			qc = e.Value
		}
	}
	var statements []struct {
		ID   asn1.ObjectIdentifier
		Rest asn1.RawValue `asn1:"optional"`
	}
	if _, err := asn1.Unmarshal(qc, &statements); err != nil {
		t.Fatalf("QCStatements: %v", err)
	}
	got := map[string]bool{}
	for _, s := range statements {
		got[s.ID.String()] = true
	}
	if !got["0.4.0.1862.1.1"] || !got["0.4.0.1862.1.4"] {
		t.Errorf("QCStatements %v: want QcCompliance and QcSSCD", got)
	}
	for _, e := range k.Auth.Extensions {
		if e.Id.String() == "1.3.6.1.5.5.7.1.3" {
			t.Error("authentication certificate has QCStatements")
		}
	}
	if k.RRN.Issuer.String() != k.Root.Subject.String() {
		t.Errorf("RRN issuer %s", k.RRN.Issuer)
	}
}

// PKCS#15 structures (PKCS#15 v1.1), decoded with encoding/asn1 to check
// that the files are well-formed and point where the spec says.
type path struct {
	Path []byte
}

func checkPKCS15(t *testing.T, c *vcard.Card) {
	t.Helper()
	dir := c.File(uint16(eid.FileDir))
	want := "61234f0ca000000177504b43532d313550064245 4c504943 51043f00df00 7305 0603603802"
	if !bytes.Equal(dir, unhex(t, want)) {
		t.Errorf("EF(DIR) % X", dir)
	}
	// ODF: [0] PrKDF, [4] CDF, [8] AODF paths.
	odf := c.File(uint16(eid.FileODF))
	paths := map[int][]byte{}
	for rest := odf; len(rest) > 0; {
		var v asn1.RawValue
		var err error
		if rest, err = asn1.Unmarshal(rest, &v); err != nil {
			t.Fatalf("ODF: %v", err)
		}
		var p path
		if _, err := asn1.Unmarshal(v.Bytes, &p); err != nil {
			t.Fatalf("ODF path: %v", err)
		}
		paths[v.Tag] = p.Path
	}
	for tag, want := range map[int]string{0: "3F00DF005035", 4: "3F00DF005037", 8: "3F00DF005034"} {
		if !bytes.Equal(paths[tag], unhex(t, want)) {
			t.Errorf("ODF [%d] path % X", tag, paths[tag])
		}
	}
	var ti struct {
		Version int
		Serial  []byte
		Label   string `asn1:"tag:0,utf8"`
		Flags   asn1.BitString
		Belpic  []byte `asn1:"tag:30"`
	}
	if _, err := asn1.Unmarshal(c.File(uint16(eid.FileTokenInfo)), &ti); err != nil || ti.Label != "BELPIC" || len(ti.Serial) != 16 {
		t.Errorf("TokenInfo %+v: %v", ti, err)
	}
	// CDF: four certificates with their labels, ids and paths.
	type commonObj struct {
		Label  string `asn1:"utf8"`
		Flags  asn1.BitString
		AuthID []byte
	}
	var got []string
	for rest := c.File(uint16(eid.FileCDF)); len(rest) > 0 && rest[0] != 0; {
		var e struct {
			Common commonObj
			Cert   asn1.RawValue
			Attrs  struct{ Path path } `asn1:"explicit,tag:1"`
		}
		var err error
		if rest, err = asn1.Unmarshal(rest, &e); err != nil {
			t.Fatalf("CDF: %v", err)
		}
		got = append(got, fmt.Sprintf("%s:%X", e.Common.Label, e.Attrs.Path.Path))
	}
	if want := []string{"Authentication:3F00DF005038", "Signature:3F00DF005039", "CA:3F00DF00503A", "Root:3F00DF00503B"}; !slices.Equal(got, want) {
		t.Errorf("CDF entries %q, want %q", got, want)
	}
	// PrKDF: two keys 82 and 83.
	n := 0
	for rest := c.File(uint16(eid.FilePrKDF)); len(rest) > 0; n++ {
		var v asn1.RawValue
		var err error
		if rest, err = asn1.Unmarshal(rest, &v); err != nil {
			t.Fatalf("PrKDF: %v", err)
		}
	}
	if n != 2 {
		t.Errorf("PrKDF has %d keys", n)
	}
	var aodf asn1.RawValue
	if rest, err := asn1.Unmarshal(c.File(uint16(eid.FileAODF)), &aodf); err != nil || len(rest) != 0 || len(aodf.FullBytes) != 0x35 {
		t.Errorf("AODF: %v (%d bytes)", err, len(aodf.FullBytes))
	}
}

func TestDeterministic(t *testing.T) {
	o := vcard.Options{Profile: vcard.Applet18, Seed: []byte("same seed"), Issued: time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC)}
	a, err := vcard.New(o)
	if err != nil {
		t.Fatal(err)
	}
	o.Seed = []byte("other seed")
	b, err := vcard.New(o)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(a.File(uint16(eid.FileAuthCert)), b.File(uint16(eid.FileAuthCert))) {
		t.Error("different seeds gave the same certificate")
	}
	// The same seed again (a fresh generation, see export_test.go) gives
	// the same files: checked by TestDeterministicBuild inside the package.
	if got := a.PKI().Auth.NotBefore; !got.Equal(o.Issued) {
		t.Errorf("NotBefore %v", got)
	}
	f := fields(t, a.File(uint16(eid.FileIdentity)))
	if string(f[0x03]) != "01.05.2024" || string(f[0x04]) != "01.05.2034" {
		t.Errorf("validity %s–%s", f[0x03], f[0x04])
	}
}

func TestExport(t *testing.T) {
	c := newCard(t, vcard.Applet18)
	dir := t.TempDir()
	if err := c.PKI().Export(dir); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"root", "ca", "auth", "sign", "rrn"} {
		b, err := os.ReadFile(filepath.Join(dir, name+".pem"))
		if err != nil {
			t.Fatal(err)
		}
		blk, _ := pem.Decode(b)
		cert, err := x509.ParseCertificate(blk.Bytes)
		if err != nil {
			t.Fatal(err)
		}
		kb, err := os.ReadFile(filepath.Join(dir, name+".key"))
		if err != nil {
			t.Fatal(err)
		}
		kblk, _ := pem.Decode(kb)
		key, err := x509.ParsePKCS8PrivateKey(kblk.Bytes)
		if err != nil {
			t.Fatal(err)
		}
		if !key.(crypto.Signer).Public().(interface{ Equal(crypto.PublicKey) bool }).Equal(cert.PublicKey) {
			t.Errorf("%s.key does not match %s.pem", name, name)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "basic.key")); err != nil {
		t.Error(err)
	}
}

func TestHolder(t *testing.T) {
	h := vcard.Holder{Name: "Peeters", FirstNames: "Jan", BirthDate: "01.MÄR.1990", Sex: "M",
		NationalNumber: vcard.NationalNumber(time.Date(1990, 3, 1, 0, 0, 0, 0, time.UTC), 5),
		DocumentType:   "31", MemberOfFamily: true, EURegistrationDate: "01.02.2020", WorkPermit: "7"}
	c, err := vcard.New(vcard.Options{Profile: vcard.Applet18, Seed: []byte("holder"), Holder: h})
	if err != nil {
		t.Fatal(err)
	}
	f := fields(t, c.File(uint16(eid.FileIdentity)))
	for tag, want := range map[byte]string{0x07: "Peeters", 0x08: "Jan", 0x0C: "01.MÄR.1990", 0x0F: "31",
		0x06: h.NationalNumber, 0x16: "7", 0x1F: "01.02.2020", 0x09: "M", 0x0A: "Belge"} {
		if string(f[tag]) != want {
			t.Errorf("tag %02X = %q, want %q", tag, f[tag], want)
		}
	}
	if v, ok := f[0x14]; !ok || len(v) != 0 {
		t.Error("member of family: want tag 14 present and empty")
	}
	checkNationalNumber(t, h.NationalNumber, false)
	if c.PKI().Auth.Subject.SerialNumber != h.NationalNumber {
		t.Errorf("certificate serial number %q", c.PKI().Auth.Subject.SerialNumber)
	}
}

func TestNoSignCert(t *testing.T) {
	c, err := vcard.New(vcard.Options{Profile: vcard.Applet18, Seed: []byte("vcard unit tests"), NoSignCert: true})
	if err != nil {
		t.Fatal(err)
	}
	if b := c.File(uint16(eid.FileSigningCert)); len(b) != 2500 || len(bytes.Trim(b, "\x00")) != 0 {
		t.Error("5039 should be 2500 zero bytes")
	}
	if bytes.Contains(c.File(uint16(eid.FileCDF)), []byte("Signature")) {
		t.Error("CDF still lists the signature certificate")
	}
}

// aliceFiles maps the specimen card's files to their file identifiers.
var aliceFiles = map[string]string{
	"Alice_Identity.tlv": "4031", "Alice_IdentitySignature.tlv": "4032", "Alice_Address.tlv": "4033",
	"Alice_AddressSignature.tlv": "4034", "Alice_Photo.tlv": "4035", "Alice_AuthentificationCertificate.tlv": "5038",
	"Alice_SigningCertificate.tlv": "5039", "Alice_CACertificate.tlv": "503A", "Alice_RootCertificate.tlv": "503B",
	"Alice_RRNCertificate.tlv": "503C", "Alice_ATR.bin": "atr",
}

// aliceDump builds a dump folder from the real specimen card at run time.
func aliceDump(t *testing.T) string {
	t.Helper()
	src := testenv.RealData(t, "eid-specimen", "alice")
	dir := t.TempDir()
	for from, to := range aliceFiles {
		b, err := os.ReadFile(filepath.Join(src, from))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, to), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestFromDump(t *testing.T) {
	dir := aliceDump(t)
	c, err := vcard.FromDump(dir)
	if err != nil {
		t.Fatal(err)
	}
	src := testenv.RealData(t, "eid-specimen", "alice")
	for from, to := range aliceFiles {
		if to == "atr" {
			continue
		}
		want, _ := os.ReadFile(filepath.Join(src, from))
		df := "DF01"
		if to[:2] == "50" {
			df = "DF00"
		}
		if got := readFile(t, c, "3F00"+df+to); !bytes.Equal(got, want) {
			t.Errorf("%s (%s): read %d bytes, want %d", to, from, len(got), len(want))
		}
	}
	atr, _ := os.ReadFile(filepath.Join(src, "Alice_ATR.bin"))
	if !bytes.Equal(c.ATR(), atr) {
		t.Errorf("ATR % X", c.ATR())
	}
	d := mustSW(t, c, "80E400001C", 0x9000)
	f := fields(t, c.File(uint16(eid.FileIdentity)))
	if !bytes.Equal(d[:16], f[0x02]) || d[21] != 0x11 {
		t.Errorf("card data % X: want Alice's chip number and applet 1.1", d)
	}
	// PKCS#15 files are made up from the certificates: RSA-1024 keys.
	if !bytes.Contains(c.File(uint16(eid.FilePrKDF)), []byte{0x02, 0x02, 0x04, 0x00}) {
		t.Errorf("PrKDF % X", c.File(uint16(eid.FilePrKDF)))
	}
	checkPKCS15(t, c)
	mustSW(t, c, "002241B60504800184 82", 0x6A88)
	mustSW(t, c, "0020000108"+pinBlock(t, "1234"), 0x9000)

	if _, err := vcard.FromDump(t.TempDir()); err == nil {
		t.Error("empty folder accepted")
	}
}
