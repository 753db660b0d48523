package sigalg

import (
	"crypto"
	"encoding/asn1"
	"encoding/hex"
	"errors"
	"testing"

	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

func TestSignature(t *testing.T) {
	for _, c := range []struct {
		oid  string // dotted, written independently of the table
		hash crypto.Hash
		kind Kind
	}{
		{"1.2.840.113549.1.1.5", crypto.SHA1, PKCS1v15},
		{"1.2.840.113549.1.1.14", crypto.SHA224, PKCS1v15},
		{"1.2.840.113549.1.1.11", crypto.SHA256, PKCS1v15},
		{"1.2.840.113549.1.1.12", crypto.SHA384, PKCS1v15},
		{"1.2.840.113549.1.1.13", crypto.SHA512, PKCS1v15},
		{"1.2.840.113549.1.1.10", 0, PSS},
		{"1.2.840.10045.4.1", crypto.SHA1, ECDSA},
		{"1.2.840.10045.4.3.2", crypto.SHA256, ECDSA},
		{"1.2.840.10045.4.3.3", crypto.SHA384, ECDSA},
		{"1.2.840.10045.4.3.4", crypto.SHA512, ECDSA},
		{"1.3.101.112", 0, EdDSA},
		// Not signature algorithms: rsaEncryption, ecPublicKey, SHA-256,
		// ECDSA with SHA-224, Ed448.
		{"1.2.840.113549.1.1.1", 0, 0},
		{"1.2.840.10045.2.1", 0, 0},
		{"2.16.840.1.101.3.4.2.1", 0, 0},
		{"1.2.840.10045.4.3.1", 0, 0},
		{"1.3.101.113", 0, 0},
	} {
		h, k := Signature(parseOID(c.oid))
		if h != c.hash || k != c.kind {
			t.Errorf("Signature(%s) = %v, %d; want %v, %d", c.oid, h, k, c.hash, c.kind)
		}
	}
}

func TestHash(t *testing.T) {
	for _, c := range []struct {
		oid  string
		hash crypto.Hash
	}{
		{"1.3.14.3.2.26", crypto.SHA1},
		{"2.16.840.1.101.3.4.2.1", crypto.SHA256},
		{"2.16.840.1.101.3.4.2.2", crypto.SHA384},
		{"2.16.840.1.101.3.4.2.3", crypto.SHA512},
	} {
		o := parseOID(c.oid)
		if got := Hash(o); got != c.hash {
			t.Errorf("Hash(%s) = %v, want %v", c.oid, got, c.hash)
		}
		if got := HashOID(c.hash); !got.Equal(o) {
			t.Errorf("HashOID(%v) = %v, want %s", c.hash, got, c.oid)
		}
	}
	for _, o := range []string{"2.16.840.1.101.3.4.2.4", "1.2.840.113549.1.1.11", "2.16.840.1.101.3.4.2.1.0"} {
		if got := Hash(parseOID(o)); got != 0 {
			t.Errorf("Hash(%s) = %v, want none", o, got)
		}
	}
	if got := HashOID(crypto.SHA224); got != nil {
		t.Errorf("HashOID(SHA-224) = %v, want nil", got)
	}
}

func parseOID(s string) asn1.ObjectIdentifier {
	var o asn1.ObjectIdentifier
	v := 0
	for i := 0; i <= len(s); i++ {
		if i == len(s) || s[i] == '.' {
			o = append(o, v)
			v = 0
			continue
		}
		v = v*10 + int(s[i]-'0')
	}
	return o
}

// RFC 4055 section 3.1 and its examples, in DER.
const (
	// rSASSA-PSS-SHA256-Params: SHA-256, MGF1 with SHA-256, salt 32.
	pssSHA256 = "3034a00f300d06096086480165030402010500a11c301a06092a864886f70d010108300d06096086480165030402010500a203020120"
	// The same without NULL parameters in the hash identifiers.
	pssSHA384NoNull = "3030a00d300b0609608648016503040202a11a301806092a864886f70d010108300b0609608648016503040202a203020130"
	// rSASSA-PSS-Default-Params: an empty SEQUENCE.
	pssDefault = "3000"
)

func TestParsePSS(t *testing.T) {
	for _, c := range []struct {
		name        string
		der         string
		want        PSSParams
		msg         string // the error's text, "" for none
		unsupported bool
	}{
		{"RFC 4055 SHA-256", pssSHA256, PSSParams{crypto.SHA256, crypto.SHA256, 32, 1}, "", false},
		{"SHA-384 absent NULL", pssSHA384NoNull, PSSParams{crypto.SHA384, crypto.SHA384, 48, 1}, "", false},
		{"defaults", pssDefault, PSSParams{crypto.SHA1, crypto.SHA1, 20, 1}, "", false},
		{"trailer field", "3005a303020102", PSSParams{crypto.SHA1, crypto.SHA1, 20, 2}, "", false},
		{"salt only", "3005a203020140", PSSParams{crypto.SHA1, crypto.SHA1, 64, 1}, "", false},
		{"unknown hash left to the caller", "300fa00d300b0609608648016503040204", PSSParams{0, crypto.SHA1, 20, 1}, "", false},
		{"MGF1 with SHA-1, hash SHA-256", "302ba00f300d06096086480165030402010500a118301606092a864886f70d010108300906052b0e03021a0500",
			PSSParams{crypto.SHA256, crypto.SHA1, 20, 1}, "", false},
		{"not MGF1", "301ba119301706092a864886f70d010109300a06082a864886f70d0205", PSSParams{}, "RSASSA-PSS mask generation other than MGF1", true},
		{"MGF not a SEQUENCE", "3004a1020500", PSSParams{}, "RSASSA-PSS mask generation other than MGF1", true},
		{"MGF1 without its hash", "300fa10d300b06092a864886f70d010108", PSSParams{}, "algorithm identifier", false},
		{"trailing data", pssDefault + "00", PSSParams{}, "RSASSA-PSS parameters", false},
		{"not a SEQUENCE", "3100", PSSParams{}, "RSASSA-PSS parameters", false},
		{"empty", "", PSSParams{}, "RSASSA-PSS parameters", false},
		{"hash not an identifier", "3004a0020500", PSSParams{}, "algorithm identifier", false},
		{"bad hash OID", "3008a0063004060280ff", PSSParams{}, "algorithm identifier", false},
		{"salt not an INTEGER", "3005a203040120", PSSParams{}, "RSASSA-PSS salt length", false},
		{"salt too long", "300da20b0209010000000000000000", PSSParams{}, "RSASSA-PSS salt length", false},
		{"trailer not an INTEGER", "3005a303040101", PSSParams{}, "RSASSA-PSS trailer", false},
		{"hash tag truncated", "3002a005", PSSParams{}, "RSASSA-PSS hash", false},
		{"MGF tag truncated", "3002a105", PSSParams{}, "RSASSA-PSS mask generation", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			der, err := hex.DecodeString(c.der)
			if err != nil {
				t.Fatal(err)
			}
			got, err := ParsePSS(der)
			if c.msg == "" {
				if err != nil || got != c.want {
					t.Fatalf("ParsePSS = %+v, %v; want %+v", got, err, c.want)
				}
				return
			}
			var pe *PSSError
			if !errors.As(err, &pe) || pe.Msg != c.msg || pe.Unsupported != c.unsupported || err.Error() != c.msg {
				t.Fatalf("ParsePSS error = %v (%+v), want %q unsupported %v", err, pe, c.msg, c.unsupported)
			}
		})
	}
}

