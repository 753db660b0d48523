package x509check

import (
	"bytes"
	"crypto/x509"
	"errors"
	"fmt"
	"time"
)

// maxSHA1Depth bounds the paths sha1Path builds (leaf and anchor included).
const maxSHA1Depth = 6

// maxSHA1SignatureChecks bounds the signature checks of one sha1Path
// search, as crypto/x509 bounds its own path building (100): certificates
// sharing one name and key can otherwise make the search try every
// ordering of them.
const maxSHA1SignatureChecks = 100

// errSHA1Budget stops a search that exhausted its signature checks.
var errSHA1Budget = fmt.Errorf("%w: SHA-1 path building stopped after %d signature checks", ErrUntrusted, maxSHA1SignatureChecks)

// sha1Search is the state of one sha1Path search.
type sha1Search struct {
	v      *Validator
	inters []*x509.Certificate
	checks int
	at     time.Time
}

// sha1Path builds a path from cert to a root loaded from paths, accepting
// sha1WithRSAEncryption signatures (Options.AllowSHA1Signatures). It
// returns nil when there is none; a path with a certificate outside its
// validity at the time is returned with ErrExpired or ErrNotYetValid.
func (v *Validator) sha1Path(cert *x509.Certificate, extra []*x509.Certificate, at time.Time) ([]*x509.Certificate, error) {
	if len(v.rootCerts) == 0 || !acceptableLeaf(cert) {
		return nil, nil
	}
	s := &sha1Search{v: v, inters: append(append([]*x509.Certificate(nil), v.intermediates...), extra...), at: at}
	path, err := s.extend([]*x509.Certificate{cert})
	if path == nil {
		return nil, err
	}
	for _, c := range path {
		if at.Before(c.NotBefore) {
			return path, fmt.Errorf("%w: %q valid from %s, validation time %s", ErrNotYetValid,
				SubjectString(c), c.NotBefore.UTC().Format(time.RFC3339), at.UTC().Format(time.RFC3339))
		}
		if at.After(c.NotAfter) {
			return path, fmt.Errorf("%w: %q valid until %s, validation time %s", ErrExpired,
				SubjectString(c), c.NotAfter.UTC().Format(time.RFC3339), at.UTC().Format(time.RFC3339))
		}
	}
	v.opts.logger().Warn("x509check: certificate path accepted with SHA-1 signatures (AllowSHA1Signatures)",
		"subject", SubjectString(cert))
	return path, nil
}

// acceptableLeaf holds the checks crypto/x509 makes on every certificate
// that the path checks below do not repeat for the leaf.
func acceptableLeaf(c *x509.Certificate) bool {
	return len(c.UnhandledCriticalExtensions) == 0
}

// extend extends path (leaf first) to a root, depth first: roots are
// tried before intermediates. A complete path must also pass pathChecks
// (the checks crypto/x509 makes on the main path beyond signatures and
// names); one that fails is abandoned for the next. It fails with
// errSHA1Budget when the signature checks run out.
func (s *sha1Search) extend(path []*x509.Certificate) ([]*x509.Certificate, error) {
	child := path[len(path)-1]
	var last error
	for _, root := range s.v.rootCerts {
		ok, err := s.issued(root, child, len(path))
		if err != nil {
			return nil, err
		}
		if ok {
			p := append(path[:len(path):len(path)], root)
			if err := pathChecks(p, true); err != nil {
				last = err
				continue
			}
			return p, nil
		}
	}
	if len(path)+1 >= maxSHA1Depth {
		return nil, last
	}
	for _, ca := range s.inters {
		if onPath(path, ca) {
			continue
		}
		ok, err := s.issued(ca, child, len(path))
		if err != nil {
			return nil, err
		}
		if !ok {
			continue
		}
		p, err := s.extend(append(path[:len(path):len(path)], ca))
		if p != nil || errors.Is(err, errSHA1Budget) {
			return p, err
		}
		if err != nil {
			last = err
		}
	}
	return nil, last
}

// issued is sha1Issued within the search's signature-check budget.
func (s *sha1Search) issued(parent, child *x509.Certificate, below int) (bool, error) {
	if !sha1Candidate(parent, child, below) {
		return false, nil
	}
	if s.checks >= maxSHA1SignatureChecks {
		return false, errSHA1Budget
	}
	s.checks++
	return sha1Signed(parent, child), nil
}

func onPath(path []*x509.Certificate, c *x509.Certificate) bool {
	for _, p := range path {
		if p.Equal(c) {
			return true
		}
	}
	return false
}

// sha1Candidate reports whether parent may have issued child, with below
// certificates under parent on the path (the leaf included), before any
// signature check: names and key identifiers chain, parent is a CA
// allowed to sign certificates at this depth, carries no name constraints
// (not checked here) nor unhandled critical extensions.
func sha1Candidate(parent, child *x509.Certificate, below int) bool {
	if !bytes.Equal(parent.RawSubject, child.RawIssuer) {
		return false
	}
	if len(child.AuthorityKeyId) > 0 && len(parent.SubjectKeyId) > 0 &&
		!bytes.Equal(child.AuthorityKeyId, parent.SubjectKeyId) {
		return false
	}
	if !parent.BasicConstraintsValid || !parent.IsCA ||
		(parent.KeyUsage != 0 && parent.KeyUsage&x509.KeyUsageCertSign == 0) ||
		len(parent.UnhandledCriticalExtensions) > 0 || hasNameConstraints(parent) {
		return false
	}
	// MaxPathLen bounds the CAs under parent (below-1 of them; self-issued
	// ones are not exempted, which is stricter than RFC 5280).
	if parent.MaxPathLen >= 0 && below-1 > parent.MaxPathLen {
		return false
	}
	switch child.SignatureAlgorithm {
	case x509.DSAWithSHA1, x509.ECDSAWithSHA1, x509.MD5WithRSA, x509.MD2WithRSA, x509.UnknownSignatureAlgorithm:
		return false
	}
	return true
}

// sha1Signed reports whether parent's key verifies child's signature,
// SHA-1 with RSA included.
func sha1Signed(parent, child *x509.Certificate) bool {
	if child.SignatureAlgorithm == x509.SHA1WithRSA {
		// crypto/x509's low-level CheckSignature still verifies these.
		return parent.CheckSignature(child.SignatureAlgorithm, child.RawTBSCertificate, child.Signature) == nil
	}
	return child.CheckSignatureFrom(parent) == nil
}

func hasNameConstraints(c *x509.Certificate) bool {
	return len(c.PermittedDNSDomains) > 0 || len(c.ExcludedDNSDomains) > 0 ||
		len(c.PermittedIPRanges) > 0 || len(c.ExcludedIPRanges) > 0 ||
		len(c.PermittedEmailAddresses) > 0 || len(c.ExcludedEmailAddresses) > 0 ||
		len(c.PermittedURIDomains) > 0 || len(c.ExcludedURIDomains) > 0
}
