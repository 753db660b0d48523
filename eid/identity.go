package eid

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Identity is the content of the identity file EF(ID#RN) 4031, every tag of
// "ID and Address file contents" v5.0 §1 (card content v5.4 §6.2.2). Text
// fields are UTF-8 as on the card; absent fields are zero.
type Identity struct {
	FileVersion          []byte         // tag 00, file structure version (binary)
	CardNumber           string         // tag 01
	ChipNumber           []byte         // tag 02, 16 bytes
	ValidityBegin        Date           // tag 03, DD.MM.YYYY
	ValidityEnd          Date           // tag 04, DD.MM.YYYY
	DeliveryMunicipality string         // tag 05
	NationalNumber       NationalNumber // tag 06, check digits verified
	Name                 string         // tag 07
	FirstNames           string         // tag 08, two first given names
	ThirdInitial         string         // tag 09, first letter of the third given name
	Nationality          string         // tag 0A
	BirthPlace           string         // tag 0B
	BirthDate            Date           // tag 0C, French, Dutch or German; may be year-only
	Sex                  Sex            // tag 0D
	NobleCondition       string         // tag 0E
	DocumentType         DocumentType   // tag 0F
	SpecialStatus        SpecialStatus  // tag 10
	PhotoHash            []byte         // tag 11, hash of the photo file
	Duplicate            string         // tag 12
	SpecialOrganisation  string         // tag 13: 1 SHAPE, 2 NATO, 4 old European blue card, 5 researcher
	MemberOfFamily       bool           // tag 14, present (empty) = true
	ProtectionDate       Date           // tag 15, date part of "dd.MM.yyyy-A2"
	ProtectionCountry    string         // tag 15, ISO 3166 alpha-2 part
	WorkPermit           string         // tag 16: 7 unlimited, 8 limited, 9 no labour market access, A seasonal worker
	EmployerVAT1         string         // tag 17
	EmployerVAT2         string         // tag 18
	RegionalFileNumber   string         // tag 19
	BasicKeyHash         []byte         // tag 1A, SHA-384 of EF(PuK#1 Basic) 4040
	Mention1B            string         // tag 1B: B = Article 18(1) Agreement
	Mention1C            string         // tag 1C: C = permanent residence
	Mention1D            string         // tag 1D: A seasonal worker, D student, E school pupil, F trainee, G volunteer, H au pair, I researcher, J job search
	Mention1E            string         // tag 1E: K = mobility programme
	EURegistrationDate   Date           // tag 1F, DD.MM.YYYY
	// Fields are all the fields as parsed, unknown tags included.
	Fields []TLV
	// Raw is the file as read, kept for the signature check.
	Raw []byte
}

// Address is the content of the address file EF(ID#Address) 4033 ("ID and
// Address file contents" v5.0 §2).
type Address struct {
	FileVersion  []byte // tag 00
	Street       string // tag 01, street and number
	Zip          string // tag 02
	Municipality string // tag 03
	Fields       []TLV
	Raw          []byte
}

// ParseIdentity parses an identity file. Errors are *FieldError (matching
// ErrMalformed) for a malformed TLV structure, date, national number (its
// mod-97 check digits must be right), sex, document type or special status,
// a text field that is not UTF-8, a repeated tag, an empty file or a
// missing mandatory field (card number, chip number, validity, delivery
// municipality, national number, name, nationality, birth date, sex,
// document type, photo hash). Optional absent fields are left zero. Text
// values are trimmed of the spaces and zero bytes older cards pad them
// with.
func ParseIdentity(b []byte) (*Identity, error) {
	fields, err := ParseTLV(b)
	if err != nil {
		return nil, &FieldError{File: FileIdentity, Field: "TLV", Err: err}
	}
	if len(fields) == 0 {
		return nil, &FieldError{File: FileIdentity, Field: "TLV", Err: errEmptyFile}
	}
	id := &Identity{Fields: fields, Raw: append([]byte(nil), b...)}
	seen := map[byte]bool{}
	for _, f := range fields {
		if seen[f.Tag] {
			return nil, &FieldError{File: FileIdentity, Tag: f.Tag, Field: "tag", Err: errors.New("repeated")}
		}
		seen[f.Tag] = true
		if err := id.set(f); err != nil {
			return nil, &FieldError{File: FileIdentity, Tag: f.Tag, Field: identityTagName(f.Tag), Err: err}
		}
	}
	for _, tag := range identityMandatory {
		if !seen[tag] {
			return nil, &FieldError{File: FileIdentity, Tag: tag, Field: identityTagName(tag), Err: errMissing}
		}
	}
	return id, nil
}

// identityMandatory are the tags every identity file has.
var identityMandatory = []byte{0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x0A, 0x0C, 0x0D, 0x0F, 0x11}

// addressMandatory are the tags every address file has.
var addressMandatory = []byte{0x01, 0x02, 0x03}

var (
	errEmptyFile = errors.New("empty file")
	errMissing   = errors.New("mandatory field missing")
)

// cardText returns a text value without the padding (spaces, zero bytes)
// of older cards.
func cardText(v []byte) (string, error) {
	if !utf8.Valid(v) {
		return "", errors.New("not UTF-8")
	}
	return strings.Trim(string(v), " \x00"), nil
}

func identityTagName(tag byte) string {
	names := map[byte]string{
		0x00: "file version", 0x01: "card number", 0x02: "chip number", 0x03: "validity begin",
		0x04: "validity end", 0x05: "delivery municipality", 0x06: "national number", 0x07: "name",
		0x08: "first names", 0x09: "third initial", 0x0A: "nationality", 0x0B: "birth place",
		0x0C: "birth date", 0x0D: "sex", 0x0E: "noble condition", 0x0F: "document type",
		0x10: "special status", 0x11: "photo hash", 0x12: "duplicate", 0x13: "special organisation",
		0x14: "member of family", 0x15: "date and country of protection", 0x16: "work permit",
		0x17: "employer VAT 1", 0x18: "employer VAT 2", 0x19: "regional file number",
		0x1A: "basic key hash", 0x1B: "mention 1B", 0x1C: "mention 1C", 0x1D: "mention 1D",
		0x1E: "mention 1E", 0x1F: "EU registration date",
	}
	if n, ok := names[tag]; ok {
		return n
	}
	return "unknown"
}

func (id *Identity) set(f TLV) error {
	v := f.Value
	text := func(dst *string) (err error) {
		*dst, err = cardText(v)
		return err
	}
	var err error
	switch f.Tag {
	case 0x00:
		id.FileVersion = v
	case 0x01:
		return text(&id.CardNumber)
	case 0x02:
		id.ChipNumber = v
	case 0x03:
		id.ValidityBegin, err = parseDotDate(string(v))
	case 0x04:
		id.ValidityEnd, err = parseDotDate(string(v))
	case 0x05:
		return text(&id.DeliveryMunicipality)
	case 0x06:
		n := NationalNumber(v)
		if err := n.check(); err != nil {
			return err
		}
		id.NationalNumber = n
	case 0x07:
		return text(&id.Name)
	case 0x08:
		return text(&id.FirstNames)
	case 0x09:
		return text(&id.ThirdInitial)
	case 0x0A:
		return text(&id.Nationality)
	case 0x0B:
		return text(&id.BirthPlace)
	case 0x0C:
		id.BirthDate, err = parseBirthDate(string(v))
	case 0x0D:
		id.Sex, err = parseSex(string(v))
	case 0x0E:
		return text(&id.NobleCondition)
	case 0x0F:
		var n int
		n, err = smallNumber(v)
		id.DocumentType = DocumentType(n)
	case 0x10:
		var n int
		n, err = smallNumber(v)
		id.SpecialStatus = SpecialStatus(n)
	case 0x11:
		id.PhotoHash = v
	case 0x12:
		return text(&id.Duplicate)
	case 0x13:
		return text(&id.SpecialOrganisation)
	case 0x14:
		id.MemberOfFamily = true
	case 0x15:
		id.ProtectionDate, id.ProtectionCountry, err = parseProtection(string(v))
	case 0x16:
		return text(&id.WorkPermit)
	case 0x17:
		return text(&id.EmployerVAT1)
	case 0x18:
		return text(&id.EmployerVAT2)
	case 0x19:
		return text(&id.RegionalFileNumber)
	case 0x1A:
		id.BasicKeyHash = v
	case 0x1B:
		return text(&id.Mention1B)
	case 0x1C:
		return text(&id.Mention1C)
	case 0x1D:
		return text(&id.Mention1D)
	case 0x1E:
		return text(&id.Mention1E)
	case 0x1F:
		id.EURegistrationDate, err = parseDotDate(string(v))
	}
	return err
}

// ParseAddress parses an address file. Errors are *FieldError (matching
// ErrMalformed), also for an empty file or a missing street, zip or
// municipality. Text values are trimmed of padding as in ParseIdentity.
func ParseAddress(b []byte) (*Address, error) {
	fields, err := ParseTLV(b)
	if err != nil {
		return nil, &FieldError{File: FileAddress, Field: "TLV", Err: err}
	}
	if len(fields) == 0 {
		return nil, &FieldError{File: FileAddress, Field: "TLV", Err: errEmptyFile}
	}
	a := &Address{Fields: fields, Raw: append([]byte(nil), b...)}
	seen := map[byte]bool{}
	for _, f := range fields {
		if seen[f.Tag] {
			return nil, &FieldError{File: FileAddress, Tag: f.Tag, Field: "tag", Err: errors.New("repeated")}
		}
		seen[f.Tag] = true
		var dst *string
		switch f.Tag {
		case 0x00:
			a.FileVersion = f.Value
			continue
		case 0x01:
			dst = &a.Street
		case 0x02:
			dst = &a.Zip
		case 0x03:
			dst = &a.Municipality
		default:
			continue
		}
		if *dst, err = cardText(f.Value); err != nil {
			return nil, &FieldError{File: FileAddress, Tag: f.Tag, Field: "text", Err: err}
		}
	}
	for _, tag := range addressMandatory {
		if !seen[tag] {
			name := map[byte]string{1: "street", 2: "zip", 3: "municipality"}[tag]
			return nil, &FieldError{File: FileAddress, Tag: tag, Field: name, Err: errMissing}
		}
	}
	return a, nil
}

// smallNumber parses a short ASCII decimal number (document type, special
// status).
func smallNumber(v []byte) (int, error) {
	s := strings.TrimSpace(string(v))
	if s == "" || len(s) > 3 {
		return 0, fmt.Errorf("not a number: %q", v)
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("not a number: %q", v)
	}
	return n, nil
}

// Sex is the holder's sex as on the card.
type Sex string

// Values of tag 0D: M for men; F, V or W (French, Dutch, German) for women.
const (
	SexMale   Sex = "M"
	SexFemale Sex = "F"
)

func parseSex(s string) (Sex, error) {
	switch strings.TrimSpace(s) {
	case "M":
		return SexMale, nil
	case "F", "V", "W":
		return SexFemale, nil
	}
	return "", fmt.Errorf("unknown sex %q", s)
}

// DocumentType is tag 0F of the identity file.
type DocumentType int

// Document types ("ID and Address file contents" v5.0, tag 15 = 0F).
const (
	DocumentEID          DocumentType = 1
	DocumentKidsID       DocumentType = 6
	DocumentBootstrap    DocumentType = 7
	DocumentHabilitation DocumentType = 8
	DocumentA            DocumentType = 11
	DocumentB            DocumentType = 12
	DocumentC            DocumentType = 13
	DocumentD            DocumentType = 14
	DocumentE            DocumentType = 15
	DocumentEPlus        DocumentType = 16
	DocumentF            DocumentType = 17
	DocumentFPlus        DocumentType = 18
	DocumentH            DocumentType = 19
	DocumentI            DocumentType = 20
	DocumentJ            DocumentType = 21
	DocumentM            DocumentType = 22
	DocumentN            DocumentType = 23
	DocumentK            DocumentType = 27
	DocumentL            DocumentType = 28
	DocumentEU           DocumentType = 31
	DocumentEUPlus       DocumentType = 32
	DocumentAf           DocumentType = 33
	DocumentBf           DocumentType = 34
	DocumentFf           DocumentType = 35
	DocumentFPlusf       DocumentType = 36
	DocumentKidsEU       DocumentType = 61
	DocumentKidsEUPlus   DocumentType = 62
	DocumentKidsA        DocumentType = 63
	DocumentKidsB        DocumentType = 64
	DocumentKidsK        DocumentType = 65
	DocumentKidsL        DocumentType = 66
	DocumentKidsF        DocumentType = 67
	DocumentKidsFPlus    DocumentType = 68
	DocumentKidsM        DocumentType = 69
)

var documentNames = map[DocumentType]string{
	DocumentEID: "eID", DocumentKidsID: "Kids ID", DocumentBootstrap: "bootstrap card",
	DocumentHabilitation: "habilitation card", DocumentA: "A card", DocumentB: "B card",
	DocumentC: "C card", DocumentD: "D card", DocumentE: "E card", DocumentEPlus: "E+ card",
	DocumentF: "F card", DocumentFPlus: "F+ card", DocumentH: "H card", DocumentI: "I card",
	DocumentJ: "J card", DocumentM: "M card", DocumentN: "N card", DocumentK: "K card",
	DocumentL: "L card", DocumentEU: "EU card", DocumentEUPlus: "EU+ card",
	DocumentAf: "A card (f)", DocumentBf: "B card (f)", DocumentFf: "F card (f)",
	DocumentFPlusf: "F+ card (f)", DocumentKidsEU: "kids foreigner card EU",
	DocumentKidsEUPlus: "kids foreigner card EU+", DocumentKidsA: "kids foreigner card A",
	DocumentKidsB: "kids foreigner card B", DocumentKidsK: "kids foreigner card K",
	DocumentKidsL: "kids foreigner card L", DocumentKidsF: "kids foreigner card F",
	DocumentKidsFPlus: "kids foreigner card F+", DocumentKidsM: "kids foreigner card M",
}

// String returns the document type's name, e.g. "eID", "Kids ID", "EU+
// card", or "document type N" for a number the specification does not
// list.
func (d DocumentType) String() string {
	if n, ok := documentNames[d]; ok {
		return n
	}
	return fmt.Sprintf("document type %d", int(d))
}

// SpecialStatus is tag 10 of the identity file.
type SpecialStatus int

// Special statuses ("ID and Address file contents" v5.0, tag 16 = 10).
const (
	StatusNone                       SpecialStatus = 0
	StatusWhiteCane                  SpecialStatus = 1
	StatusExtendedMinority           SpecialStatus = 2
	StatusWhiteCaneExtendedMinority  SpecialStatus = 3
	StatusYellowCane                 SpecialStatus = 4
	StatusYellowCaneExtendedMinority SpecialStatus = 5
)

// String returns the status's name, e.g. "none", "white cane".
func (s SpecialStatus) String() string {
	switch s {
	case StatusNone:
		return "none"
	case StatusWhiteCane:
		return "white cane"
	case StatusExtendedMinority:
		return "extended minority"
	case StatusWhiteCaneExtendedMinority:
		return "white cane and extended minority"
	case StatusYellowCane:
		return "yellow cane"
	case StatusYellowCaneExtendedMinority:
		return "yellow cane and extended minority"
	}
	return fmt.Sprintf("special status %d", int(s))
}

// Date is a calendar date as printed on the card. Birth dates may be
// year-only (Month and Day zero) or lack the day.
type Date struct {
	Year  int
	Month time.Month // 0 when unknown
	Day   int        // 0 when unknown
}

// IsZero reports whether the date is absent.
func (d Date) IsZero() bool { return d == Date{} }

// String formats the date as YYYY-MM-DD, YYYY-MM or YYYY, or "" when zero.
func (d Date) String() string {
	switch {
	case d.IsZero():
		return ""
	case d.Month == 0:
		return fmt.Sprintf("%04d", d.Year)
	case d.Day == 0:
		return fmt.Sprintf("%04d-%02d", d.Year, int(d.Month))
	}
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day)
}

