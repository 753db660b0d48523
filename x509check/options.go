package x509check

import (
	"context"
	"crypto/x509"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/csam-go/csam/x509check/crl"
	"github.com/csam-go/csam/x509check/ocsp"
)

// Usage is what the certificate is about to be used for.
// The zero value is UsageAny.
type Usage uint8

const (
	// UsageAny accepts any key usage.
	UsageAny Usage = iota
	// UsageAuthentication requires the digitalSignature key usage bit
	// (the eID authentication certificate) and clientAuth on the path:
	// every certificate of the path that carries an extended key usage
	// extension must list id-kp-clientAuth or anyExtendedKeyUsage (one
	// without the extension allows every usage, RFC 5280 section
	// 4.2.1.12). This is the usage for TLS client authentication; with
	// StrictExtKeyUsage the leaf must carry the extension too.
	UsageAuthentication
	// UsageSignature requires the nonRepudiation (contentCommitment) key
	// usage bit (the eID signature certificate) and, on the path, extended
	// key usages that allow signing documents: absent,
	// anyExtendedKeyUsage, emailProtection, id-kp-documentSigning (RFC
	// 9336), Microsoft Document Signing or Adobe Authentic Documents
	// Trust. codeSigning, serverAuth, timeStamping or OCSPSigning alone
	// are refused.
	UsageSignature
)

// ParseUsage parses "any", "auth" (or "authentication") and "sign" (or
// "signature"); any other name is an error (not a sentinel: a caller's
// mistake, reported as such).
func ParseUsage(s string) (Usage, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "any":
		return UsageAny, nil
	case "auth", "authentication":
		return UsageAuthentication, nil
	case "sign", "signature":
		return UsageSignature, nil
	}
	return 0, fmt.Errorf("x509check: unknown usage %q (want auth, sign or any)", s)
}

// String returns "any", "auth" or "sign".
func (u Usage) String() string {
	switch u {
	case UsageAuthentication:
		return "auth"
	case UsageSignature:
		return "sign"
	}
	return "any"
}

// RevocationPolicy says which revocation sources to consult, in which
// order. The zero value is OCSPFirst.
type RevocationPolicy uint8

const (
	// OCSPFirst asks OCSP and falls back to CRLs when OCSP gives no answer.
	OCSPFirst RevocationPolicy = iota
	// CRLFirst consults CRLs and falls back to OCSP.
	CRLFirst
	// OCSPOnly consults OCSP only.
	OCSPOnly
	// CRLOnly consults CRLs only.
	CRLOnly
	// NoRevocation checks no revocation: the status is "not-checked".
	NoRevocation
)

var policyNames = [...]string{"ocsp-first", "crl-first", "ocsp", "crl", "none"}

// String returns "ocsp-first", "crl-first", "ocsp", "crl" or "none".
func (p RevocationPolicy) String() string {
	if int(p) < len(policyNames) {
		return policyNames[p]
	}
	return fmt.Sprintf("policy(%d)", uint8(p))
}

// ParseRevocationPolicy parses a name as String returns it; any other name
// is an error (not a sentinel, as for ParseUsage).
func ParseRevocationPolicy(s string) (RevocationPolicy, error) {
	t := strings.ToLower(strings.TrimSpace(s))
	if t == "" {
		return OCSPFirst, nil
	}
	for i, n := range policyNames {
		if n == t {
			return RevocationPolicy(i), nil
		}
	}
	return 0, fmt.Errorf("x509check: unknown revocation policy %q (want ocsp-first, crl-first, ocsp, crl or none)", s)
}

// Doer sends HTTP requests; *http.Client implements it. It is crl.Doer
// and ocsp.Doer: one interface for every fetch.
type Doer = crl.Doer

// CRLChecker checks one certificate against the CRLs of its issuer. The
// validator calls it with the issuer already validated. It returns the
// status it found and one Source for every CRL consulted; an error means
// no decision (the next source, or the soft/hard-fail policy, applies).
// Package x509check/crl provides the implementation used by default.
type CRLChecker interface {
	CheckCRL(ctx context.Context, cert, issuer *x509.Certificate, at time.Time) (Status, []Source, error)
}

// OCSPChecker answers OCSP queries about one certificate (q.Cert, issued
// by q.Issuer, already validated) with a response that passed every check
// of RFC 6960; an error means no decision (the next source, or the
// soft/hard-fail policy, applies). The validator checks the revocation of
// a delegated responder without id-pkix-ocsp-nocheck itself (by CRL).
// *ocsp.Checker implements it and is used by default.
type OCSPChecker interface {
	Check(ctx context.Context, q ocsp.Query) (*ocsp.Response, error)
}

