package x509check

import (
	"context"
	"crypto/sha256"
	"crypto/x509"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/singleflight"

	"github.com/csam-go/csam/x509check/internal/bounded"
	"github.com/csam-go/csam/x509check/ocsp"
	"github.com/csam-go/csam/x509check/path"

	"github.com/csam-go/csam/keys"
)

// Validator validates certificates with fixed Options. It caches verified
// chains and OCSP answers (bounded, until their nextUpdate) and coalesces
// concurrent OCSP requests for one certificate. It is safe for concurrent
// use.
type Validator struct {
	opts          Options
	roots         *x509.CertPool
	rootCerts     []*x509.Certificate // every root, for AllowSHA1Signatures
	intermediates []*x509.Certificate
	http          Doer
	defaultCRL    bool // opts.CRL is the default checker, without given CRLs
	defaultOCSP   bool // opts.OCSP is the default checker, without given responses
	accepted      acceptedIndex

	engine *path.Verifier

	chains *bounded.Cache[[32]byte, *pathResult]
	leaves *bounded.Cache[[32]byte, *leafFacts]
	names  subjectCache
	// results keeps valid results until their inputs expire (resultcache.go).
	results *bounded.Cache[[32]byte, *cachedResult]
	// chainFlight coalesces concurrent path verifications of one leaf.
	chainFlight singleflight.Group
}

// newEngine returns the path engine of a validator.
func newEngine(opts Options, roots, inter []*x509.Certificate) (*path.Verifier, error) {
	po := path.Options{
		Policies:             opts.Policy.Set,
		ExplicitPolicy:       opts.Policy.Explicit,
		InhibitPolicyMapping: opts.Policy.InhibitMapping,
		InhibitAnyPolicy:     opts.Policy.InhibitAny,
		AllowSHA1:            opts.AllowSHA1Signatures,
	}
	for _, c := range roots {
		p, err := path.FromX509(c)
		if err != nil {
			return nil, fmt.Errorf("%w: root %q: %v", ErrBadInput, SubjectString(c), err)
		}
		po.Roots = append(po.Roots, p)
	}
	for _, c := range inter {
		// An intermediate this package cannot read cannot complete a path.
		if p, err := path.FromX509(c); err == nil {
			po.Intermediates = append(po.Intermediates, p)
		}
	}
	return path.New(po), nil
}

// NewValidator takes the trust anchors and intermediates of opts. Its
// errors wrap ErrBadInput (a nil root) or ErrPinMismatch (a self-signed
// certificate among the Belgian roots that matches no pin).
func NewValidator(opts Options) (*Validator, error) {
	v := &Validator{opts: opts, http: opts.HTTP, accepted: opts.Accepted.index()}
	if v.http == nil {
		v.http = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		}}
	}
	v.roots = x509.NewCertPool()
	belgian, cas, err := splitBelgianRoots(opts.BelgianRoots)
	if err != nil {
		return nil, err
	}
	for _, c := range append(append([]*x509.Certificate(nil), opts.Roots...), belgian...) {
		if c == nil {
			return nil, fmt.Errorf("%w: nil root certificate", ErrBadInput)
		}
		v.roots.AddCert(c)
		v.rootCerts = append(v.rootCerts, c)
	}
	for _, c := range append(append([]*x509.Certificate(nil), opts.Intermediates...), cas...) {
		if c != nil {
			v.intermediates = append(v.intermediates, c)
		}
	}
	if v.engine, err = newEngine(opts, v.rootCerts, v.intermediates); err != nil {
		return nil, err
	}
	if v.opts.CRL == nil {
		c, err := NewCRLChecker(CRLOptions{HTTP: v.http, Offline: opts.Offline,
			ClockSkew: opts.Tuning.ClockSkew, MaxAge: opts.Tuning.MaxAge, Timeout: opts.timeout(),
			AllowSHA1: opts.AllowSHA1Signatures})
		if err != nil {
			return nil, err
		}
		v.opts.CRL, v.defaultCRL = c, true
	}
	if v.opts.OCSP == nil {
		v.opts.OCSP = ocsp.NewChecker(ocsp.Options{HTTP: v.http, Offline: opts.Offline,
			Timeout: opts.timeout(), ClockSkew: opts.Tuning.ClockSkew, MaxAge: opts.Tuning.MaxAge,
			CacheSize: opts.Tuning.CacheSize, AllowSHA1: opts.AllowSHA1Signatures})
		v.defaultOCSP = true
	}
	n := opts.cacheSize()
	v.chains = bounded.New[[32]byte, *pathResult](n)
	v.leaves = bounded.New[[32]byte, *leafFacts](n)
	v.names = subjectCache{max: n, m: map[string]string{}}
	v.results = bounded.New[[32]byte, *cachedResult](n)
	return v, nil
}