// Time returns the date at midnight UTC (the first of the month or year
// when those are unknown).
func (d Date) Time() time.Time {
	m, day := d.Month, d.Day
	if m == 0 {
		m = time.January
	}
	if day == 0 {
		day = 1
	}
	return time.Date(d.Year, m, day, 0, 0, 0, 0, time.UTC)
}

// MarshalText formats the date as String does.
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

func makeDate(y int, m time.Month, day int) (Date, error) {
	if y < 1800 || y > 9999 {
		return Date{}, fmt.Errorf("year %d out of range", y)
	}
	if m < 0 || m > 12 {
		return Date{}, fmt.Errorf("month %d out of range", m)
	}
	if day != 0 {
		if m == 0 || day < 1 || day > time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day() {
			return Date{}, fmt.Errorf("day %d out of range", day)
		}
	}
	return Date{Year: y, Month: m, Day: day}, nil
}

// parseDotDate parses DD.MM.YYYY (validity dates, tags 03, 04, 1F).
func parseDotDate(s string) (Date, error) {
	p := strings.Split(strings.TrimSpace(s), ".")
	if len(p) != 3 || len(p[0]) != 2 || len(p[1]) != 2 || len(p[2]) != 4 {
		return Date{}, fmt.Errorf("date %q is not DD.MM.YYYY", s)
	}
	d, e1 := digits(p[0])
	m, e2 := digits(p[1])
	y, e3 := digits(p[2])
	if e1 != nil || e2 != nil || e3 != nil || m < 1 || d < 1 {
		return Date{}, fmt.Errorf("date %q is not DD.MM.YYYY", s)
	}
	return makeDate(y, time.Month(m), d)
}

