package vcard

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/x509"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"io"
	"math/big"
	"strconv"
	"strings"
	"time"
)

// Holder is what the identity (4031) and address (4033) files say about the
// card holder, as strings exactly as they are stored on the card (ID
// format v5). Empty optional fields are left out of the file; empty fields
// that the profile's specimen holder fills (names, birth, address, third
// initial, duplicate, …) take its values.
type Holder struct {
	CardNumber           string // tag 01, 12 digits (default: derived from the seed, with its mod-97 check digits)
	DeliveryMunicipality string // tag 05
	NationalNumber       string // tag 06, 11 digits with valid check digits
	Name                 string // tag 07
	FirstNames           string // tag 08, the first two given names
	ThirdInitial         string // tag 09
	Nationality          string // tag 0A
	BirthPlace           string // tag 0B
	BirthDate            string // tag 0C, e.g. "14 MAAR 1985", "15 JUIL 2001", "01.MÄR.1990"
	Sex                  string // tag 0D: M, F, V or W
	NobleCondition       string // tag 0E (written even when empty)
	DocumentType         string // tag 0F, e.g. "1" (eID), "6" (Kids ID), "31" (EU card)
	SpecialStatus        string // tag 10, "0" to "5"
	Duplicate            string // tag 12
	SpecialOrganisation  string // tag 13
	MemberOfFamily       bool   // tag 14 (present and empty when true)
	DateCountryProtect   string // tag 15, dd.MM.yyyy-A2
	WorkPermit           string // tag 16
	EmployerVAT1         string // tag 17
	EmployerVAT2         string // tag 18
	RegionalFileNumber   string // tag 19
	Mention1B            string // tag 1B
	Mention1C            string // tag 1C
	Mention1D            string // tag 1D
	Mention1E            string // tag 1E
	EURegistrationDate   string // tag 1F, DD.MM.YYYY

	Street       string // address tag 01, street and number
	Zip          string // address tag 02
	Municipality string // address tag 03
}

// defaultHolder returns the profile's specimen holder: a Dutch-speaking man
// born in 1985 on the applet 1.7 card, a French-speaking woman born in 2001
// (national number with the 2000+ check digit rule) on the applet 1.8 card.
func defaultHolder(p Profile) Holder {
	if p == Applet17 {
		return Holder{
			DeliveryMunicipality: "Leuven",
			NationalNumber:       NationalNumber(time.Date(1985, 3, 14, 0, 0, 0, 0, time.UTC), 123),
			Name:                 "Specimen",
			FirstNames:           "Bart Jan",
			ThirdInitial:         "L",
			Nationality:          "Belg",
			BirthPlace:           "Leuven",
			BirthDate:            "14 MAAR 1985",
			Sex:                  "M",
			DocumentType:         "1",
			SpecialStatus:        "0",
			Street:               "Grote Markt 1",
			Zip:                  "3000",
			Municipality:         "Leuven",
		}
	}
	return Holder{
		DeliveryMunicipality: "Liège",
		NationalNumber:       NationalNumber(time.Date(2001, 7, 15, 0, 0, 0, 0, time.UTC), 124),
		Name:                 "Specimen",
		FirstNames:           "Alice Geldige",
		ThirdInitial:         "M",
		Nationality:          "Belge",
		BirthPlace:           "Liège",
		BirthDate:            "15 JUIL 2001",
		Sex:                  "F",
		DocumentType:         "1",
		SpecialStatus:        "0",
		Duplicate:            "01",
		Street:               "Place Saint-Lambert 1",
		Zip:                  "4000",
		Municipality:         "Liège",
	}
}

func (h *Holder) fill(d Holder) {
	set := func(dst *string, v string) {
		if *dst == "" {
			*dst = v
		}
	}
	set(&h.DeliveryMunicipality, d.DeliveryMunicipality)
	set(&h.NationalNumber, d.NationalNumber)
	set(&h.Name, d.Name)
	set(&h.FirstNames, d.FirstNames)
	set(&h.ThirdInitial, d.ThirdInitial)
	set(&h.Duplicate, d.Duplicate)
	set(&h.Nationality, d.Nationality)
	set(&h.BirthPlace, d.BirthPlace)
	set(&h.BirthDate, d.BirthDate)
	set(&h.Sex, d.Sex)
	set(&h.DocumentType, d.DocumentType)
	set(&h.SpecialStatus, d.SpecialStatus)
	set(&h.Street, d.Street)
	set(&h.Zip, d.Zip)
	set(&h.Municipality, d.Municipality)
}

