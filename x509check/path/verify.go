package path

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/asn1"
	"fmt"
	"slices"
	"sync"
	"time"
)

// Bounds of path building. Cross-certified CAs can offer many issuers
// for one name: at most MaxCandidates are tried per certificate (the
// best first: matching key identifier, trust anchors, valid at the
// validation time), paths are at most MaxDepth certificates long, and a
// search considers at most MaxWork issuer candidates and validates at
// most MaxPaths complete paths before it gives up with reason WorkLimit.
const (
	MaxCandidates = 10
	MaxDepth      = 16
	MaxWork       = 1000
	MaxPaths      = 50
)

// RevocationChecker checks the revocation status of chain[i] (chain is
// leaf first and ends with the trust anchor, so chain[i+1] is its
// issuer). It returns nil when the certificate is not revoked, and an
// error otherwise: an [InvalidError] of reason Revoked when it is,
// RevocationUnknown or RevocationExpired when it cannot say. v validates the paths of
// revocation signers.
type RevocationChecker interface {
	CheckRevocation(ctx context.Context, v *Verifier, chain []*Certificate, i int, at time.Time) error
}

// Options configure a Verifier. The zero value of every field is a
// documented default.
type Options struct {
	// Roots are the trust anchors: only their subject name and public
	// key are used (RFC 5280 section 6.1.1 d). Without roots every
	// validation fails with reason NoTrustAnchors.
	Roots []*Certificate
	// Intermediates may complete a path.
	Intermediates []*Certificate
	// CurrentTime is the validation time; zero means time.Now().
	CurrentTime time.Time

	// Policies is the user-initial-policy-set (dotted OIDs); empty means
	// anyPolicy.
	Policies []string
	// ExplicitPolicy (initial-explicit-policy) requires the path to be
	// valid for at least one policy of Policies.
	ExplicitPolicy bool
	// InhibitPolicyMapping (initial-policy-mapping-inhibit) refuses
	// policy mappings.
	InhibitPolicyMapping bool
	// InhibitAnyPolicy (initial-any-policy-inhibit) makes anyPolicy in a
	// certificate match nothing.
	InhibitAnyPolicy bool

	// AllowSHA1 accepts sha1WithRSAEncryption signatures (ECDSA with
	// SHA-1 stays refused).
	AllowSHA1 bool
	// Revocation, when set, checks every certificate of a path but the
	// anchor; nil checks none.
	Revocation RevocationChecker
	// HandledCriticalExtensions are extensions the caller processes
	// itself: a certificate marking one critical is not refused.
	HandledCriticalExtensions []asn1.ObjectIdentifier
}

// Result is a validated path.
type Result struct {
	// Chain is leaf first and ends with the trust anchor.
	Chain []*Certificate
	// Policies is the valid policy set (user-constrained-policy-set),
	// anyPolicy ("2.5.29.32.0") included when the path is valid for every
	// policy. Empty when the path asserts no policy.
	Policies []string
}

// Verifier validates paths with fixed options. It is safe for concurrent
// use.
type Verifier struct {
	opts    Options
	anchors map[string][]*Certificate // by subject key
	inter   map[string][]*Certificate
	isRoot  map[[32]byte]bool

	mu   sync.Mutex
	sigs map[[64]byte]error // (child, issuer) signature results
}

// New indexes the anchors and intermediates of opts.
func New(opts Options) *Verifier {
	v := &Verifier{opts: opts, anchors: map[string][]*Certificate{}, inter: map[string][]*Certificate{},
		isRoot: map[[32]byte]bool{}, sigs: map[[64]byte]error{}}
	for _, c := range opts.Roots {
		if c != nil {
			v.anchors[c.subjectKey] = append(v.anchors[c.subjectKey], c)
			v.isRoot[sha256.Sum256(c.Raw)] = true
		}
	}
	for _, c := range opts.Intermediates {
		if c != nil {
			v.inter[c.subjectKey] = append(v.inter[c.subjectKey], c)
		}
	}
	return v
}

func (v *Verifier) now() time.Time {
	if v.opts.CurrentTime.IsZero() {
		return time.Now()
	}
	return v.opts.CurrentTime
}

// Verify validates leaf at the configured time; extra certificates may
// complete the path. The error is an *InvalidError.
func (v *Verifier) Verify(ctx context.Context, leaf *Certificate, extra ...*Certificate) (*Result, error) {
	return v.VerifyAt(ctx, time.Time{}, leaf, extra...)
}

// VerifyAt is Verify at time at (zero: the configured time).
func (v *Verifier) VerifyAt(ctx context.Context, at time.Time, leaf *Certificate, extra ...*Certificate) (*Result, error) {
	if at.IsZero() {
		at = v.now()
	}
	return v.verify(ctx, at, leaf, extra, 0)
}