func digits(s string) (int, error) {
	if s == "" {
		return 0, errors.New("empty")
	}
	n := 0
	for _, c := range s {
		if c < '0' || c > '9' {
			return 0, fmt.Errorf("%q is not a number", s)
		}
		n = n*10 + int(c-'0')
	}
	return n, nil
}

// monthNames are the month abbreviations of birth dates ("ID and Address
// file contents" v5.0 §3, birth date month encoding): French, Dutch,
// German, with accented and common variants.
var monthNames = map[string]time.Month{
	"JAN": 1, "JANV": 1,
	"FEV": 2, "FÉV": 2, "FEB": 2, "FEVR": 2, "FÉVR": 2,
	"MARS": 3, "MAAR": 3, "MÄR": 3, "MAR": 3, "MRT": 3, "MÄRZ": 3,
	"AVR": 4, "APR": 4, "AVRIL": 4,
	"MAI": 5, "MEI": 5,
	"JUIN": 6, "JUN": 6, "JUNI": 6,
	"JUIL": 7, "JUL": 7, "JULI": 7,
	"AOUT": 8, "AOÛT": 8, "AUG": 8,
	"SEPT": 9, "SEP": 9,
	"OCT": 10, "OKT": 10,
	"NOV": 11,
	"DEC": 12, "DÉC": 12, "DEZ": 12,
}

