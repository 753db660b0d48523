package x509check

import (
	"bytes"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
)

// AcceptedList is what art. 7 of the règlement lets the social-security
// portal publish besides the law's qualified certificates: the list of the
// certification authorities whose certificates the information system
// validates, and the list of accepted certificate types ("tout autre type
// de certificat qui figure sur la liste des certificats acceptés"). A
// service loads it with LoadAcceptedList or ParseAcceptedList and sets
// Options.Accepted; the validator then sets Result.Accepted,
// Result.Authority and Result.Unlisted, which Result.CertificateStatus
// passes on to package levels.
//
// Its file format is one JSON object (at most 1 MiB, unknown fields are
// errors):
//
//	{
//	  "format": "csam-accepted-certificates/1",
//	  "title": "...", "source": "https://...", "updated": "2025-03-26",
//	  "authorities": [
//	    {"name": "Belgium Root CA4",
//	     "spki_sha256": "b1538a90…",   // SHA-256 of the CA's SubjectPublicKeyInfo
//	     "qualified": true,            // its qualified certificates are validated
//	     "eid": true,                  // Belgian eID certificates chain to it
//	     "accepted": [                 // non-qualified types accepted (art. 7)
//	       {"name": "…", "policy": "2.16.56.12.1.1.2.2"}]}
//	  ]
//	}
//
// An authority matches a certificate when one certificate of its verified
// path (an intermediate or the anchor) has that public key: listing a root
// covers every CA under it.
type AcceptedList struct {
	Format      string      `json:"format"`
	Title       string      `json:"title,omitempty"`
	Source      string      `json:"source,omitempty"`
	Updated     string      `json:"updated,omitempty"`
	Authorities []Authority `json:"authorities"`
}

// Authority is one certification authority of an AcceptedList.
type Authority struct {
	// Name is the authority's name, for people (and Result.Authority).
	Name string `json:"name"`
	// SPKISHA256 is the hexadecimal SHA-256 of the authority's
	// SubjectPublicKeyInfo (see SPKIPin).
	SPKISHA256 string `json:"spki_sha256"`
	// Qualified says the authority is on the published list for its
	// qualified certificates: they are validated.
	Qualified bool `json:"qualified,omitempty"`
	// EID says Belgian eID certificates (identity and signature, art. 2 bis)
	// chain to this authority: the Belgian eID roots are recognised by their
	// pins without it; a test or specimen hierarchy needs it.
	EID bool `json:"eid,omitempty"`
	// Accepted are the non-qualified certificate types of this authority on
	// the list of accepted certificates.
	Accepted []AcceptedType `json:"accepted,omitempty"`
}

// AcceptedType is a certificate type on the list of accepted
// certificates, identified by a certificate policy its certificates carry.
type AcceptedType struct {
	Name   string `json:"name"`
	Policy string `json:"policy"` // dotted OID
}

// AcceptedListFormat is the format identifier an AcceptedList must carry.
const AcceptedListFormat = "csam-accepted-certificates/1"

// maxAcceptedList bounds the size of an accepted list file.
const maxAcceptedList = 1 << 20