// Validate checks cert at the configured time: a path to a trust anchor
// (extra certificates may serve as intermediates), the validity periods,
// the key usage for the intended usage, revocation per the policy for
// every certificate of the path but the anchor (concurrently, within
// Options.Tuning.ValidationTimeout), and the qualified status.
//
// The Result is always returned (nil only when cert is nil). The error is
// nil when the certificate is valid; otherwise it joins Result.Errors,
// each matching a sentinel ([ErrUntrusted], [ErrExpired],
// [ErrNotYetValid], [ErrWrongUsage], [ErrRevoked], [ErrSuspended],
// [ErrUnknown], [ErrRevocationUnavailable] with a [SourceError] per source,
// [ErrNoTrust]).
//
// A valid result is kept until the earliest expiry of what it rests on
// (the path's validity periods, the revocation answers' next updates) and
// later validations of the same certificate within that time return a
// copy of it: its slices are shared, treat them as read-only.
func (v *Validator) Validate(ctx context.Context, cert *x509.Certificate, extra ...*x509.Certificate) (*Result, error) {
	return v.ValidateAt(ctx, time.Time{}, cert, extra...)
}

// ValidateAt is Validate at the time at instead of the configured one
// (zero: the configured one), with the same caches: package sign checks a
// signer's certificate at the signing time with it. Revocation sources
// must then be current at at (an OCSP response produced after at gives
// a SourceError of code "future-response"), so a check at a past time
// usually runs with the NoRevocation policy, revocation being checked
// apart.
func (v *Validator) ValidateAt(ctx context.Context, at time.Time, cert *x509.Certificate, extra ...*x509.Certificate) (*Result, error) {
	if cert == nil {
		return nil, fmt.Errorf("%w: nil certificate", ErrBadInput)
	}
	if at.IsZero() {
		at = v.opts.now()
	}
	key := sha256.Sum256(cert.Raw)
	if res, ok := v.cachedResult(ctx, key, at, extra); ok {
		return res, nil
	}
	if d := v.opts.validationTimeout(); d > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, d)
		defer cancel()
	}
	lf, ok := v.leaves.Get(key)
	if !ok {
		lf = &leafFacts{kind: ClassifyBelgian(cert)}
		if v.opts.Qualification == nil {
			lf.qual = CertificateQualification(cert)
		}
		v.leaves.Put(key, lf)
	}
	res := &Result{At: at}

	pr, err := v.chain(key, cert, extra, at)
	if err != nil {
		res.Errors = append(res.Errors, err)
		if pr == nil {
			return res, errors.Join(res.Errors...)
		}
	}
	chain := pr.chain
	res.Chain, res.Policies = chain, pr.policies
	res.Belgian = v.belgianKind(lf.kind, chain)
	res.KeyType = keyTypeOf(cert, res.Belgian)
	if err := checkUsage(cert, v.opts.Usage, res.Belgian); err != nil {
		res.Errors = append(res.Errors, err)
	} else if err := checkExtKeyUsage(cert, chain, v.opts.Usage, v.opts.StrictExtKeyUsage); err != nil {
		res.Errors = append(res.Errors, err)
	}
	if len(res.Errors) == 0 {
		v.revocation(ctx, res, at, pr.pchain)
	} else {
		res.Revocation = StatusNotChecked
	}
	var q *Qualified
	if lf.qual != nil && chain != nil {
		c := *lf.qual
		q = &c
		qualifiedByPolicy(q, cert, res.Policies, res.Belgian)
	} else if q, err = v.qualification(ctx, chain, at); err != nil {
		res.Errors = append(res.Errors, err)
	}
	res.Qualified = q
	art7(res, chain, v.accepted, v.opts.Accepted != nil)
	if res.KeyType == "" && (q != nil && q.Qualified || res.Accepted) {
		res.KeyType = keys.IDQualifiedCertificate
	}
	res.Valid = len(res.Errors) == 0
	if res.Valid && res.KeyType != "" {
		if k, ok := builtinKeys[res.KeyType]; ok {
			res.Level = k.Level
		}
	}
	if !res.Valid {
		return res, errors.Join(res.Errors...)
	}
	v.cacheResult(ctx, key, at, extra, res)
	return res, nil
}