// ParseBirthDate parses a birth date of tag 0C: "DD MMMM YYYY" (month
// abbreviation in French, Dutch or German, fields separated by runs of
// spaces) or "DD.MMM.YYYY" (German), and the partial forms "MMMM YYYY" and
// "YYYY" (year-only birth dates). Errors describe the text and match
// ErrMalformed.
func ParseBirthDate(s string) (Date, error) {
	d, err := parseBirthDate(s)
	if err != nil {
		return Date{}, &valueError{err}
	}
	return d, nil
}

// valueError is a malformed value given to an exported parser or check: it
// prefixes the package name and matches ErrMalformed. (Inside a file the
// same faults come as *FieldError.)
type valueError struct{ err error }

func (e *valueError) Error() string        { return "eid: " + e.err.Error() }
func (e *valueError) Unwrap() error        { return e.err }
func (e *valueError) Is(target error) bool { return target == ErrMalformed }

func parseBirthDate(s string) (Date, error) {
	p := strings.FieldsFunc(strings.TrimSpace(s), func(r rune) bool { return r == ' ' || r == '.' })
	var day int
	var month time.Month
	var year int
	var err error
	switch len(p) {
	case 1:
		year, err = digits(p[0])
	case 2, 3:
		if len(p) == 3 {
			if day, err = digits(p[0]); err != nil {
				return Date{}, fmt.Errorf("birth date %q: %v", s, err)
			}
			p = p[1:]
		}
		m, ok := monthNames[strings.ToUpper(p[0])]
		if !ok {
			n, nerr := digits(p[0])
			if nerr != nil || n < 1 || n > 12 {
				return Date{}, fmt.Errorf("birth date %q: unknown month %q", s, p[0])
			}
			m = time.Month(n)
		}
		month = m
		year, err = digits(p[1])
	default:
		return Date{}, fmt.Errorf("birth date %q: not DD MMM YYYY", s)
	}
	if err != nil || (len(p) > 0 && len(p[len(p)-1]) != 4) {
		return Date{}, fmt.Errorf("birth date %q: bad year", s)
	}
	d, err := makeDate(year, month, day)
	if err != nil {
		return Date{}, fmt.Errorf("birth date %q: %v", s, err)
	}
	return d, nil
}

