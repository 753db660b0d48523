package path

import (
	"crypto/x509/pkix"
	"encoding/asn1"
	"net"
	"testing"

	"github.com/csam-go/csam/x509check/internal/rdn"
)

func TestMatchName(t *testing.T) {
	ip := func(s string) []byte {
		p := net.ParseIP(s)
		if v4 := p.To4(); v4 != nil {
			return v4
		}
		return p
	}
	_, v4net, _ := net.ParseCIDR("192.0.2.0/24")
	tests := []struct {
		name string
		tag  int
		n, c string
		ipn  *net.IPNet
		want matchResult
	}{
		{"mailbox exact", gnRFC822, "a@example.com", "a@EXAMPLE.com", nil, matched},
		{"mailbox other local part", gnRFC822, "b@example.com", "a@example.com", nil, notMatched},
		{"host", gnRFC822, "a@example.com", "example.com", nil, matched},
		{"host, not subdomain", gnRFC822, "a@x.example.com", "example.com", nil, notMatched},
		{"domain", gnRFC822, "a@x.example.com", ".example.com", nil, matched},
		{"domain, not host", gnRFC822, "a@example.com", ".example.com", nil, notMatched},
		{"no @", gnRFC822, "example.com", "example.com", nil, undecidable},
		{"dns exact", gnDNS, "Example.com", "example.com", nil, matched},
		{"dns subdomain", gnDNS, "a.example.com", "example.com", nil, matched},
		{"dns suffix only", gnDNS, "badexample.com", "example.com", nil, notMatched},
		{"dns leading dot", gnDNS, "example.com", ".example.com", nil, notMatched},
		{"dns empty", gnDNS, "anything", "", nil, matched},
		{"uri host", gnURI, "http://example.com/x", "example.com", nil, matched},
		{"uri subdomain", gnURI, "http://a.example.com/x", ".example.com", nil, matched},
		{"uri other", gnURI, "http://a.example.com/x", "example.com", nil, notMatched},
		{"uri without host", gnURI, "urn:x:y", "example.com", nil, undecidable},
		{"ip in", gnIP, string(ip("192.0.2.7")), "", v4net, matched},
		{"ip out", gnIP, string(ip("198.51.100.1")), "", v4net, notMatched},
		{"ip v6 against v4", gnIP, string(ip("2001:db8::1")), "", v4net, notMatched},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := generalName{tag: tt.tag, value: []byte(tt.n)}
			s := subtree{name: generalName{tag: tt.tag, value: []byte(tt.c)}, ip: tt.ipn}
			if got := matchName(n, s); got != tt.want {
				t.Errorf("matchName = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestPolicyGraphMapping(t *testing.T) {
	g := newPolicyGraph()
	g.process([]string{"1.1", "1.2"}, true)
	g.mapPolicies([][2]string{{"1.1", "2.1"}}, true)
	g.process([]string{"2.1"}, true)
	if got := g.validPolicies(nil); len(got) != 1 || got[0] != "1.1" {
		t.Errorf("valid policies %v, want [1.1] (the anchor's domain)", got)
	}
	if got := g.validPolicies([]string{"1.2"}); len(got) != 0 {
		t.Errorf("valid policies for 1.2: %v, want none", got)
	}
	g = newPolicyGraph()
	g.process([]string{"1.1"}, true)
	g.mapPolicies([][2]string{{"1.1", "2.1"}}, false)
	if !g.empty() {
		t.Error("an inhibited mapping left its policy in the graph")
	}
}

// FuzzNameConstraints: the name constraints reader and the name
// comparisons never panic on arbitrary extension values and subjects.
func FuzzNameConstraints(f *testing.F) {
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
		nc, err := readNameConstraints(ext)
		if err != nil {
			return
		}
		name, err := rdn.Parse(subject)
		if err != nil {
			return
		}
		c := &Certificate{subject: name, san: []generalName{{tag: gnRFC822, value: []byte("a@b")}, {tag: gnURI, value: subject}}}
		_ = checkNames(c, []*nameConstraints{nc}, true)
	})
}