// verify searches paths depth first and returns the first valid one, or
// the error of the first complete path that failed (or, with none, the
// reason why none was complete). nested counts revocation signer paths.
func (v *Verifier) verify(ctx context.Context, at time.Time, leaf *Certificate, extra []*Certificate, nested int) (*Result, error) {
	if len(v.anchors) == 0 {
		return nil, &InvalidError{Reason: NoTrustAnchors, Depth: -1}
	}
	if v.isRoot[sha256.Sum256(leaf.Raw)] {
		return &Result{Chain: []*Certificate{leaf}, Policies: []string{anyPolicy}}, nil
	}
	s := &search{v: v, ctx: ctx, at: at, nested: nested, extra: map[string][]*Certificate{}}
	for _, c := range extra {
		if c != nil {
			s.extra[c.subjectKey] = append(s.extra[c.subjectKey], c)
		}
	}
	s.walk([]*Certificate{leaf})
	if s.found != nil {
		return s.found, nil
	}
	switch {
	case s.firstErr != nil:
		return nil, s.firstErr
	case s.limit:
		return nil, &InvalidError{Reason: WorkLimit, Depth: -1}
	case s.edgeErr != nil:
		return nil, s.edgeErr
	}
	return nil, &InvalidError{Reason: NoPath, Depth: -1, Subject: leaf.subjectString()}
}

type search struct {
	v        *Verifier
	ctx      context.Context
	at       time.Time
	nested   int
	extra    map[string][]*Certificate
	work     int
	paths    int
	limit    bool
	found    *Result
	firstErr error
	edgeErr  error
}

type candidate struct {
	c      *Certificate
	anchor bool
	rank   int
}

func (s *search) candidates(c *Certificate) []candidate {
	var out []candidate
	add := func(list []*Certificate, anchor bool) {
		for _, p := range list {
			r := 0
			if len(c.aki) > 0 && len(p.ski) > 0 && !bytes.Equal(c.aki, p.ski) {
				r += 4
			}
			if !anchor {
				r += 2
			}
			if s.at.Before(p.NotBefore) || s.at.After(p.NotAfter) {
				r++
			}
			out = append(out, candidate{c: p, anchor: anchor, rank: r})
		}
	}
	add(s.v.anchors[c.issuerKey], true)
	add(s.v.inter[c.issuerKey], false)
	add(s.extra[c.issuerKey], false)
	slices.SortStableFunc(out, func(a, b candidate) int { return a.rank - b.rank })
	if len(out) > MaxCandidates {
		out = out[:MaxCandidates]
	}
	return out
}

// walk extends path (leaf first) towards an anchor.
func (s *search) walk(path []*Certificate) {
	last := path[len(path)-1]
	for _, cand := range s.candidates(last) {
		if s.found != nil || s.limit {
			return
		}
		if s.work++; s.work > MaxWork || s.paths >= MaxPaths || s.ctx.Err() != nil {
			s.limit = true
			return
		}
		if slices.ContainsFunc(path, func(p *Certificate) bool { return bytes.Equal(p.Raw, cand.c.Raw) }) {
			continue
		}
		if err := s.v.signatureOK(last, cand.c); err != nil {
			if s.edgeErr == nil {
				s.edgeErr = &InvalidError{Reason: BadSignature, Depth: len(path) - 1, Subject: last.subjectString(), Err: err}
			}
			continue
		}
		next := append(slices.Clip(path), cand.c)
		if cand.anchor {
			s.paths++
			res, err := s.v.check(s.ctx, next, s.at, s.nested)
			if err == nil {
				s.found = res
				return
			}
			if s.firstErr == nil {
				s.firstErr = err
			}
			continue
		}
		if len(next) < MaxDepth {
			s.walk(next)
		}
	}
}

// signatureOK checks c's signature with issuer's key, caching the result.
func (v *Verifier) signatureOK(c, issuer *Certificate) error {
	var k [64]byte
	a, b := sha256.Sum256(c.Raw), sha256.Sum256(issuer.rawSPKI)
	copy(k[:32], a[:])
	copy(k[32:], b[:])
	v.mu.Lock()
	err, ok := v.sigs[k]
	v.mu.Unlock()
	if ok {
		return err
	}
	err = checkSignature(c.sigAlg, c.rawTBS, c.signature, issuer.publicKey, v.opts.AllowSHA1)
	if err == nil && issuer.publicKeyErr != nil {
		err = issuer.publicKeyErr
	}
	v.mu.Lock()
	if len(v.sigs) > 4096 {
		clear(v.sigs)
	}
	v.sigs[k] = err
	v.mu.Unlock()
	return err
}

