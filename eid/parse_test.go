package eid_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/csam-go/csam/eid"
)

func TestParseTLV(t *testing.T) {
	long := bytes.Repeat([]byte{'x'}, 300)
	exactly255 := bytes.Repeat([]byte{'y'}, 255)
	cases := []struct {
		name    string
		in      []byte
		want    []eid.TLV
		wantErr bool
	}{
		{"empty", nil, nil, false},
		{"one field", []byte{0x01, 0x02, 'a', 'b'}, []eid.TLV{{0x01, []byte("ab")}}, false},
		{"empty value", []byte{0x0E, 0x00, 0x0F, 0x01, '1'}, []eid.TLV{{0x0E, []byte{}}, {0x0F, []byte("1")}}, false},
		{"zero padding", []byte{0x01, 0x01, 'a', 0, 0, 0, 0}, []eid.TLV{{0x01, []byte("a")}}, false},
		{"version tag 00 first", []byte{0x00, 0x02, 0x00, 0x02, 0x01, 0x01, 'a'}, []eid.TLV{{0x00, []byte{0, 2}}, {0x01, []byte("a")}}, false},
		// Card content v5.4 §6.1: FF x means 255 + x.
		{"FF extension 300", append([]byte{0x05, 0xFF, 45}, long...), []eid.TLV{{0x05, long}}, false},
		{"FF extension 255", append([]byte{0x05, 0xFF, 0x00}, exactly255...), []eid.TLV{{0x05, exactly255}}, false},
		{"length past end", []byte{0x01, 0x05, 'a'}, nil, true},
		{"length byte missing", []byte{0x01}, nil, true},
		{"FF then nothing", []byte{0x01, 0xFF}, nil, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := eid.ParseTLV(tc.in)
			if (err != nil) != tc.wantErr {
				t.Fatalf("err = %v, want error %v", err, tc.wantErr)
			}
			if err != nil {
				if !errors.Is(err, eid.ErrMalformed) {
					t.Errorf("error %v does not match ErrMalformed", err)
				}
				return
			}
			if len(got) != len(tc.want) {
				t.Fatalf("got %d fields, want %d", len(got), len(tc.want))
			}
			for i := range got {
				if got[i].Tag != tc.want[i].Tag || !bytes.Equal(got[i].Value, tc.want[i].Value) {
					t.Errorf("field %d = %02X %q, want %02X %q", i, got[i].Tag, got[i].Value, tc.want[i].Tag, tc.want[i].Value)
				}
			}
			// AppendTLV encodes what ParseTLV reads.
			var enc []byte
			for _, f := range got {
				enc = eid.AppendTLV(enc, f.Tag, f.Value)
			}
			again, err := eid.ParseTLV(enc)
			if err != nil || len(again) != len(got) {
				t.Errorf("round trip: %v", err)
			}
		})
	}
}

func TestParseBirthDate(t *testing.T) {
	cases := []struct {
		in, want string
		wantErr  bool
	}{
		{"01 JAN 1971", "1971-01-01", false},
		{"14 FEV 1985", "1985-02-14", false},   // French
		{"14 FEB 1985", "1985-02-14", false},   // Dutch, German
		{"01 MARS 2001", "2001-03-01", false},  // French
		{"01 MAAR 2001", "2001-03-01", false},  // Dutch
		{"01.MÄR.2001", "2001-03-01", false},   // German, dotted
		{"30 AVR 1990", "1990-04-30", false},   // French
		{"30 APR 1990", "1990-04-30", false},   // Dutch, German
		{"05 MAI 1960", "1960-05-05", false},   // French, German
		{"05 MEI 1960", "1960-05-05", false},   // Dutch
		{"21 JUIN 1999", "1999-06-21", false},  // French
		{"21 JUN 1999", "1999-06-21", false},   // Dutch, German
		{"14 JUIL 1789", "", true},             // year before 1800
		{"14 JUIL 1989", "1989-07-14", false},  // French
		{"14.JUL.1989", "1989-07-14", false},   // German
		{"15 AOUT 1950", "1950-08-15", false},  // French
		{"15 AUG 1950", "1950-08-15", false},   // Dutch, German
		{"09 SEPT 2009", "2009-09-09", false},  // French
		{"09 SEP 2009", "2009-09-09", false},   // Dutch, German
		{"31 OCT 1977", "1977-10-31", false},   // French
		{"31 OKT 1977", "1977-10-31", false},   // Dutch, German
		{"11 NOV 1918", "1918-11-11", false},   // all
		{"25 DEC 2000", "2000-12-25", false},   // French, Dutch
		{"25.DEZ.2000", "2000-12-25", false},   // German
		{"01 MÄR 2001", "2001-03-01", false},   // German, with spaces
		{"01 Mär 2001", "2001-03-01", false},   // German, mixed case
		{"14.FEB.1985", "1985-02-14", false},   // German, dotted
		{"01  JAN  1971", "1971-01-01", false}, // runs of spaces
		{"1971", "1971", false},                // year only
		{"    1971", "1971", false},            // year only, padded
		{"JAN 1971", "1971-01", false},         // no day
		{"29 FEB 2001", "", true},              // no such day
		{"32 JAN 2001", "", true},
		{"01 XYZ 2001", "", true},
		{"01 JAN 71", "", true},
		{"", "", true},
		{"a b c d", "", true},
	}
	for _, tc := range cases {
		t.Run(tc.in, func(t *testing.T) {
			d, err := eid.ParseBirthDate(tc.in)
			if (err != nil) != tc.wantErr {
				t.Fatalf("err = %v, want error %v", err, tc.wantErr)
			}
			if err != nil && (!errors.Is(err, eid.ErrMalformed) || !strings.HasPrefix(err.Error(), "eid: ")) {
				t.Errorf("error %q: want ErrMalformed and the eid: prefix", err)
			}
			if d.String() != tc.want {
				t.Errorf("got %q, want %q", d.String(), tc.want)
			}
		})
	}
}

