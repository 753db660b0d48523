package path

import (
	"net"
	"net/url"
	"strings"

	"github.com/csam-go/csam/x509check/internal/rdn"
)

// checkNames checks c's names against every name constraints extension
// in ncs (RFC 5280 section 6.1.3 b and c). dn tells whether the subject
// name is subject to directoryName constraints (not for a self-issued
// intermediate certificate).
func checkNames(c *Certificate, ncs []*nameConstraints, dn bool) string {
	if len(ncs) == 0 {
		return ""
	}
	names := make([]generalName, 0, len(c.san)+2)
	if dn && len(c.subject) > 0 {
		names = append(names, generalName{tag: gnDirectory, dn: c.subject})
	}
	names = append(names, c.san...)
	if dn && !c.hasSAN {
		for _, e := range c.subject.Values(oidEmailAddress) {
			names = append(names, generalName{tag: gnRFC822, value: []byte(e)})
		}
	}
	for _, nc := range ncs {
		for _, n := range names {
			for _, s := range nc.excluded {
				if s.name.tag == n.tag && matchName(n, s) != notMatched {
					return "name excluded: " + describe(n)
				}
			}
			any, ok := false, false
			for _, s := range nc.permitted {
				if s.name.tag != n.tag {
					continue
				}
				any = true
				if matchName(n, s) == matched {
					ok = true
					break
				}
			}
			if any && !ok {
				return "name not permitted: " + describe(n)
			}
		}
	}
	return ""
}

type matchResult int

const (
	notMatched matchResult = iota
	matched
	// undecidable: a name form this package does not compare, or a
	// malformed name; it fails permitted and excluded subtrees alike.
	undecidable
)

func matchName(n generalName, s subtree) matchResult {
	switch n.tag {
	case gnDirectory:
		return boolMatch(rdn.HasPrefix(n.dn, s.name.dn))
	case gnRFC822:
		return matchEmail(string(n.value), string(s.name.value))
	case gnDNS:
		return boolMatch(matchDomain(string(n.value), string(s.name.value)))
	case gnURI:
		u, err := url.Parse(string(n.value))
		if err != nil || u.Hostname() == "" {
			return undecidable
		}
		c := string(s.name.value)
		h := u.Hostname()
		if strings.HasPrefix(c, ".") {
			return boolMatch(hasSuffixFold(h, c))
		}
		return boolMatch(strings.EqualFold(h, c))
	case gnIP:
		if s.ip == nil || len(n.value) != len(s.ip.IP) {
			return notMatched
		}
		return boolMatch(s.ip.Contains(net.IP(n.value)))
	}
	if string(n.value) == string(s.name.value) {
		return matched
	}
	return undecidable
}

func boolMatch(b bool) matchResult {
	if b {
		return matched
	}
	return notMatched
}

func matchEmail(m, c string) matchResult {
	at := strings.LastIndexByte(m, '@')
	if at < 0 {
		return undecidable
	}
	host := m[at+1:]
	switch {
	case strings.Contains(c, "@"):
		// A mailbox: the local part exactly, the host case-insensitively.
		ca := strings.LastIndexByte(c, '@')
		return boolMatch(m[:at] == c[:ca] && strings.EqualFold(host, c[ca+1:]))
	case strings.HasPrefix(c, "."):
		return boolMatch(hasSuffixFold(host, c))
	}
	return boolMatch(strings.EqualFold(host, c))
}

func matchDomain(n, c string) bool {
	switch {
	case c == "":
		return true
	case strings.HasPrefix(c, "."):
		return hasSuffixFold(n, c)
	}
	return strings.EqualFold(n, c) || hasSuffixFold(n, "."+c)
}

func hasSuffixFold(s, suffix string) bool {
	return len(s) >= len(suffix) && strings.EqualFold(s[len(s)-len(suffix):], suffix)
}

func describe(n generalName) string {
	switch n.tag {
	case gnDirectory:
		return "directoryName"
	case gnRFC822:
		return "rfc822Name " + string(n.value)
	case gnDNS:
		return "dNSName " + string(n.value)
	case gnURI:
		return "URI " + string(n.value)
	case gnIP:
		return "IP " + net.IP(n.value).String()
	}
	return "general name"
}