// TestParsePSSBuilt checks ParsePSS against encodings built field by field.
func TestParsePSSBuilt(t *testing.T) {
	for _, h := range []crypto.Hash{crypto.SHA256, crypto.SHA384, crypto.SHA512} {
		b := cryptobyte.NewBuilder(nil)
		alg := func(b *cryptobyte.Builder) {
			b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
				b.AddASN1ObjectIdentifier(HashOID(h))
				b.AddASN1NULL()
			})
		}
		b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
			b.AddASN1(cbasn1.Tag(0).ContextSpecific().Constructed(), alg)
			b.AddASN1(cbasn1.Tag(1).ContextSpecific().Constructed(), func(b *cryptobyte.Builder) {
				b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
					b.AddASN1ObjectIdentifier(MGF1)
					alg(b)
				})
			})
			b.AddASN1(cbasn1.Tag(2).ContextSpecific().Constructed(), func(b *cryptobyte.Builder) { b.AddASN1Int64(int64(h.Size())) })
			b.AddASN1(cbasn1.Tag(3).ContextSpecific().Constructed(), func(b *cryptobyte.Builder) { b.AddASN1Int64(1) })
		})
		der := b.BytesOrPanic()
		got, err := ParsePSS(der)
		if want := (PSSParams{h, h, int64(h.Size()), 1}); err != nil || got != want {
			t.Errorf("%v: ParsePSS = %+v, %v; want %+v", h, got, err, want)
		}
		if n := testing.AllocsPerRun(10, func() { _, _ = ParsePSS(der) }); n != 0 {
			t.Errorf("%v: ParsePSS allocates %v times", h, n)
		}
	}
}

func FuzzParsePSS(f *testing.F) {
	for _, s := range []string{pssSHA256, pssSHA384NoNull, pssDefault, "3005a303020102"} {
		der, _ := hex.DecodeString(s)
		f.Add(der)
	}
	f.Fuzz(func(t *testing.T, der []byte) {
		p, err := ParsePSS(der)
		if err != nil {
			var pe *PSSError
			if !errors.As(err, &pe) || pe.Msg == "" {
				t.Fatalf("error %v is not a PSSError", err)
			}
			return
		}
		// What parses is one DER SEQUENCE: nothing may follow it.
		if _, err := ParsePSS(append(der[:len(der):len(der)], 0)); err == nil || err.Error() != "RSASSA-PSS parameters" {
			t.Fatalf("%x parses as %+v, yet with an octet after it: %v", der, p, err)
		}
	})
}