func TestNationalNumber(t *testing.T) {
	cases := []struct {
		nn       string
		valid    bool
		from2000 bool
	}{
		{"71715100070", true, false},  // specimen card
		{"71717100052", true, false},  // white-cane specimen
		{"85073003328", true, false},  // 97 - 850730033 mod 97 = 28
		{"00012556777", true, true},   // born 2000: 97 - 2000125567 mod 97 = 77
		{"01071512410", true, true},   // born 2001: 97 - 2010715124 mod 97 = 10
		{"01071512478", true, false},  // the same digits born 1901: 97 - 010715124 mod 97 = 78
		{"17123100124", true, true},   // born 2017: 97 - 2171231001 mod 97 = 24
		{"00012556701", false, false}, // wrong check digits
		{"71715100071", false, false},
		{"7171510007", false, false},
		{"7171510007a", false, false},
	}
	for _, tc := range cases {
		t.Run(tc.nn, func(t *testing.T) {
			err := eid.NationalNumber(tc.nn).Check()
			if (err == nil) != tc.valid {
				t.Errorf("Check() = %v, want valid %v", err, tc.valid)
			}
			if err != nil && (!errors.Is(err, eid.ErrMalformed) || !strings.HasPrefix(err.Error(), "eid: ")) {
				t.Errorf("error %q: want ErrMalformed and the eid: prefix", err)
			}
			if got := eid.NationalNumber(tc.nn).BornFrom2000(); got != tc.from2000 {
				t.Errorf("BornFrom2000() = %v, want %v", got, tc.from2000)
			}
		})
	}
}

// identityFile builds an identity file from fields.
func identityFile(fields ...eid.TLV) []byte {
	var b []byte
	for _, f := range fields {
		b = eid.AppendTLV(b, f.Tag, f.Value)
	}
	return b
}