// Subject common names of the Belgian eID CAs that issue citizen and
// foreigner certificates (card content specification: the Citizen CA or
// Foreigner CA certificate, file 503A).
const (
	belgianCitizenCA   = "Citizen CA"
	belgianForeignerCA = "Foreigner CA"
)

// belgianKind keeps the policy classification k of a leaf only when its
// path proves it: the path ends at a Belgian eID root (its key matches a
// pin of BelgianRoots or Options.ExtraBelgianPins) and, for citizen and
// foreigner certificates, the leaf's issuer is that root's Citizen CA or
// Foreigner CA (the names the card specification gives), for the RRN
// certificate the root itself. Any other CA can write a Belgian policy
// OID into what it issues: that alone makes nothing a Belgian eID.
func (v *Validator) belgianKind(k BelgianKind, chain []*x509.Certificate) BelgianKind {
	if k.Type == NotBelgian || len(chain) < 2 || !v.belgianAnchor(chain[len(chain)-1]) {
		return BelgianKind{}
	}
	switch k.Type {
	case CitizenAuthentication, CitizenSignature:
		if len(chain) == 3 && chain[1].Subject.CommonName == belgianCitizenCA {
			return k
		}
	case ForeignerAuthentication, ForeignerSignature:
		if len(chain) == 3 && chain[1].Subject.CommonName == belgianForeignerCA {
			return k
		}
	case RRN:
		if len(chain) == 2 {
			return k
		}
	}
	return BelgianKind{}
}

// belgianAnchor reports whether c's key is pinned as a Belgian eID root
// (BelgianRootPins, Options.ExtraBelgianPins, or an eid authority of
// Options.Accepted).
func (v *Validator) belgianAnchor(c *x509.Certificate) bool {
	pin := SPKIPin(c)
	for _, r := range BelgianRootPins() {
		if r.SPKISHA256 == pin {
			return true
		}
	}
	for _, p := range v.opts.ExtraBelgianPins {
		if strings.EqualFold(strings.TrimSpace(p), pin) {
			return true
		}
	}
	// An authority of the accepted list marked eid (a test or specimen
	// hierarchy, as Authority.EID says).
	if a, ok := v.accepted[pin]; ok && a.EID {
		return true
	}
	return false
}

// builtinKeys are the built-in key types of package keys, by ID.
var builtinKeys = func() map[keys.ID]keys.KeyType {
	m := map[keys.ID]keys.KeyType{}
	for _, k := range keys.Builtins() {
		m[k.ID] = k
	}
	return m
}()

// keyTypeOf maps a certificate to the key type it stands for (before the
// qualified status is known).
func keyTypeOf(_ *x509.Certificate, k BelgianKind) keys.ID {
	switch {
	case k.Type.Authentication():
		return keys.IDEID
	case k.Type.Signature():
		return keys.IDEIDSignature
	}
	return ""
}

// chain returns a verified path, from the cache when a cached path is
// still within every validity period at at. On a validity error it returns
// the path found at a time inside the leaf's validity with the error.
func (v *Validator) chain(key [32]byte, cert *x509.Certificate, extra []*x509.Certificate, at time.Time) (*pathResult, error) {
	if len(v.rootCerts) == 0 {
		return nil, ErrNoTrust
	}
	if c, ok := v.chains.Get(key); ok && withinValidity(c.chain, at) {
		return c, nil
	}
	fk := sha256.New()
	fk.Write(cert.Raw)
	for _, e := range extra {
		fk.Write(e.Raw)
	}
	c, err, _ := v.chainFlight.Do(string(fk.Sum(nil)), func() (any, error) {
		return v.verify(cert, extra, at)
	})
	pr, _ := c.(*pathResult)
	if pr == nil {
		return nil, err
	}
	return pr, err
}

