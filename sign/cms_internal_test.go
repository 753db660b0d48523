package sign

import (
	"bytes"
	"encoding/asn1"
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
