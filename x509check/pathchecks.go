package x509check

import (
	"bytes"
	"crypto/x509"
	"encoding/asn1"
	"fmt"

	"golang.org/x/crypto/cryptobyte"
	casn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// pathChecks makes, on a path (leaf first, anchor last), the checks that
// crypto/x509 leaves out or that the SHA-1 path builder would otherwise
// skip:
//   - directoryName name constraints (RFC 5280 section 4.2.1.10), which
//     crypto/x509 ignores when the extension is not critical: the subject
//     of every certificate below a constraining CA must lie within a
//     permitted subtree and outside every excluded one;
//   - with sha1 (a path built by sha1Path), certificate policy processing
//     (RFC 5280 section 6.1: requireExplicitPolicy, inhibitAnyPolicy),
//     which crypto/x509 makes on the main path; a SHA-1 path with policy
//     mappings is refused (not supported there).
//
// Its errors wrap ErrUntrusted.
func pathChecks(chain []*x509.Certificate, sha1 bool) error {
	if err := checkDirectoryNameConstraints(chain); err != nil {
		return err
	}
	if sha1 {
		return checkPolicies(chain)
	}
	return nil
}

var oidNameConstraints = asn1.ObjectIdentifier{2, 5, 29, 30}

// dnSubtrees reads the directoryName subtrees of c's name constraints.
func dnSubtrees(c *x509.Certificate) (permitted, excluded [][]byte, err error) {
	for _, e := range c.Extensions {
		if !e.Id.Equal(oidNameConstraints) {
			continue
		}
		s := cryptobyte.String(e.Value)
		var seq cryptobyte.String
		if !s.ReadASN1(&seq, casn1.SEQUENCE) || !s.Empty() {
			return nil, nil, fmt.Errorf("%w: %q: malformed name constraints", ErrUntrusted, SubjectString(c))
		}
		for _, part := range []struct {
			tag casn1.Tag
			out *[][]byte
		}{{casn1.Tag(0).ContextSpecific().Constructed(), &permitted}, {casn1.Tag(1).ContextSpecific().Constructed(), &excluded}} {
			var trees cryptobyte.String
			var present bool
			if !seq.ReadOptionalASN1(&trees, &present, part.tag) {
				return nil, nil, fmt.Errorf("%w: %q: malformed name constraints", ErrUntrusted, SubjectString(c))
			}
			for !trees.Empty() {
				var tree, base cryptobyte.String
				var tag casn1.Tag
				if !trees.ReadASN1(&tree, casn1.SEQUENCE) || !tree.ReadAnyASN1(&base, &tag) {
					return nil, nil, fmt.Errorf("%w: %q: malformed name constraints", ErrUntrusted, SubjectString(c))
				}
				if tag == casn1.Tag(4).ContextSpecific().Constructed() {
					// directoryName [4] EXPLICIT Name.
					var name cryptobyte.String
					if !base.ReadASN1Element(&name, casn1.SEQUENCE) {
						return nil, nil, fmt.Errorf("%w: %q: malformed directoryName constraint", ErrUntrusted, SubjectString(c))
					}
					*part.out = append(*part.out, name)
				}
			}
		}
	}
	return permitted, excluded, nil
}

// rdns splits a DER Name into the DER of its RDNs.
func rdns(name []byte) ([][]byte, bool) {
	s := cryptobyte.String(name)
	var seq cryptobyte.String
	if !s.ReadASN1(&seq, casn1.SEQUENCE) {
		return nil, false
	}
	var out [][]byte
	for !seq.Empty() {
		var rdn cryptobyte.String
		if !seq.ReadASN1Element(&rdn, casn1.SET) {
			return nil, false
		}
		out = append(out, rdn)
	}
	return out, true
}

// withinDN reports whether subject lies in the subtree base: base's RDNs
// start subject's (compared as DER; RFC 5280 asks for the name comparison
// rules of section 7.1, which byte equality of one CA's own encodings
// meets, and is stricter otherwise).
func withinDN(subject, base []byte) bool {
	s, ok1 := rdns(subject)
	b, ok2 := rdns(base)
	if !ok1 || !ok2 || len(b) > len(s) {
		return false
	}
	for i := range b {
		if !bytes.Equal(s[i], b[i]) {
			return false
		}
	}
	return true
}

func checkDirectoryNameConstraints(chain []*x509.Certificate) error {
	for i := 1; i < len(chain); i++ {
		permitted, excluded, err := dnSubtrees(chain[i])
		if err != nil {
			return err
		}
		if len(permitted) == 0 && len(excluded) == 0 {
			continue
		}
		for _, c := range chain[:i] {
			if empty, ok := rdns(c.RawSubject); ok && len(empty) == 0 {
				continue // an empty subject: the name is in subjectAltName
			}
			for _, x := range excluded {
				if withinDN(c.RawSubject, x) {
					return fmt.Errorf("%w: %q is in a subtree excluded by the name constraints of %q", ErrUntrusted, SubjectString(c), SubjectString(chain[i]))
				}
			}
			if len(permitted) == 0 {
				continue
			}
			in := false
			for _, p := range permitted {
				in = in || withinDN(c.RawSubject, p)
			}
			if !in {
				return fmt.Errorf("%w: %q is outside the subtrees permitted by the name constraints of %q", ErrUntrusted, SubjectString(c), SubjectString(chain[i]))
			}
		}
	}
	return nil
}

var anyPolicy = x509.OID{}

func init() {
	var err error
	if anyPolicy, err = x509.OIDFromInts([]uint64{2, 5, 29, 32, 0}); err != nil {
		panic(err)
	}
}

// checkPolicies runs RFC 5280 section 6.1 certificate policy processing
// on a path without policy mappings (user-initial-policy-set anyPolicy,
// no initial explicit policy or any-policy inhibition), the anchor
// excluded. It keeps the set of valid policies rather than the tree,
// which is equivalent without mappings.
func checkPolicies(chain []*x509.Certificate) error {
	n := len(chain) - 1 // certificates below the anchor
	explicit, inhibitAny := n+1, n+1
	valid := []x509.OID{anyPolicy}
	for k := 1; k <= n; k++ {
		c := chain[n-k]
		if len(c.PolicyMappings) > 0 {
			return fmt.Errorf("%w: %q: policy mappings on a SHA-1 path are not supported", ErrUntrusted, SubjectString(c))
		}
		selfIssued := k < n && bytes.Equal(c.RawSubject, c.RawIssuer)
		if len(c.Policies) == 0 {
			valid = nil
		} else if valid != nil {
			anyOK := inhibitAny > 0 || (k < n && selfIssued)
			var next []x509.OID
			hasAny := containsOID(valid, anyPolicy)
			for _, p := range c.Policies {
				if p.Equal(anyPolicy) {
					continue
				}
				if hasAny || containsOID(valid, p) {
					next = append(next, p)
				}
			}
			if containsOID(c.Policies, anyPolicy) && anyOK {
				for _, p := range valid {
					if !containsOID(next, p) {
						next = append(next, p)
					}
				}
			}
			valid = next
			if len(valid) == 0 {
				valid = nil
			}
		}
		if valid == nil && explicit <= 0 {
			return fmt.Errorf("%w: %q: no valid certificate policy where one is required (requireExplicitPolicy)", ErrUntrusted, SubjectString(c))
		}
		if k == n {
			// Wrap-up (6.1.5 a, b).
			if explicit > 0 {
				explicit--
			}
			if c.RequireExplicitPolicyZero {
				explicit = 0
			}
			break
		}
		if !selfIssued {
			if explicit > 0 {
				explicit--
			}
			if inhibitAny > 0 {
				inhibitAny--
			}
		}
		if (c.RequireExplicitPolicy > 0 || c.RequireExplicitPolicyZero) && c.RequireExplicitPolicy < explicit {
			explicit = c.RequireExplicitPolicy
		}
		if (c.InhibitAnyPolicy > 0 || c.InhibitAnyPolicyZero) && c.InhibitAnyPolicy < inhibitAny {
			inhibitAny = c.InhibitAnyPolicy
		}
	}
	if explicit <= 0 && valid == nil {
		return fmt.Errorf("%w: %q: no valid certificate policy where one is required (requireExplicitPolicy)", ErrUntrusted, SubjectString(chain[0]))
	}
	return nil
}

func containsOID(set []x509.OID, o x509.OID) bool {
	for _, x := range set {
		if x.Equal(o) {
			return true
		}
	}
	return false
}