func TestParseIdentityV5Tags(t *testing.T) {
	hash48 := bytes.Repeat([]byte{0xAB}, 48)
	b := identityFile(
		eid.TLV{Tag: 0x00, Value: []byte{0x00, 0x05}},
		eid.TLV{Tag: 0x01, Value: []byte("B01234567890")},
		eid.TLV{Tag: 0x02, Value: bytes.Repeat([]byte{0x11}, 16)},
		eid.TLV{Tag: 0x03, Value: []byte("01.02.2024")},
		eid.TLV{Tag: 0x04, Value: []byte("01.02.2034")},
		eid.TLV{Tag: 0x05, Value: []byte("Liège")},
		eid.TLV{Tag: 0x06, Value: []byte("00012556777")},
		eid.TLV{Tag: 0x07, Value: []byte("Dupont")},
		eid.TLV{Tag: 0x08, Value: []byte("Jean Marie")},
		eid.TLV{Tag: 0x09, Value: []byte("L")},
		eid.TLV{Tag: 0x0A, Value: []byte("Français")},
		eid.TLV{Tag: 0x0B, Value: []byte("Lyon")},
		eid.TLV{Tag: 0x0C, Value: []byte("25 JAN 2000")},
		eid.TLV{Tag: 0x0D, Value: []byte("W")},
		eid.TLV{Tag: 0x0E, Value: []byte("Baron")},
		eid.TLV{Tag: 0x0F, Value: []byte("32")},
		eid.TLV{Tag: 0x10, Value: []byte("5")},
		eid.TLV{Tag: 0x11, Value: hash48},
		eid.TLV{Tag: 0x12, Value: []byte("01")},
		eid.TLV{Tag: 0x13, Value: []byte("2")},
		eid.TLV{Tag: 0x14, Value: nil},
		eid.TLV{Tag: 0x15, Value: []byte("03.04.2022-UA")},
		eid.TLV{Tag: 0x16, Value: []byte("8")},
		eid.TLV{Tag: 0x17, Value: []byte("0123.456.789")},
		eid.TLV{Tag: 0x18, Value: []byte("0987.654.321")},
		eid.TLV{Tag: 0x19, Value: []byte("REG-123")},
		eid.TLV{Tag: 0x1A, Value: hash48},
		eid.TLV{Tag: 0x1B, Value: []byte("B")},
		eid.TLV{Tag: 0x1C, Value: []byte("C")},
		eid.TLV{Tag: 0x1D, Value: []byte("D")},
		eid.TLV{Tag: 0x1E, Value: []byte("K")},
		eid.TLV{Tag: 0x1F, Value: []byte("15.06.2021")},
	)
	b = append(b, make([]byte, 40)...) // zero padding
	id, err := eid.ParseIdentity(b)
	if err != nil {
		t.Fatal(err)
	}
	got := []string{id.CardNumber, id.ValidityBegin.String(), id.ValidityEnd.String(), id.DeliveryMunicipality,
		id.NationalNumber.String(), id.Name, id.FirstNames, id.ThirdInitial, id.Nationality, id.BirthPlace,
		id.BirthDate.String(), string(id.Sex), id.NobleCondition, id.DocumentType.String(), id.SpecialStatus.String(),
		id.Duplicate, id.SpecialOrganisation, id.ProtectionDate.String(), id.ProtectionCountry, id.WorkPermit,
		id.EmployerVAT1, id.EmployerVAT2, id.RegionalFileNumber, id.Mention1B, id.Mention1C, id.Mention1D,
		id.Mention1E, id.EURegistrationDate.String()}
	want := []string{"B01234567890", "2024-02-01", "2034-02-01", "Liège", "00012556777", "Dupont", "Jean Marie", "L",
		"Français", "Lyon", "2000-01-25", "F", "Baron", "EU+ card", "yellow cane and extended minority", "01", "2",
		"2022-04-03", "UA", "8", "0123.456.789", "0987.654.321", "REG-123", "B", "C", "D", "K", "2021-06-15"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("got  %q\nwant %q", got, want)
	}
	if !id.MemberOfFamily || !bytes.Equal(id.PhotoHash, hash48) || !bytes.Equal(id.BasicKeyHash, hash48) ||
		!bytes.Equal(id.FileVersion, []byte{0, 5}) || len(id.ChipNumber) != 16 {
		t.Errorf("binary fields: %+v", id)
	}
	if !id.NationalNumber.BornFrom2000() {
		t.Error("born in 2000")
	}
}

func TestParseIdentityErrors(t *testing.T) {
	cases := []struct {
		name string
		tag  byte
		val  string
	}{
		{"bad national number", 0x06, "71715100071"},
		{"bad validity", 0x03, "2009-07-23"},
		{"bad birth date", 0x0C, "01 FOO 1971"},
		{"bad sex", 0x0D, "X"},
		{"bad document type", 0x0F, "A"},
		{"bad status", 0x10, ""},
		{"not UTF-8", 0x07, "\xff\xfe"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := eid.ParseIdentity(identityFile(eid.TLV{Tag: tc.tag, Value: []byte(tc.val)}))
			var fe *eid.FieldError
			if !errors.As(err, &fe) || fe.Tag != tc.tag || !errors.Is(err, eid.ErrMalformed) {
				t.Errorf("err = %v, want a FieldError for tag %02X", err, tc.tag)
			}
			if err != nil && !strings.HasPrefix(err.Error(), "eid: ") {
				t.Errorf("message %q does not start with eid:", err)
			}
		})
	}
	_, err := eid.ParseIdentity(identityFile(eid.TLV{Tag: 1, Value: []byte("a")}, eid.TLV{Tag: 1, Value: []byte("b")}))
	if !errors.Is(err, eid.ErrMalformed) {
		t.Errorf("repeated tag: %v", err)
	}
}

