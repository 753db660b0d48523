package path

import (
	"net"
	"testing"
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