// NationalNumber builds an 11-digit Belgian national number from a birth
// date and a 3-digit sequence number (odd for men, even for women), with
// its check digits: 97 minus the first nine digits modulo 97, with a 2
// prefixed to them for people born from 2000 on.
func NationalNumber(birth time.Time, seq int) string {
	base := fmt.Sprintf("%02d%02d%02d%03d", birth.Year()%100, int(birth.Month()), birth.Day(), seq%1000)
	n, _ := strconv.ParseInt(base, 10, 64)
	if birth.Year() >= 2000 {
		n += 2_000_000_000
	}
	return fmt.Sprintf("%s%02d", base, 97-n%97)
}

// cardNumber makes a 12-digit card number: ten digits from r and two mod-97
// check digits (97 when the remainder is 0).
func cardNumber(r io.Reader) string {
	b := make([]byte, 10)
	_, _ = io.ReadFull(r, b)
	var sb strings.Builder
	sb.WriteString("59")
	for _, c := range b[:8] {
		sb.WriteByte('0' + c%10)
	}
	n, _ := strconv.ParseInt(sb.String(), 10, 64)
	c := n % 97
	if c == 0 {
		c = 97
	}
	return fmt.Sprintf("%s%02d", sb.String(), c)
}

// tlvAppend appends one field in the simplified TLV of card content v5.4
// §6.1: one tag byte, the length in one byte below 255, else FF bytes each
// worth 255 followed by the rest.
func tlvAppend(dst []byte, tag byte, v []byte) []byte {
	dst = append(dst, tag)
	n := len(v)
	for n >= 255 {
		dst = append(dst, 0xFF)
		n -= 255
	}
	dst = append(dst, byte(n))
	return append(dst, v...)
}

const dateFormat = "02.01.2006"

// identityFile builds EF(ID#RN) 4031: tags in ascending order (ID format v5).
func identityFile(p Profile, h *Holder, chip []byte, begin, end time.Time, photoHash, basicKeyHash []byte) []byte {
	var b []byte
	if p == Applet18 {
		b = tlvAppend(b, 0x00, []byte{0x00, 0x02}) // file structure version
	}
	s := func(tag byte, v string) { b = tlvAppend(b, tag, []byte(v)) }
	opt := func(tag byte, v string) {
		if v != "" {
			s(tag, v)
		}
	}
	s(0x01, h.CardNumber)
	b = tlvAppend(b, 0x02, chip)
	s(0x03, begin.Format(dateFormat))
	s(0x04, end.Format(dateFormat))
	s(0x05, h.DeliveryMunicipality)
	s(0x06, h.NationalNumber)
	s(0x07, h.Name)
	s(0x08, h.FirstNames)
	s(0x09, h.ThirdInitial)
	s(0x0A, h.Nationality)
	s(0x0B, h.BirthPlace)
	s(0x0C, h.BirthDate)
	s(0x0D, h.Sex)
	s(0x0E, h.NobleCondition)
	s(0x0F, h.DocumentType)
	s(0x10, h.SpecialStatus)
	b = tlvAppend(b, 0x11, photoHash)
	opt(0x12, h.Duplicate)
	opt(0x13, h.SpecialOrganisation)
	if h.MemberOfFamily {
		b = tlvAppend(b, 0x14, nil)
	}
	opt(0x15, h.DateCountryProtect)
	opt(0x16, h.WorkPermit)
	opt(0x17, h.EmployerVAT1)
	opt(0x18, h.EmployerVAT2)
	opt(0x19, h.RegionalFileNumber)
	if basicKeyHash != nil {
		b = tlvAppend(b, 0x1A, basicKeyHash)
	}
	opt(0x1B, h.Mention1B)
	opt(0x1C, h.Mention1C)
	opt(0x1D, h.Mention1D)
	opt(0x1E, h.Mention1E)
	opt(0x1F, h.EURegistrationDate)
	return b
}

// addressFileSize is the size of EF(ID#Address) since electrical
// personalisation version 01 (card content v5.4 §2.3); shorter content is
// padded with zero bytes.
const addressFileSize = 117

func addressFile(p Profile, h *Holder) []byte {
	var b []byte
	if p == Applet18 {
		b = tlvAppend(b, 0x00, []byte{0x00, 0x02})
	}
	b = tlvAppend(b, 0x01, []byte(h.Street))
	b = tlvAppend(b, 0x02, []byte(h.Zip))
	b = tlvAppend(b, 0x03, []byte(h.Municipality))
	if len(b) < addressFileSize {
		b = append(b, make([]byte, addressFileSize-len(b))...)
	}
	return b
}