func TestDocumentTypeNames(t *testing.T) {
	for _, tc := range []struct {
		d    eid.DocumentType
		want string
	}{{1, "eID"}, {6, "Kids ID"}, {11, "A card"}, {27, "K card"}, {31, "EU card"}, {32, "EU+ card"},
		{36, "F+ card (f)"}, {61, "kids foreigner card EU"}, {69, "kids foreigner card M"}, {99, "document type 99"}} {
		if got := tc.d.String(); got != tc.want {
			t.Errorf("%d: %q, want %q", tc.d, got, tc.want)
		}
	}
}

func TestParseCardData(t *testing.T) {
	b := make([]byte, 31)
	for i := range 16 {
		b[i] = byte(i)
	}
	b[21], b[22], b[23], b[27], b[28] = 0x18, 0x00, 0x01, 0x0F, 2
	cd, err := eid.ParseCardData(b)
	if err != nil {
		t.Fatal(err)
	}
	if cd.AppletVersionString() != "1.8" || cd.SerialString() != "000102030405060708090A0B0C0D0E0F" ||
		cd.LifeCycle != eid.LifeCyclePersonalized || cd.PINTriesLeft != 2 || cd.GlobalOSVersion != 1 {
		t.Errorf("%+v", cd)
	}
	cd, err = eid.ParseCardData(b[:28])
	if err != nil || cd.PINTriesLeft != -1 {
		t.Errorf("28 bytes: %v %+v", err, cd)
	}
	if _, err := eid.ParseCardData(b[:27]); !errors.Is(err, eid.ErrMalformed) {
		t.Errorf("27 bytes: %v", err)
	}
}

// Empty files and files without a mandatory field are refused; text is
// trimmed of the padding older cards carry.
func TestParseMandatoryAndPadding(t *testing.T) {
	full := []eid.TLV{
		{Tag: 0x01, Value: []byte("591234567890")}, {Tag: 0x02, Value: bytes.Repeat([]byte{1}, 16)},
		{Tag: 0x03, Value: []byte("23.07.2021")}, {Tag: 0x04, Value: []byte("23.07.2031")},
		{Tag: 0x05, Value: []byte("Bruxelles")}, {Tag: 0x06, Value: []byte("85073003328")},
		{Tag: 0x07, Value: []byte("Peeters ")}, {Tag: 0x0A, Value: []byte("Belge")},
		{Tag: 0x0C, Value: []byte("30 JUIL 1985")}, {Tag: 0x0D, Value: []byte("V")},
		{Tag: 0x0F, Value: []byte("1")}, {Tag: 0x11, Value: make([]byte, 20)},
	}
	id, err := eid.ParseIdentity(identityFile(full...))
	if err != nil || id.Name != "Peeters" {
		t.Fatalf("ParseIdentity = %+v, %v; want name Peeters without its padding", id, err)
	}
	for i, f := range full {
		without := append(append([]eid.TLV(nil), full[:i]...), full[i+1:]...)
		_, err := eid.ParseIdentity(identityFile(without...))
		var fe *eid.FieldError
		if !errors.As(err, &fe) || fe.Tag != f.Tag || !errors.Is(err, eid.ErrMalformed) {
			t.Errorf("identity without tag %02X: %v", f.Tag, err)
		}
	}
	for name, b := range map[string][]byte{"empty": nil, "zeros": make([]byte, 64)} {
		if _, err := eid.ParseIdentity(b); !errors.Is(err, eid.ErrMalformed) {
			t.Errorf("identity %s: %v", name, err)
		}
		if _, err := eid.ParseAddress(b); !errors.Is(err, eid.ErrMalformed) {
			t.Errorf("address %s: %v", name, err)
		}
	}
	addr := []eid.TLV{{Tag: 0x01, Value: []byte("Rue Haute 1   ")}, {Tag: 0x02, Value: []byte("1000")}, {Tag: 0x03, Value: []byte("Bruxelles\x00\x00")}}
	a, err := eid.ParseAddress(identityFile(addr...))
	if err != nil || a.Street != "Rue Haute 1" || a.Municipality != "Bruxelles" {
		t.Fatalf("ParseAddress = %+v, %v; want the values without padding", a, err)
	}
	for i, f := range addr {
		without := append(append([]eid.TLV(nil), addr[:i]...), addr[i+1:]...)
		if _, err := eid.ParseAddress(identityFile(without...)); !errors.Is(err, eid.ErrMalformed) {
			t.Errorf("address without tag %02X: %v", f.Tag, err)
		}
	}
}