// verify builds and validates a path with the RFC 5280 engine of
// x509check/path; concurrent calls for one certificate are coalesced by
// chain.
func (v *Validator) verify(cert *x509.Certificate, extra []*x509.Certificate, at time.Time) (*pathResult, error) {
	key := sha256.Sum256(cert.Raw)
	leaf, err := path.FromX509(cert)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrUntrusted, err)
	}
	var ex []*path.Certificate
	for _, c := range extra {
		if p, err := path.FromX509(c); err == nil {
			ex = append(ex, p)
		}
	}
	ctx := context.Background()
	res, err := v.engine.VerifyAt(ctx, at, leaf, ex...)
	if err == nil {
		pr := &pathResult{chain: toX509(res.Chain), pchain: res.Chain, policies: res.Policies}
		if pr.chain == nil {
			return nil, fmt.Errorf("%w: a certificate of the path cannot be read", ErrUntrusted)
		}
		if usesSHA1(res.Chain) {
			v.opts.logger().Warn("x509check: certificate path accepted with SHA-1 signatures (AllowSHA1Signatures)",
				"subject", SubjectString(cert))
		}
		v.chains.Put(key, pr)
		return pr, nil
	}
	var inv *path.InvalidError
	if errors.As(err, &inv) && inv.Cert != nil && (inv.Reason == path.Expired || inv.Reason == path.NotYetValid) {
		// Find the path at a time inside the leaf's validity, to report
		// it.
		var pr *pathResult
		mid := cert.NotBefore.Add(cert.NotAfter.Sub(cert.NotBefore) / 2)
		if r, err2 := v.engine.VerifyAt(ctx, mid, leaf, ex...); err2 == nil {
			pr = &pathResult{chain: toX509(r.Chain), policies: r.Policies}
		}
		if inv.Reason == path.NotYetValid {
			return pr, fmt.Errorf("%w: %q valid from %s, validation time %s", ErrNotYetValid,
				inv.Subject, inv.Cert.NotBefore.UTC().Format(time.RFC3339), at.UTC().Format(time.RFC3339))
		}
		return pr, fmt.Errorf("%w: %q valid until %s, validation time %s", ErrExpired,
			inv.Subject, inv.Cert.NotAfter.UTC().Format(time.RFC3339), at.UTC().Format(time.RFC3339))
	}
	return nil, fmt.Errorf("%w: %w", ErrUntrusted, err)
}

// pathResult is a validated path and its valid policy set.
type pathResult struct {
	chain    []*x509.Certificate
	pchain   []*path.Certificate
	policies []string
}

// toX509 returns the crypto/x509 forms of a path, nil if one is
// unreadable.
func toX509(chain []*path.Certificate) []*x509.Certificate {
	out := make([]*x509.Certificate, len(chain))
	for i, c := range chain {
		x, err := c.ToX509()
		if err != nil {
			return nil
		}
		out[i] = x
	}
	return out
}

// usesSHA1 reports whether a certificate of the path is signed with
// SHA-1.
func usesSHA1(chain []*path.Certificate) bool {
	for _, c := range chain[:len(chain)-1] {
		if c.X509 != nil && c.X509.SignatureAlgorithm == x509.SHA1WithRSA {
			return true
		}
	}
	return false
}

func withinValidity(chain []*x509.Certificate, at time.Time) bool {
	for _, c := range chain {
		if at.Before(c.NotBefore) || at.After(c.NotAfter) {
			return false
		}
	}
	return true
}

// checkUsage enforces the key usage bits of the intended usage (crypto/x509
// does not). The KeyUsage extension must be present for auth and sign.
func checkUsage(c *x509.Certificate, u Usage, k BelgianKind) error {
	switch u {
	case UsageAuthentication:
		if c.KeyUsage&x509.KeyUsageDigitalSignature == 0 {
			return fmt.Errorf("%w: authentication needs the digitalSignature key usage", ErrWrongUsage)
		}
		if k.Type.Signature() || k.Type == RRN {
			return fmt.Errorf("%w: a Belgian eID %s certificate is not for authentication", ErrWrongUsage, k.Type)
		}
	case UsageSignature:
		if c.KeyUsage&x509.KeyUsageContentCommitment == 0 {
			return fmt.Errorf("%w: signature needs the nonRepudiation key usage", ErrWrongUsage)
		}
		if k.Type.Authentication() || k.Type == RRN {
			return fmt.Errorf("%w: a Belgian eID %s certificate is not for signatures", ErrWrongUsage, k.Type)
		}
	}
	return nil
}

// leafFacts are what a leaf certificate says of itself, computed once.
type leafFacts struct {
	kind BelgianKind
	qual *Qualified // nil when a QualificationSource decides
}

// subjectCache keeps the string form of subjects (costly to build).
type subjectCache struct {
	mu  sync.RWMutex
	max int
	m   map[string]string
}

func (s *subjectCache) of(c *x509.Certificate) string {
	s.mu.RLock()
	n, ok := s.m[string(c.RawSubject)]
	s.mu.RUnlock()
	if ok {
		return n
	}
	n = SubjectString(c)
	if s.max > 0 {
		s.mu.Lock()
		if len(s.m) >= s.max {
			clear(s.m)
		}
		s.m[string(c.RawSubject)] = n
		s.mu.Unlock()
	}
	return n
}