// QualificationSource decides whether a validated certificate is
// qualified. The default reads the certificate's QCStatements and
// policies; a trusted-list source (x509check/tl) can override it.
// chain is leaf first and ends with the trust anchor.
type QualificationSource interface {
	Qualification(ctx context.Context, chain []*x509.Certificate, at time.Time) (*Qualified, error)
}

// Options configure a Validator. Every zero value is a documented default.
type Options struct {
	// Roots are trusted anchors. LoadCertificates and LoadCertificatesFS
	// read them from files, folders or an fs.FS. With neither Roots nor
	// BelgianRoots, validation fails with ErrNoTrust (the system pool is
	// never used implicitly).
	Roots []*x509.Certificate
	// BelgianRoots are Belgian eID roots, such as BelgianRoots() returns
	// (the five that ship with the package) or a folder of them read with
	// LoadCertificates: a self-signed certificate here is trusted only if
	// its public key matches a Belgian pin (see BelgianRootPins), and one
	// that matches none fails NewValidator with ErrPinMismatch; the others
	// (a Citizen or Foreigner CA kept beside the roots) serve as
	// intermediates.
	BelgianRoots []*x509.Certificate

	// ExtraBelgianPins are SPKI SHA-256 pins (hexadecimal, as SPKIPin
	// gives them) of further roots whose paths may be classified as
	// Belgian eID (a test or acceptance PKI). A certificate is reported
	// as a Belgian eID (Result.Belgian, key types eid and eid-signature)
	// only when its path ends at a root pinned by BelgianRootPins or here,
	// through a CA named "Citizen CA" or "Foreigner CA". Production
	// leaves it empty.
	ExtraBelgianPins []string

	// Intermediates are untrusted certificates that may complete a path.
	// Certificates passed to Validate besides the leaf are added too.
	Intermediates []*x509.Certificate

	// CurrentTime is the validation time; zero means time.Now() at each
	// validation.
	CurrentTime time.Time

	// Usage is the intended usage; zero is UsageAny (no key usage or
	// extended key usage check).
	Usage Usage
	// StrictExtKeyUsage, with UsageAuthentication or UsageSignature,
	// requires the leaf to carry an extended key usage extension allowing
	// the usage (a TLS client-auth deployment may want clientAuth stated,
	// not implied by its absence). Zero (false) accepts a leaf without
	// the extension, as Belgian eID leaf certificates are.
	StrictExtKeyUsage bool

	// Revocation is the revocation policy; zero is OCSPFirst.
	Revocation RevocationPolicy
	// SoftFail accepts a certificate whose revocation status cannot be
	// determined (no source answered). Zero (false) is hard fail. It never
	// accepts a revoked or suspended answer, nor an unknown one (unless
	// Tuning.UnknownTryNext).
	SoftFail bool
	// Offline forbids every network fetch of the default OCSP and CRL
	// checkers: only stapled responses (WithOCSPResponses) are used.
	Offline bool
	// HTTP sends the default checkers' OCSP and CRL requests. Nil means an
	// http.Client that does not follow redirects.
	HTTP Doer

	// OCSP answers OCSP queries. Nil means an ocsp.Checker with this
	// validator's HTTP, Offline, Tuning and AllowSHA1Signatures. Give one built with ocsp.NewChecker
	// for provided responses, a nonce, a responder address replacing the
	// leaf's, or another CertID hash; its own options then apply.
	OCSP OCSPChecker
	// CRL checks CRLs. Nil means NewCRLChecker with this validator's HTTP,
	// Offline, ClockSkew and MaxAge (CRLs fetched from the certificates'
	// distribution points).
	CRL CRLChecker
	// Qualification decides the qualified status. Nil means the
	// certificate's own QCStatements and policies.
	Qualification QualificationSource

	// Accepted is art. 7's published list of certification authorities and
	// accepted certificate types (see AcceptedList). With a list, a
	// certificate of an accepted type is Result.Accepted, and a qualified
	// certificate from an authority on neither list is Result.Unlisted (art.
	// 7's request procedure). Nil means no list: qualified certificates are
	// taken from any trusted authority and no other type is accepted. Belgian
	// eID certificates under the Belgian eID roots are recognised either way
	// (Result.EID).
	Accepted *AcceptedList

	// Policy holds the initial certificate policy inputs of RFC 5280
	// section 6.1.1; the zero value accepts any policy (or none).
	Policy PolicyOptions

	// AllowSHA1Signatures accepts, on the certificate path, signatures made
	// with SHA-1 and RSA (sha1WithRSAEncryption), which crypto/x509 refuses:
	// Belgian eID cards and CAs of the Root CA2 era (certificates issued up
	// to about 2014) are signed so. SHA-1 is broken (chosen-prefix
	// collisions make forged certificates feasible): turn this on only to
	// read such old cards or to check archived signatures at a past time,
	// with pinned roots. The zero value, false, reports such paths as
	// ErrUntrusted. The path is then built and checked by this package
	// (issuer name and key identifiers, signatures, validity, CA basic
	// constraints with path length, keyCertSign, no unhandled critical
	// extension, no name constraints but directoryName ones, which are
	// enforced, and certificate policies with requireExplicitPolicy and
	// inhibitAnyPolicy as on the main path; no policy mappings), at most
	// 100 signature checks per search as crypto/x509 does, from Roots and
	// BelgianRoots, with Intermediates and the extra certificates given to
	// Validate. It also accepts SHA-1 signatures on OCSP responses and
	// CRLs, which are refused ("bad-signature") by default (a delegated
	// OCSP responder certificate signed with SHA-1 is refused either way,
	// by crypto/x509).
	AllowSHA1Signatures bool

	// Tuning holds the bounds and tolerances rarely changed; its zero
	// value is the documented defaults.
	Tuning Tuning

	// Logger receives diagnostics (a soft-failed revocation check, a path
	// accepted with SHA-1 signatures). Nil means silence: nothing is
	// logged unless the caller gives a logger (a hostile peer must not
	// control the volume of the process's default log).
	Logger *slog.Logger
}

