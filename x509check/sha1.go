package x509check

import (
	"bytes"
	"crypto/x509"
	"fmt"
	"time"
)

// maxSHA1Depth bounds the paths sha1Path builds (leaf and anchor included).
const maxSHA1Depth = 6

// sha1Path builds a path from cert to a root loaded from paths, accepting
// sha1WithRSAEncryption signatures (Options.AllowSHA1Signatures). It
// returns nil when there is none; a path with a certificate outside its
// validity at the time is returned with ErrExpired or ErrNotYetValid.
func (v *Validator) sha1Path(cert *x509.Certificate, extra []*x509.Certificate, at time.Time) ([]*x509.Certificate, error) {
	if len(v.rootCerts) == 0 || !acceptableLeaf(cert) {
		return nil, nil
	}
	inters := append(append([]*x509.Certificate(nil), v.intermediates...), extra...)
	path := v.sha1Extend([]*x509.Certificate{cert}, inters)
	if path == nil {
		return nil, nil
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

// sha1Extend extends path (leaf first) to a root, depth first: roots are
// tried before intermediates.
func (v *Validator) sha1Extend(path []*x509.Certificate, inters []*x509.Certificate) []*x509.Certificate {
	child := path[len(path)-1]
	for _, root := range v.rootCerts {
		if v.sha1Issued(root, child, len(path)) {
			return append(path, root)
		}
	}
	if len(path)+1 >= maxSHA1Depth {
		return nil
	}
	for _, ca := range inters {
		if onPath(path, ca) || !v.sha1Issued(ca, child, len(path)) {
			continue
		}
		if p := v.sha1Extend(append(path[:len(path):len(path)], ca), inters); p != nil {
			return p
		}
	}
	return nil
}

func onPath(path []*x509.Certificate, c *x509.Certificate) bool {
	for _, p := range path {
		if p.Equal(c) {
			return true
		}
	}
	return false
}

// sha1Issued reports whether parent may have issued child, with below
// certificates under parent on the path (the leaf included): names and key identifiers chain, parent is a CA allowed to sign
// certificates at this depth, carries no name constraints (not checked
// here) nor unhandled critical extensions, and parent's key verifies
// child's signature, SHA-1 with RSA included.
func (v *Validator) sha1Issued(parent, child *x509.Certificate, below int) bool {
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
	case x509.SHA1WithRSA:
		// crypto/x509's low-level CheckSignature still verifies these.
		return parent.CheckSignature(child.SignatureAlgorithm, child.RawTBSCertificate, child.Signature) == nil
	case x509.DSAWithSHA1, x509.ECDSAWithSHA1, x509.MD5WithRSA, x509.MD2WithRSA, x509.UnknownSignatureAlgorithm:
		return false
	}
	return child.CheckSignatureFrom(parent) == nil
}

func hasNameConstraints(c *x509.Certificate) bool {
	return len(c.PermittedDNSDomains) > 0 || len(c.ExcludedDNSDomains) > 0 ||
		len(c.PermittedIPRanges) > 0 || len(c.ExcludedIPRanges) > 0 ||
		len(c.PermittedEmailAddresses) > 0 || len(c.ExcludedEmailAddresses) > 0 ||
		len(c.PermittedURIDomains) > 0 || len(c.ExcludedURIDomains) > 0
}