// ecSignatureFileSize is the fixed size of EF(SGN#ID) and EF(SGN#Address)
// with an EC P-384 RRN key: the longest DER ECDSA-P384 signature; shorter
// signatures are padded with zero bytes (card content v5.4 §6.2.5).
const ecSignatureFileSize = 104

// rrnSign signs data the way the National Register does: RSA PKCS#1 v1.5
// with SHA-256 for an RSA key, ECDSA with SHA-384 (DER, zero-padded to a
// fixed size) for an EC key.
func rrnSign(key crypto.Signer, data []byte) ([]byte, error) {
	switch k := key.(type) {
	case *rsa.PrivateKey:
		h := sha256.Sum256(data)
		return rsa.SignPKCS1v15(nil, k, crypto.SHA256, h[:])
	case *ecdsa.PrivateKey:
		h := sha512.Sum384(data)
		der, err := k.Sign(nil, h[:], crypto.SHA384)
		if err != nil {
			return nil, err
		}
		out := make([]byte, ecSignatureFileSize)
		copy(out, der)
		return out, nil
	}
	return nil, fmt.Errorf("vcard: unsupported RRN key %T", key)
}

// photo makes a small grey-level JPEG portrait (140×200, 8 bits, as the
// card content specification describes older photos) from a seed.
func photo(seed []byte) ([]byte, error) {
	r := drbg(seed, "photo")
	var k [4]byte
	_, _ = io.ReadFull(r, k[:])
	img := image.NewGray(image.Rect(0, 0, 140, 200))
	cx, cy := 70, 80
	for y := range 200 {
		for x := range 140 {
			dx, dy := x-cx, y-cy
			v := 230 - (x+y)/4
			if dx*dx*4+dy*dy*2 < 40*40*4 { // face
				v = 180 + int(k[0]%40) - dy/4
			}
			if y > 140 && (dx*dx < (y-120)*(y-120)) { // shoulders
				v = 60 + int(k[1]%40)
			}
			img.SetGray(x, y, color.Gray{Y: uint8(max(0, min(255, v)))})
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 60}); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// certFilePadding is the number of zero bytes after a certificate in its
// file (card content v5.4 §8), and emptyCertFileSize the size of a file
// without certificate.
const (
	certFilePadding   = 1100
	emptyCertFileSize = 2500
)

func certFile(c *x509.Certificate) []byte {
	if c == nil {
		return make([]byte, emptyCertFileSize)
	}
	return append(bytes.Clone(c.Raw), make([]byte, certFilePadding)...)
}

// der builds one DER element with a definite length.
func der(tag byte, parts ...[]byte) []byte {
	var body []byte
	for _, p := range parts {
		body = append(body, p...)
	}
	out := []byte{tag}
	switch n := len(body); {
	case n < 0x80:
		out = append(out, byte(n))
	case n < 0x100:
		out = append(out, 0x81, byte(n))
	default:
		out = append(out, 0x82, byte(n>>8), byte(n))
	}
	return append(out, body...)
}

// AIDs of the card (card content v4.01 §4.4, v5.4 §5).
var (
	aidApplet = []byte{0xA0, 0x00, 0x00, 0x00, 0x30, 0x29, 0x05, 0x70, 0x00, 0xAD, 0x13, 0x10, 0x01, 0x01, 0xFF}
	aidBelpic = []byte{0xA0, 0x00, 0x00, 0x01, 0x77, 0x50, 0x4B, 0x43, 0x53, 0x2D, 0x31, 0x35}
	aidID     = []byte{0xA0, 0x00, 0x00, 0x01, 0x77, 0x49, 0x64, 0x46, 0x69, 0x6C, 0x65, 0x73}
)

// efDIR is EF(DIR) 2F00 (card content v5.4 §5.2.1).
func efDIR() []byte {
	return der(0x61,
		der(0x4F, aidBelpic),
		der(0x50, []byte("BELPIC")),
		der(0x51, []byte{0x3F, 0x00, 0xDF, 0x00}),
		der(0x73, der(0x06, []byte{0x60, 0x38, 0x02})), // 2.16.56.2
	)
}

// efTokenInfo is EF(TokenInfo) 5032 (card content v5.4 §5.3.1).
func efTokenInfo(serial []byte, version [4]byte) []byte {
	return der(0x30,
		der(0x02, []byte{0x00}),
		der(0x04, serial),
		der(0x80, []byte("BELPIC")),
		der(0x03, []byte{0x04, 0x30}), // prnGeneration, eidCompliant
		der(0x9E, version[:]),
	)
}

func pathDER(p ...byte) []byte { return der(0x30, der(0x04, p)) }

// efODF is EF(ODF) 5031 (card content v5.4 §5.3.2).
func efODF() []byte {
	var b []byte
	b = append(b, der(0xA0, pathDER(0x3F, 0x00, 0xDF, 0x00, 0x50, 0x35))...)
	b = append(b, der(0xA4, pathDER(0x3F, 0x00, 0xDF, 0x00, 0x50, 0x37))...)
	b = append(b, der(0xA8, pathDER(0x3F, 0x00, 0xDF, 0x00, 0x50, 0x34))...)
	return b
}

// efAODF is EF(AODF) 5034 (card content v5.4 §5.3.3): the cardholder PIN.
func efAODF() []byte {
	return der(0x30,
		der(0x30, der(0x0C, []byte("Basic PIN")), der(0x03, []byte{0x06, 0xC0})),
		der(0x30, der(0x04, []byte{0x01})),
		der(0xA1, der(0x30,
			der(0x03, []byte{0x02, 0x0C}), // initialized, needs-padding
			der(0x0A, []byte{0x00}),       // bcd
			der(0x02, []byte{0x04}),       // min length
			der(0x02, []byte{0x08}),       // stored length
			der(0x80, []byte{0x01}),       // PIN reference
			der(0x04, []byte{0xFF}),       // pad char
			pathDER(0x3F, 0x00),
		)),
	)
}

// keyDesc describes one private key for EF(PrKDF).
type keyDesc struct {
	ec   bool
	bits int
}

// efPrKDF is EF(PrKDF) 5035: the authentication (82) and non-repudiation
// (83) keys. EC keys use the [0] PrivateECKey choice of card content v5.4
// §5.3.4, RSA keys the plain SEQUENCE of card content v4.01 §6.4.
func efPrKDF(auth, sign *keyDesc) []byte {
	entry := func(k *keyDesc, label string, id, ref byte, usage, extra []byte) []byte {
		common := [][]byte{der(0x0C, []byte(label)), der(0x03, []byte{0x06, 0xC0}), der(0x04, []byte{0x01})}
		if extra != nil {
			common = append(common, extra)
		}
		size := big.NewInt(int64(k.bits)).Bytes()
		tag := byte(0x30)
		if k.ec {
			tag = 0xA0
		}
		return der(tag,
			der(0x30, common...),
			der(0x30, der(0x04, []byte{id}), usage, der(0x03, []byte{0x03, 0xB8}), der(0x02, []byte{0x00, ref})),
			der(0xA1, der(0x30, pathDER(0x3F, 0x00, 0xDF, 0x00), der(0x02, size))),
		)
	}
	var b []byte
	if auth != nil {
		b = append(b, entry(auth, "Authentication", 0x02, 0x82, der(0x03, []byte{0x05, 0x20}), nil)...)
	}
	if sign != nil {
		b = append(b, entry(sign, "Signature", 0x03, 0x83, der(0x03, []byte{0x06, 0x00, 0x40}), der(0x02, []byte{0x01}))...)
	}
	return b
}

// efCDF is EF(CDF) 5037 (card content v5.4 §5.3.6): authentication,
// non-repudiation, CA and root certificates; the entries of absent
// certificates are left out.
func efCDF(haveAuth, haveSign bool) []byte {
	entry := func(label string, id byte, authority bool, file byte) []byte {
		attrs := [][]byte{der(0x04, []byte{id})}
		if authority {
			attrs = append(attrs, der(0x01, []byte{0xFF}))
		}
		attrs = append(attrs, der(0x83, []byte{0x00})) // implicitTrust FALSE
		return der(0x30,
			der(0x30, der(0x0C, []byte(label)), der(0x03, []byte{0x06, 0x40}), der(0x04, []byte{0x01})),
			der(0x30, attrs...),
			der(0xA1, der(0x30, pathDER(0x3F, 0x00, 0xDF, 0x00, 0x50, file))),
		)
	}
	var b []byte
	if haveAuth {
		b = append(b, entry("Authentication", 0x02, false, 0x38)...)
	}
	if haveSign {
		b = append(b, entry("Signature", 0x03, false, 0x39)...)
	}
	b = append(b, entry("CA", 0x04, true, 0x3A)...)
	b = append(b, entry("Root", 0x06, true, 0x3B)...)
	return b
}

func describeKey(c *x509.Certificate) *keyDesc {
	if c == nil {
		return nil
	}
	switch k := c.PublicKey.(type) {
	case *rsa.PublicKey:
		return &keyDesc{bits: k.N.BitLen()}
	case *ecdsa.PublicKey:
		return &keyDesc{ec: true, bits: k.Curve.Params().BitSize}
	}
	return nil
}
