package x509check

import (
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/hex"
	"strings"
)

var attrNames = map[string]string{
	"2.5.4.3": "CN", "2.5.4.6": "C", "2.5.4.7": "L", "2.5.4.8": "ST", "2.5.4.9": "STREET",
	"2.5.4.10": "O", "2.5.4.11": "OU", "2.5.4.5": "SERIALNUMBER", "2.5.4.4": "SN",
	"2.5.4.42": "GN", "2.5.4.17": "POSTALCODE", "2.5.4.97": "organizationIdentifier",
	"2.5.4.12": "T", "2.5.4.43": "initials", "2.5.4.65": "pseudonym",
	"1.2.840.113549.1.9.1": "emailAddress",
}

// SubjectString returns c's subject in the RFC 4514 order (most specific
// first), naming the attributes eID certificates use (GN, SN,
// SERIALNUMBER, ...) where crypto/x509 prints some as bare OIDs.
func SubjectString(c *x509.Certificate) string {
	var rdns pkix.RDNSequence
	if rest, err := asn1.Unmarshal(c.RawSubject, &rdns); err != nil || len(rest) > 0 {
		return c.Subject.String()
	}
	var b strings.Builder
	for i := len(rdns) - 1; i >= 0; i-- {
		if b.Len() > 0 {
			b.WriteByte(',')
		}
		for j, atv := range rdns[i] {
			if j > 0 {
				b.WriteByte('+')
			}
			oid := atv.Type.String()
			if n, ok := attrNames[oid]; ok {
				b.WriteString(n)
			} else {
				b.WriteString(oid)
			}
			b.WriteByte('=')
			if s, ok := atv.Value.(string); ok {
				b.WriteString(escapeDN(s))
			} else if der, err := asn1.Marshal(atv.Value); err == nil {
				b.WriteByte('#')
				b.WriteString(hex.EncodeToString(der))
			}
		}
	}
	return b.String()
}

// escapeDN escapes a value as RFC 4514 section 2.4 asks.
func escapeDN(s string) string {
	var b strings.Builder
	for i, r := range s {
		switch {
		case r == ',' || r == '+' || r == '"' || r == '\\' || r == '<' || r == '>' || r == ';',
			(r == ' ' || r == '#') && i == 0,
			r == ' ' && i == len(s)-1:
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == 0:
			b.WriteString(`\00`)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