// Tuning are the validator's rarely changed bounds and tolerances. Every
// zero value is a documented default.
type Tuning struct {
	// ClockSkew is the tolerance applied to thisUpdate (not in the future)
	// and nextUpdate (not in the past) of OCSP responses and CRLs. Zero
	// means 5 minutes; negative means none.
	ClockSkew time.Duration
	// MaxAge bounds the age (since thisUpdate) of an OCSP response or CRL
	// without nextUpdate. Zero means 24 hours.
	MaxAge time.Duration
	// RequestTimeout bounds each request of the default checkers, OCSP and
	// CRL alike (through its context; it is also the default CRL checker's
	// download bound). Zero means 10 seconds.
	RequestTimeout time.Duration
	// ValidationTimeout bounds a whole Validate call (on top of the
	// caller's deadline): a revocation source still pending then counts as
	// not answering ("timeout"). The certificates of the path are checked
	// concurrently, so a path whose sources never answer costs about two
	// RequestTimeouts (OCSP then CRL), not two per certificate. Zero means
	// three RequestTimeouts (OCSP, CRL, and the CRL of a delegated OCSP
	// responder): 30 seconds by default; negative means none.
	ValidationTimeout time.Duration
	// CacheSize bounds the number of cached chains and results (and OCSP
	// answers of the default OCSP checker). Zero means 4096; negative
	// disables caching.
	CacheSize int
	// UnknownTryNext treats an OCSP "unknown" answer as no answer: the
	// next source is consulted, and SoftFail applies when none decides.
	// Zero (false): "unknown" is a failure (even with SoftFail, since the
	// responder did answer).
	UnknownTryNext bool
}

// PolicyOptions are the initial policy inputs of path validation (RFC 5280
// section 6.1.1 c, e, f, g). The zero value accepts any policy, and paths
// that assert none (unless a CA certificate requires an explicit policy).
type PolicyOptions struct {
	// Set is the user-initial-policy-set, dotted OIDs ("0.4.0.194112.1.2");
	// empty means anyPolicy.
	Set []string
	// Explicit (initial-explicit-policy) requires the path to be valid
	// for at least one policy of Set.
	Explicit bool
	// InhibitMapping (initial-policy-mapping-inhibit) refuses policy
	// mappings.
	InhibitMapping bool
	// InhibitAny (initial-any-policy-inhibit): anyPolicy in a certificate
	// matches no policy.
	InhibitAny bool
}

func (o *Options) maxAge() time.Duration {
	if o.Tuning.MaxAge <= 0 {
		return 24 * time.Hour
	}
	return o.Tuning.MaxAge
}

func (o *Options) timeout() time.Duration {
	if o.Tuning.RequestTimeout <= 0 {
		return 10 * time.Second
	}
	return o.Tuning.RequestTimeout
}

func (o *Options) validationTimeout() time.Duration {
	if o.Tuning.ValidationTimeout == 0 {
		return 3 * o.timeout()
	}
	return o.Tuning.ValidationTimeout
}

func (o *Options) cacheSize() int {
	if o.Tuning.CacheSize == 0 {
		return 4096
	}
	return o.Tuning.CacheSize
}

func (o *Options) now() time.Time {
	if o.CurrentTime.IsZero() {
		return time.Now()
	}
	return o.CurrentTime
}

func (o *Options) logger() *slog.Logger {
	if o.Logger == nil {
		return discard
	}
	return o.Logger
}

var discard = slog.New(slog.DiscardHandler)
