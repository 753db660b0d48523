package x509check

import (
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"errors"
	"testing"
)

// FuzzDirectoryNameConstraints: the name constraints reader and the
// subtree comparison never panic on arbitrary extension values and
// subjects, and fail only with ErrUntrusted.
func FuzzDirectoryNameConstraints(f *testing.F) {
	dn, _ := asn1.Marshal(pkix.Name{Country: []string{"BE"}, Organization: []string{"Good"}}.ToRDNSequence())
	sub, _ := asn1.Marshal(pkix.Name{Country: []string{"BE"}, Organization: []string{"Good"}, CommonName: "x"}.ToRDNSequence())
	tree, _ := asn1.Marshal(asn1.RawValue{Class: asn1.ClassContextSpecific, Tag: 4, IsCompound: true, Bytes: dn})
	seq, _ := asn1.Marshal(asn1.RawValue{Class: asn1.ClassUniversal, Tag: asn1.TagSequence, IsCompound: true, Bytes: tree})
	perm, _ := asn1.Marshal(asn1.RawValue{Class: asn1.ClassContextSpecific, Tag: 0, IsCompound: true, Bytes: seq})
	excl, _ := asn1.Marshal(asn1.RawValue{Class: asn1.ClassContextSpecific, Tag: 1, IsCompound: true, Bytes: seq})
	for _, body := range [][]byte{perm, excl, append(perm, excl...), nil} {
		v, _ := asn1.Marshal(asn1.RawValue{Class: asn1.ClassUniversal, Tag: asn1.TagSequence, IsCompound: true, Bytes: body})
		f.Add(v, sub)
		f.Add(v, dn)
	}
	f.Fuzz(func(t *testing.T, ext, subject []byte) {
		ca := &x509.Certificate{Extensions: []pkix.Extension{{Id: oidNameConstraints, Value: ext}}, RawSubject: []byte{0x30, 0}}
		leaf := &x509.Certificate{RawSubject: subject}
		err := checkDirectoryNameConstraints([]*x509.Certificate{leaf, ca})
		if err != nil && !errors.Is(err, ErrUntrusted) {
			t.Fatalf("error %v is not ErrUntrusted", err)
		}
	})
}