// parseProtection parses tag 15, "dd.MM.yyyy-A2".
func parseProtection(s string) (Date, string, error) {
	ds, country, ok := strings.Cut(strings.TrimSpace(s), "-")
	if !ok {
		d, err := parseDotDate(ds)
		return d, "", err
	}
	d, err := parseDotDate(ds)
	if err != nil {
		return Date{}, "", err
	}
	return d, country, nil
}

// NationalNumber is the Belgian national register number (11 digits:
// YYMMDD, a 3-digit serial, 2 check digits).
type NationalNumber string

// Check verifies the form and the check digits: 97 minus the first nine
// digits modulo 97; for people born from 2000 on, the nine digits are
// prefixed with 2 (2000000000 added) before the modulo. Errors describe the
// fault and match ErrMalformed.
func (n NationalNumber) Check() error {
	if err := n.check(); err != nil {
		return &valueError{err}
	}
	return nil
}

func (n NationalNumber) check() error {
	if len(n) != 11 {
		return fmt.Errorf("national number %q: want 11 digits", string(n))
	}
	v, err := digits(string(n))
	if err != nil {
		return fmt.Errorf("national number %q: want 11 digits", string(n))
	}
	base, check := v/100, v%100
	if 97-base%97 == check || 97-(base+2000000000)%97 == check {
		return nil
	}
	return fmt.Errorf("national number %q: check digits %02d are wrong", string(n), check)
}

// BornFrom2000 reports whether the check digits follow the rule for people
// born in 2000 or later.
func (n NationalNumber) BornFrom2000() bool {
	v, err := digits(string(n))
	if err != nil || len(n) != 11 {
		return false
	}
	base, check := v/100, v%100
	return 97-base%97 != check && 97-(base+2000000000)%97 == check
}

// String returns the number as on the card.
func (n NationalNumber) String() string { return string(n) }