// check runs RFC 5280 section 6.1 on chain (leaf first, anchor last).
func (v *Verifier) check(ctx context.Context, chain []*Certificate, at time.Time, nested int) (*Result, error) {
	n := len(chain) - 1
	fail := func(i int, r InvalidReason, detail string, args ...any) error {
		c := chain[n-i]
		return &InvalidError{Reason: r, Depth: n - i, Subject: c.subjectString(), Detail: fmt.Sprintf(detail, args...), Cert: c}
	}
	o := &v.opts
	explicit, mapping, inhibitAny := n+1, n+1, n+1
	if o.ExplicitPolicy {
		explicit = 0
	}
	if o.InhibitPolicyMapping {
		mapping = 0
	}
	if o.InhibitAnyPolicy {
		inhibitAny = 0
	}
	maxLen := n
	graph := newPolicyGraph()
	var ncs []*nameConstraints
	for i := 1; i <= n; i++ {
		c := chain[n-i]
		self := c.selfIssued()
		if at.Before(c.NotBefore) {
			return nil, fail(i, NotYetValid, "valid from %s", c.NotBefore.UTC().Format(time.RFC3339))
		}
		if at.After(c.NotAfter) {
			return nil, fail(i, Expired, "valid until %s", c.NotAfter.UTC().Format(time.RFC3339))
		}
		if d := checkNames(c, ncs, i == n || !self); d != "" {
			return nil, fail(i, NameConstraints, "%s", d)
		}
		if graph != nil {
			if c.hasPolicies {
				graph.process(c.policies, inhibitAny > 0 || (i < n && self))
				if graph.empty() {
					graph = nil
				}
			} else {
				graph = nil
			}
		}
		if explicit == 0 && graph == nil {
			return nil, fail(i, Policy, "explicit policy required")
		}
		if i == n {
			break
		}
		// Preparation for certificate i+1 (section 6.1.4).
		for _, m := range c.policyMappings {
			if m[0] == anyPolicy || m[1] == anyPolicy {
				return nil, fail(i, Policy, "anyPolicy in a policy mapping")
			}
		}
		if graph != nil && len(c.policyMappings) > 0 {
			graph.mapPolicies(c.policyMappings, mapping > 0)
			if graph.empty() {
				graph = nil
			}
		}
		if c.nc != nil {
			ncs = append(ncs, c.nc)
		}
		if !self {
			explicit, mapping, inhibitAny = dec(explicit), dec(mapping), dec(inhibitAny)
		}
		if c.requireExplicit >= 0 {
			explicit = min(explicit, c.requireExplicit)
		}
		if c.inhibitMapping >= 0 {
			mapping = min(mapping, c.inhibitMapping)
		}
		if c.inhibitAny >= 0 {
			inhibitAny = min(inhibitAny, c.inhibitAny)
		}
		if !c.hasBC || !c.isCA {
			return nil, fail(i, NotCA, "no basicConstraints with cA")
		}
		if !self {
			if maxLen <= 0 {
				return nil, fail(i, PathLength, "")
			}
			maxLen--
		}
		if c.maxPathLen >= 0 {
			maxLen = min(maxLen, c.maxPathLen)
		}
		if c.hasKU && c.keyUsage&keyCertSign == 0 {
			return nil, fail(i, KeyUsage, "")
		}
		if ext := v.unhandledCritical(c); ext != "" {
			return nil, fail(i, CriticalExtension, "%s", ext)
		}
	}
	// Wrap-up (section 6.1.5).
	leaf := chain[0]
	explicit = dec(explicit)
	if leaf.requireExplicit == 0 {
		explicit = 0
	}
	if ext := v.unhandledCritical(leaf); ext != "" {
		return nil, fail(n, CriticalExtension, "%s", ext)
	}
	valid := graph.validPolicies(v.opts.Policies)
	if explicit == 0 && len(valid) == 0 {
		return nil, fail(n, Policy, "no policy of the initial policy set")
	}
	if v.opts.Revocation != nil && nested < 3 {
		for i := 0; i < n; i++ {
			if err := v.opts.Revocation.CheckRevocation(ctx, v, chain, i, at); err != nil {
				return nil, err
			}
		}
	}
	return &Result{Chain: chain, Policies: valid}, nil
}

const keyCertSign = 1 << 5

func dec(x int) int {
	if x > 0 {
		return x - 1
	}
	return 0
}

func (v *Verifier) unhandledCritical(c *Certificate) string {
	for _, e := range c.exts {
		if !e.critical {
			continue
		}
		if slices.ContainsFunc(handledCertExtensions, e.oid.Equal) ||
			slices.ContainsFunc(v.opts.HandledCriticalExtensions, e.oid.Equal) {
			continue
		}
		return e.oid.String()
	}
	return ""
}

func sum(b []byte) [32]byte { return sha256.Sum256(b) }
