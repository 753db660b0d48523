package sign

import (
	"bytes"
	"crypto"
	"encoding/asn1"
	"encoding/hex"
	"errors"
	"strings"
	"testing"

	"github.com/csam-go/csam/internal/sigalg"
	"golang.org/x/crypto/cryptobyte"
)

// sameAsCryptobyte checks that readOID reads in as cryptobyte's
// ReadASN1ObjectIdentifier does: the same result, the same rest.
func sameAsCryptobyte(t *testing.T, in []byte) {
	t.Helper()
	a, b := cryptobyte.String(in), cryptobyte.String(in)
	var got, want asn1.ObjectIdentifier
	okGot, okWant := readOID(&a, &got), b.ReadASN1ObjectIdentifier(&want)
	if okGot != okWant || !got.Equal(want) || !bytes.Equal(a, b) {
		t.Fatalf("% x: readOID %v %v rest % x; cryptobyte %v %v rest % x", in, okGot, got, []byte(a), okWant, want, []byte(b))
	}
}

func TestReadOID(t *testing.T) {
	der := func(o asn1.ObjectIdentifier) []byte {
		b, err := asn1.Marshal(o)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	tests := map[string][]byte{
		"unknown":                  der(asn1.ObjectIdentifier{1, 2, 3, 4}),
		"known, then more":         append(der(oidSigningCertV2), 0x05, 0x00),
		"empty":                    nil,
		"not an OID":               {0x05, 0x00},
		"known content, wrong tag": append([]byte{0x04}, der(sigalg.SHA256)[1:]...),
		"non-minimal arc":          {0x06, 0x03, 0x2a, 0x80, 0x01},
		"truncated":                der(oidContentType)[:5],
		"length past the end":      {0x06, 0x7f, 0x2a},
	}
	for content, o := range knownOIDs {
		tests["known "+o.String()] = append([]byte{0x06, byte(len(content))}, content...)
	}
	for name, in := range tests {
		t.Run(name, func(t *testing.T) { sameAsCryptobyte(t, in) })
	}
}

func FuzzReadOID(f *testing.F) {
	f.Add([]byte{0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x03})
	f.Add([]byte{0x06, 0x03, 0x2a, 0x80, 0x01})
	f.Fuzz(func(t *testing.T, in []byte) { sameAsCryptobyte(t, in) })
}

// TestPSSOptionsRefusals checks the RSASSA-PSS parameters sign refuses and
// the error each gets.
func TestPSSOptionsRefusals(t *testing.T) {
	for _, c := range []struct {
		name, der string
		want      *Error
		msg       string
	}{
		{"SHA-1 default", "3000", errUnsupported, "RSASSA-PSS with hash SHA-1, MGF1 hash SHA-1, trailer 1"},
		{"MGF other than MGF1", "301ba119301706092a864886f70d010109300a06082a864886f70d0205", errUnsupported,
			"RSASSA-PSS mask generation other than MGF1"},
		{"MGF1 hash differs", "302ba00f300d06096086480165030402010500a118301606092a864886f70d010108300906052b0e03021a0500",
			errUnsupported, "RSASSA-PSS with hash SHA-256, MGF1 hash SHA-1, trailer 1"},
		{"trailing octet", "300000", errMalformed, "RSASSA-PSS parameters"},
		{"salt not an INTEGER", "3005a203040120", errMalformed, "RSASSA-PSS salt length"},
		{"MGF1 without its hash", "300fa10d300b06092a864886f70d010108", errMalformed, "algorithm identifier"},
	} {
		der, err := hex.DecodeString(c.der)
		if err != nil {
			t.Fatal(err)
		}
		_, err = pssOptions(der)
		if !errors.Is(err, c.want) || !strings.HasSuffix(err.Error(), ": "+c.msg) {
			t.Errorf("%s: pssOptions = %v, want %v: %s", c.name, err, c.want, c.msg)
		}
	}
	o, err := pssOptions(mustHex(t, "3034a00f300d06096086480165030402010500a11c301a06092a864886f70d010108300d06096086480165030402010500a203020120"))
	if err != nil || o.Hash != crypto.SHA256 || o.SaltLength != 32 {
		t.Errorf("pssOptions(RFC 4055 SHA-256) = %+v, %v", o, err)
	}
}

func mustHex(t *testing.T, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