// ParseAcceptedList reads an AcceptedList in the format described there and
// checks it: the format identifier, at least one authority, each with a
// name and a 64-digit hexadecimal pin (no pin twice), each accepted type
// with a name and a well-formed OID. Errors wrap ErrBadInput.
func ParseAcceptedList(r io.Reader) (*AcceptedList, error) {
	b, err := io.ReadAll(io.LimitReader(r, maxAcceptedList+1))
	if err != nil {
		return nil, fmt.Errorf("%w: accepted list: %v", ErrBadInput, err)
	}
	if len(b) > maxAcceptedList {
		return nil, fmt.Errorf("%w: accepted list larger than %d bytes", ErrBadInput, maxAcceptedList)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var l AcceptedList
	if err := dec.Decode(&l); err != nil {
		return nil, fmt.Errorf("%w: accepted list: %v", ErrBadInput, err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("%w: accepted list: data after the JSON object", ErrBadInput)
	}
	if err := l.check(); err != nil {
		return nil, err
	}
	return &l, nil
}

// LoadAcceptedList reads an AcceptedList from a file (see
// ParseAcceptedList).
func LoadAcceptedList(path string) (*AcceptedList, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("%w: accepted list: %v", ErrBadInput, err)
	}
	defer f.Close()
	l, err := ParseAcceptedList(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return l, nil
}

func (l *AcceptedList) check() error {
	bad := func(format string, a ...any) error {
		return fmt.Errorf("%w: accepted list: %s", ErrBadInput, fmt.Sprintf(format, a...))
	}
	if l.Format != AcceptedListFormat {
		return bad("format %q, want %q", l.Format, AcceptedListFormat)
	}
	if len(l.Authorities) == 0 {
		return bad("no authorities")
	}
	seen := map[string]bool{}
	for i, a := range l.Authorities {
		if strings.TrimSpace(a.Name) == "" {
			return bad("authorities[%d]: no name", i)
		}
		pin := strings.ToLower(a.SPKISHA256)
		if b, err := hex.DecodeString(pin); err != nil || len(b) != 32 {
			return bad("authorities[%d] %q: spki_sha256 must be 64 hexadecimal digits", i, a.Name)
		}
		if seen[pin] {
			return bad("authorities[%d] %q: pin listed twice", i, a.Name)
		}
		seen[pin] = true
		l.Authorities[i].SPKISHA256 = pin
		if !a.Qualified && !a.EID && len(a.Accepted) == 0 {
			return bad("authorities[%d] %q: accepts nothing (set qualified, eid or accepted)", i, a.Name)
		}
		for j, t := range a.Accepted {
			if strings.TrimSpace(t.Name) == "" {
				return bad("authorities[%d].accepted[%d]: no name", i, j)
			}
			if !validOID(t.Policy) {
				return bad("authorities[%d].accepted[%d]: policy %q is not a dotted OID", i, j, t.Policy)
			}
		}
	}
	return nil
}

// validOID reports whether s is a dotted OID of at least two arcs.
func validOID(s string) bool {
	parts := strings.Split(s, ".")
	if len(parts) < 2 || len(s) > 256 {
		return false
	}
	for _, p := range parts {
		if p == "" || (len(p) > 1 && p[0] == '0') {
			return false
		}
		for _, c := range p {
			if c < '0' || c > '9' {
				return false
			}
		}
	}
	return true
}

// acceptedIndex is an AcceptedList indexed by pin.
type acceptedIndex map[string]*Authority

func (l *AcceptedList) index() acceptedIndex {
	if l == nil {
		return nil
	}
	m := acceptedIndex{}
	for i := range l.Authorities {
		m[strings.ToLower(l.Authorities[i].SPKISHA256)] = &l.Authorities[i]
	}
	return m
}

// art7 sets res.EID, res.Accepted, res.Authority and res.Unlisted for a
// verified chain (leaf first) and the SPKI pins of its certificates, from
// its Belgian classification and the accepted list idx (nil: no list).
func art7(res *Result, chain []*x509.Certificate, pins []string, idx acceptedIndex, hasList bool) {
	if len(chain) == 0 {
		return
	}
	var auths []*Authority
	if len(idx) > 0 {
		if len(pins) != len(chain) {
			pins = make([]string, len(chain))
			for i, c := range chain {
				pins[i] = SPKIPin(c)
			}
		}
		for _, pin := range pins[1:] {
			if a, ok := idx[pin]; ok {
				auths = append(auths, a)
			}
		}
	}
	belgian := res.Belgian.Type.Authentication() || res.Belgian.Type.Signature()
	qualified := res.Qualified != nil && res.Qualified.Qualified
	if len(auths) > 0 {
		res.Authority = auths[0].Name
	}
	listedQualified := false
	for _, a := range auths {
		if a.Qualified {
			listedQualified = true
		}
		for _, t := range a.Accepted {
			if hasPolicy(chain[0], t.Policy) {
				res.Accepted = true
			}
		}
	}
	// res.Belgian is set only for a path that ends at a Belgian eID root
	// (built-in pins, Options.ExtraBelgianPins, or an eid authority of the
	// accepted list) through the Citizen or Foreigner CA: see belgianKind.
	res.EID = belgian
	res.Unlisted = hasList && qualified && !res.EID && !listedQualified && !res.Accepted
}

// hasPolicy reports whether c carries the certificate policy oid.
func hasPolicy(c *x509.Certificate, oid string) bool {
	for _, p := range c.Policies {
		if p.String() == oid {
			return true
		}
	}
	for _, p := range c.PolicyIdentifiers {
		if p.String() == oid {
			return true
		}
	}
	return false
}
