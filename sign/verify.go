package sign

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/subtle"
	"crypto/x509"
	"encoding/asn1"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/csam-go/csam/internal/sigalg"
	"github.com/csam-go/csam/x509check"
	"github.com/csam-go/csam/x509check/tl"
	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// DefaultMaxSize bounds a signature (with an enveloped content) when
// VerifyOptions.MaxSize is zero.
const DefaultMaxSize = 16 << 20

// VerifyOptions configure a Verifier. Every zero value is a documented
// default.
type VerifyOptions struct {
	// Validation configures the validation of the signer's certificate
	// (trust anchors, intermediates, revocation policy, soft fail, trusted
	// list, offline responses, ...), as for cmd/certcheck. Its
	// CurrentTime is the verification time (zero: now).
	Validation x509check.Options
	// TSARoots are the trust anchors of time-stamping authorities. A
	// timestamp whose TSA certificate chains to none of them, and that no
	// QTST service of TrustedList identifies, fails with code "bad-timestamp".
	TSARoots []*x509.Certificate
	// TrustedList, when set, says whether a timestamp's TSA is a qualified
	// time-stamping service (QTST) granted at the timestamp's time; such a
	// TSA is trusted even without TSARoots.
	TrustedList *tl.List
	// TrustClaimedTime takes the signing-time attribute as proven when no
	// timestamp is present (for a service that receives signatures as they
	// are made and checks them at once). Zero (false): the claimed time
	// serves for the path and qualification checks, but a signer
	// certificate revoked at the verification time is refused whatever
	// the claimed time, since a signer can backdate it.
	TrustClaimedTime bool
	// ClockSkew is the tolerance for a claimed signing time after the
	// verification time or the timestamp. Zero means 5 minutes.
	ClockSkew time.Duration
	// MaxSize bounds the signature's size; zero means DefaultMaxSize.
	MaxSize int
}

// Verifier verifies CMS signatures with fixed options. It keeps the
// caches of its certificate validators and of parsed certificates; it is
// safe for concurrent use.
type Verifier struct {
	opts      VerifyOptions
	atSigning *x509check.Validator // revocation off, used at the signing time
	current   *x509check.Validator // revocation per the options, at the verification time
	tsaRoots  *x509.CertPool

	mu       sync.Mutex
	certs    map[string]parsedCert // by DER
	tsaPaths map[string]tsaPath    // verifyTSA
}

// parsedCert is a certificate and what Verify needs of it on every
// signature, computed once.
type parsedCert struct {
	cert    *x509.Certificate
	subject string
	kind    x509check.BelgianKind // ClassifyBelgian
	sha256  [32]byte              // of the DER, for signing-certificate-v2
}

// NewVerifier prepares the certificate validators. Its errors are
// x509check's (unreadable roots, pins).
func NewVerifier(o VerifyOptions) (*Verifier, error) {
	at := o.Validation
	at.Revocation = x509check.NoRevocation
	va, err := x509check.NewValidator(at)
	if err != nil {
		return nil, err
	}
	cur := o.Validation
	cur.Usage = x509check.UsageAny
	vc, err := x509check.NewValidator(cur)
	if err != nil {
		return nil, err
	}
	v := &Verifier{opts: o, atSigning: va, current: vc, certs: map[string]parsedCert{}, tsaPaths: map[string]tsaPath{}}
	if len(o.TSARoots) > 0 {
		v.tsaRoots = x509.NewCertPool()
		for _, c := range o.TSARoots {
			v.tsaRoots.AddCert(c)
		}
	}
	return v, nil
}

// Verdict is what a verified signature is worth (Regulation (EU) No
// 910/2014 art. 3 and 26). The zero value is NotValid.
type Verdict uint8

const (
	// NotValid: the signature or the signer's certificate failed a check.
	NotValid Verdict = iota
	// Advanced: a valid signature whose certificate is not qualified.
	Advanced
	// AdvancedQC: an advanced signature based on a qualified certificate,
	// the key not (known to be) in a qualified signature creation device.
	AdvancedQC
	// Qualified: a qualified electronic signature (qualified certificate
	// for electronic signatures, key in a QSCD).
	Qualified
)

// String returns "not-valid", "advanced", "advanced-qc" or "qualified".
func (v Verdict) String() string {
	switch v {
	case Advanced:
		return "advanced"
	case AdvancedQC:
		return "advanced-qc"
	case Qualified:
		return "qualified"
	}
	return "not-valid"
}

// MarshalText implements encoding.TextMarshaler.
func (v Verdict) MarshalText() ([]byte, error) { return []byte(v.String()), nil }

// Time sources of Result.TimeSource.
const (
	TimeFromTimestamp    = "timestamp"
	TimeClaimed          = "claimed"
	TimeFromVerification = "verification"
)

// Result is the outcome of a verification.
type Result struct {
	// Valid is true when every check passed; Verdict then says how much
	// the signature is worth, and Reasons why.
	Valid   bool     `json:"valid"`
	Verdict Verdict  `json:"verdict"`
	Reasons []string `json:"reasons,omitempty"`
	// Signer is the signer's certificate, Certificates every certificate
	// the signature carries.
	Signer       *x509.Certificate   `json:"-"`
	Certificates []*x509.Certificate `json:"-"`
	// SignerSubject is the signer's subject (RFC 4514 order).
	SignerSubject string `json:"signer,omitempty"`
	// Content is the signed content (enveloped, or as given).
	Content []byte `json:"-"`
	// Hash and Digest are the digest algorithm and the content's digest.
	Hash   crypto.Hash `json:"-"`
	Digest []byte      `json:"digest,omitempty"`
	// ClaimedTime is the signing-time attribute (zero when absent).
	ClaimedTime time.Time `json:"claimed_time,omitzero"`
	// SigningTime is the time the certificate was checked at, and
	// TimeSource where it comes from (TimeFromTimestamp, TimeClaimed,
	// TimeFromVerification).
	SigningTime time.Time `json:"signing_time,omitzero"`
	TimeSource  string    `json:"time_source,omitempty"`
	// Timestamp is the verified signature timestamp, if any.
	Timestamp *Timestamp `json:"timestamp,omitempty"`
	// Certificate is the validation of the signer's certificate at the
	// signing time (revocation not checked there).
	Certificate *x509check.Result `json:"-"`
	// Revocation is the signer certificate's revocation status at the
	// verification time, RevokedAt its revocation time when revoked after
	// the signing time (the signature is then still valid, and Reasons
	// says so).
	Revocation x509check.Status   `json:"revocation"`
	RevokedAt  time.Time          `json:"revoked_at,omitzero"`
	Sources    []x509check.Source `json:"revocation_sources,omitempty"`
	// Errors lists every failed check; each wraps a sentinel.
	Errors []error `json:"-"`
}

// Verify verifies a CMS signature: content is the signed content for a
// detached signature (nil for an enveloping one). It checks the structure,
// the signed attributes (content type, message digest, signing-certificate
// v1 or v2), the signature value, a signature timestamp when present, and
// the signer's certificate with x509check at the signing time: the
// timestamp's time when there is one, else the claimed signing time
// (checked not to be after the verification time), else the verification
// time. Revocation is checked with the information current at the
// verification time: a certificate revoked at or before the signing time
// is refused (*RevokedError), one revoked after it is accepted with the
// revocation in Reasons; without a timestamp (and TrustClaimedTime off)
// any revocation refuses the signature, since the claimed time proves
// nothing.
//
// A Belgian eID authentication certificate's signature is refused with
// "authentication-key". The Result is always returned; the error joins
// Result.Errors.
func (v *Verifier) Verify(ctx context.Context, signature, content []byte) (*Result, error) {
	res := &Result{}
	fail := func(err error) (*Result, error) {
		res.Errors = append(res.Errors, err)
		res.Valid, res.Verdict = false, NotValid
		return res, errors.Join(res.Errors...)
	}
	max := v.opts.MaxSize
	if max <= 0 {
		max = DefaultMaxSize
	}
	if len(signature) > max {
		return fail(errorf(errMalformed, "signature of %d bytes exceeds %d", len(signature), max))
	}
	sd, err := parseSignedData(signature)
	if err != nil {
		// A streamed (BER) encoding, re-encoded in DER.
		if d, ok := berToDER(signature); ok {
			sd, err = parseSignedData(d)
		}
		if err != nil {
			return fail(err)
		}
	}
	ck, err := v.checkSignedData(sd, content)
	if ck != nil {
		res.Signer, res.Certificates, res.Content, res.Hash, res.Digest = ck.signer, ck.certs, ck.content, ck.hash, ck.digest
		res.ClaimedTime = ck.claimed
		res.SignerSubject = ck.subject
	}
	if err != nil {
		return fail(err)
	}
	if !sd.contentType.Equal(oidData) {
		return fail(errorf(errAttribute, "content type %v is not id-data", sd.contentType))
	}
	if k := ck.parsed.kind; k.Type.Authentication() {
		return fail(errorf(errAuthenticationKey, "signed with the %s certificate %q", k.Type, res.SignerSubject))
	}
	now := v.opts.Validation.CurrentTime
	if now.IsZero() {
		now = time.Now()
	}
	skew := v.opts.ClockSkew
	if skew == 0 {
		skew = 5 * time.Minute
	}
	tok, hasTS, err := single(sd.signer.unsigned, oidTimeStampAttr)
	if err != nil {
		return fail(err)
	}
	if hasTS {
		imprint := sha256.Sum256(sd.signer.signature)
		ts, err := v.verifyToken(tok, func(h crypto.Hash) []byte {
			if h == crypto.SHA256 {
				return imprint[:]
			}
			d := h.New()
			d.Write(sd.signer.signature)
			return d.Sum(nil)
		})
		if err != nil {
			return fail(err)
		}
		res.Timestamp = ts
		res.SigningTime, res.TimeSource = ts.Time, TimeFromTimestamp
		if !ck.claimed.IsZero() && ck.claimed.After(ts.Time.Add(skew)) {
			return fail(errorf(errFutureSigningTime, "claimed %s, timestamp %s", ck.claimed.UTC().Format(time.RFC3339), ts.Time.UTC().Format(time.RFC3339)))
		}
	} else if !ck.claimed.IsZero() {
		res.SigningTime, res.TimeSource = ck.claimed, TimeClaimed
	} else {
		res.SigningTime, res.TimeSource = now, TimeFromVerification
	}
	if res.SigningTime.After(now.Add(skew)) {
		return fail(errorf(errFutureSigningTime, "signing time %s, verification time %s", res.SigningTime.UTC().Format(time.RFC3339), now.UTC().Format(time.RFC3339)))
	}

	cr, err := v.atSigning.ValidateAt(ctx, res.SigningTime, ck.signer, ck.certs...)
	res.Certificate = cr
	if err != nil {
		return fail(fmt.Errorf("%w: %w", errCertificate, err))
	}
	if err := v.revocation(ctx, res, ck); err != nil {
		return fail(err)
	}
	res.Valid = true
	res.Verdict, res.Reasons = verdict(cr.Qualified, res.Reasons)
	return res, nil
}

// revocation checks the signer certificate's revocation at the
// verification time and compares a revocation with the signing time.
func (v *Verifier) revocation(ctx context.Context, res *Result, ck *checked) error {
	if v.opts.Validation.Revocation == x509check.NoRevocation {
		res.Revocation = x509check.StatusNotChecked
		res.Reasons = append(res.Reasons, "revocation not checked (policy none)")
		return nil
	}
	cur, err := v.current.Validate(ctx, ck.signer, ck.certs...)
	res.Revocation, res.Sources = cur.Revocation, cur.Sources
	if err == nil {
		return nil
	}
	var rev *x509check.RevokedError
	if errors.As(err, &rev) && len(cur.Errors) == 1 {
		trusted := res.TimeSource == TimeFromTimestamp || (res.TimeSource == TimeClaimed && v.opts.TrustClaimedTime)
		if trusted && rev.At.After(res.SigningTime) {
			res.RevokedAt = rev.At
			res.Reasons = append(res.Reasons, fmt.Sprintf("the signer certificate was revoked at %s (%s), after the signing time %s (%s): the signature stays valid",
				rev.At.UTC().Format(time.RFC3339), rev.Reason, res.SigningTime.UTC().Format(time.RFC3339), res.TimeSource))
			return nil
		}
		src := res.TimeSource
		if !trusted {
			src += ", not proven"
		}
		return fmt.Errorf("%w: %w", &RevokedError{Subject: rev.Subject, RevokedAt: rev.At, SigningTime: res.SigningTime, TimeSource: src}, err)
	}
	if errors.Is(err, x509check.ErrExpired) {
		// An expired certificate's current status is not published any
		// more: without revocation data kept with the signature (CAdES-LT,
		// not made here) it cannot be decided. The journal keeps the
		// verdict given when the message was received.
		err = fmt.Errorf("the signer certificate has expired at the verification time, so its revocation status can no longer be checked: %w", err)
	}
	if v.opts.Validation.SoftFail {
		res.Reasons = append(res.Reasons, "revocation status undetermined at the verification time (accepted: soft fail): "+err.Error())
		return nil
	}
	return fmt.Errorf("%w: %w", errRevocationUnavailable, err)
}

// verdict grades a valid signature by its certificate's qualified status
// at the signing time.
func verdict(q *x509check.Qualified, reasons []string) (Verdict, []string) {
	if q == nil || !q.Qualified {
		why := "the signer certificate is not qualified"
		if q != nil && q.Detail != "" {
			why += ": " + q.Detail
		}
		return Advanced, append(reasons, why)
	}
	esig, qscd, src := hasType(q.Types, "esign"), q.SSCD, "the certificate's QCStatements"
	if q.TrustedList != nil {
		a := q.TrustedList.AtValidation
		esig, qscd, src = a.Qualified && string(a.Type) == "esig", a.QSCD, "the trusted list ("+a.String()+")"
	}
	switch {
	case esig && qscd:
		return Qualified, append(reasons, "qualified certificate for electronic signatures with the key in a QSCD, per "+src)
	case !esig:
		return AdvancedQC, append(reasons, "the certificate is qualified but not for electronic signatures, per "+src)
	}
	return AdvancedQC, append(reasons, "qualified certificate without a QSCD for the key, per "+src)
}

func hasType(types []string, t string) bool {
	for _, x := range types {
		if x == t {
			return true
		}
	}
	return len(types) == 0
}

// checked is what the cryptographic check of a SignedData found.
type checked struct {
	signer  *x509.Certificate
	subject string
	parsed  parsedCert // the signer's
	certs   []*x509.Certificate
	content []byte
	hash    crypto.Hash
	digest  []byte
	claimed time.Time
}

// checkSignedData checks the signed attributes and the signature value of
// sd's signer over content (nil: the enveloped content).
func (v *Verifier) checkSignedData(sd *signedData, content []byte) (*checked, error) {
	ck := &checked{}
	switch {
	case sd.hasContent && content != nil && !bytes.Equal(content, sd.content):
		return nil, errorf(errNoContent, "the content given is not the content the signature envelopes")
	case sd.hasContent:
		ck.content = sd.content
	case content == nil:
		return nil, errorf(errNoContent, "detached signature: the signed content is needed")
	default:
		ck.content = content
	}
	si := &sd.signer
	ck.certs = make([]*x509.Certificate, 0, len(sd.certificates))
	for _, raw := range sd.certificates {
		pc, err := v.parseCert(raw)
		if err != nil {
			return nil, errorf(errMalformed, "certificate: %v", err)
		}
		ck.certs = append(ck.certs, pc.cert)
		if ck.signer == nil && si.matches(pc.cert) {
			ck.signer, ck.subject, ck.parsed = pc.cert, pc.subject, pc
		}
	}
	if ck.signer == nil {
		return nil, errorf(errNoSigner, "no certificate matches the signer identifier")
	}
	ck.hash = sigalg.Hash(si.digestAlg)
	if ck.hash == 0 || ck.hash == crypto.SHA1 {
		return ck, errorf(errUnsupported, "digest algorithm %v", si.digestAlg)
	}
	d := ck.hash.New()
	d.Write(ck.content)
	ck.digest = d.Sum(nil)
	signed := ck.content
	if si.signedAttrs != nil {
		if err := checkAttributes(si, sd.contentType, ck); err != nil {
			return ck, err
		}
		signed = si.signedAttrsDER()
	} else if !sd.contentType.Equal(oidData) {
		return ck, errorf(errAttribute, "content type %v without signed attributes", sd.contentType)
	}
	if si.sigAlg.Equal(sigalg.RSAPSS) {
		return ck, checkPSS(ck.signer.PublicKey, si.sigParams, signed, si.signature)
	}
	if err := checkAlgorithm(ck.signer.PublicKey, si.sigAlg, ck.hash); err != nil {
		return ck, err
	}
	return ck, checkSignatureValue(ck.signer.PublicKey, ck.hash, signed, si.signature)
}

// checkAttributes checks the signed attributes RFC 5652 5.3 requires and
// the signing certificate reference when present.
func checkAttributes(si *signerInfo, contentType asn1.ObjectIdentifier, ck *checked) error {
	ct, ok, err := single(si.signed, oidContentType)
	if err != nil {
		return err
	}
	var got asn1.ObjectIdentifier
	if s := cryptobyte.String(ct); !ok || !readOID(&s, &got) || !got.Equal(contentType) {
		return errorf(errAttribute, "content-type attribute missing or not %v", contentType)
	}
	md, ok, err := single(si.signed, oidMessageDigest)
	if err != nil {
		return err
	}
	var want cryptobyte.String
	if s := cryptobyte.String(md); !ok || !s.ReadASN1(&want, cbasn1.OCTET_STRING) {
		return errorf(errAttribute, "message-digest attribute missing")
	}
	if subtle.ConstantTimeCompare(want, ck.digest) != 1 {
		return errorf(errDigestMismatch, "the content's %v digest is %x, the signature covers %x", ck.hash, ck.digest, []byte(want))
	}
	if st, ok, err := single(si.signed, oidSigningTime); err != nil {
		return err
	} else if ok {
		if ck.claimed, err = parseTime(st); err != nil {
			return err
		}
	}
	if v2, ok, err := single(si.signed, oidSigningCertV2); err != nil {
		return err
	} else if ok {
		return checkSigningCert(v2, ck.parsed, true)
	}
	if v1, ok, err := single(si.signed, oidSigningCert); err != nil {
		return err
	} else if ok {
		return checkSigningCert(v1, ck.parsed, false)
	}
	return nil
}

// checkSigningCert checks that the first ESSCertID(v2) of a
// SigningCertificate(V2) attribute designates the certificate pc (RFC
// 5035).
func checkSigningCert(val []byte, pc parsedCert, v2 bool) error {
	cert := pc.cert
	s := cryptobyte.String(val)
	var sc, ids, id cryptobyte.String
	if !s.ReadASN1(&sc, cbasn1.SEQUENCE) || !sc.ReadASN1(&ids, cbasn1.SEQUENCE) || !ids.ReadASN1(&id, cbasn1.SEQUENCE) {
		return errorf(errAttribute, "malformed signing-certificate attribute")
	}
	h := crypto.SHA1
	if v2 {
		h = crypto.SHA256
		if id.PeekASN1Tag(cbasn1.SEQUENCE) {
			oid, err := readAlgorithm(&id)
			if err != nil {
				return err
			}
			if h = sigalg.Hash(oid); h == 0 {
				return errorf(errUnsupported, "signing-certificate hash %v", oid)
			}
		}
	}
	var sum cryptobyte.String
	if !id.ReadASN1(&sum, cbasn1.OCTET_STRING) {
		return errorf(errAttribute, "malformed ESSCertID")
	}
	var got []byte
	switch h {
	case crypto.SHA256:
		got = pc.sha256[:]
	case crypto.SHA1:
		s := sha1.Sum(cert.Raw)
		got = s[:]
	default:
		d := h.New()
		d.Write(cert.Raw)
		got = d.Sum(nil)
	}
	if !bytes.Equal(got, sum) {
		return errorf(errAttribute, "the signing-certificate attribute designates another certificate than %q", x509check.SubjectString(cert))
	}
	return nil
}

// checkAlgorithm checks that the signature algorithm fits the key.
func checkAlgorithm(pub any, alg asn1.ObjectIdentifier, h crypto.Hash) error {
	switch pub.(type) {
	case *rsa.PublicKey:
		for _, o := range []asn1.ObjectIdentifier{sigalg.RSA, sigalg.SHA256RSA, sigalg.SHA384RSA, sigalg.SHA512RSA} {
			if alg.Equal(o) {
				return nil
			}
		}
	case *ecdsa.PublicKey:
		for _, o := range []asn1.ObjectIdentifier{sigalg.ECPublicKey, sigalg.ECDSASHA256, sigalg.ECDSASHA384, sigalg.ECDSASHA512} {
			if alg.Equal(o) {
				return nil
			}
		}
	case ed25519.PublicKey:
		if alg.Equal(sigalg.Ed25519) && h == crypto.SHA512 {
			return nil
		}
	}
	return errorf(errUnsupported, "signature algorithm %v with a %T", alg, pub)
}

// checkSignatureValue verifies sig over data with pub.
func checkSignatureValue(pub any, h crypto.Hash, data, sig []byte) error {
	d := h.New()
	d.Write(data)
	sum := d.Sum(nil)
	ok := false
	switch k := pub.(type) {
	case *rsa.PublicKey:
		ok = rsa.VerifyPKCS1v15(k, h, sum, sig) == nil
	case *ecdsa.PublicKey:
		ok = ecdsa.VerifyASN1(k, sum, sig)
	case ed25519.PublicKey:
		ok = ed25519.Verify(k, data, sig)
	}
	if !ok {
		return errorf(errBadSignature, "the %v signature value does not verify with the signer's key", h)
	}
	return nil
}

// checkPSS verifies an RSASSA-PSS signature value over data.
func checkPSS(pub any, params, data, sig []byte) error {
	k, ok := pub.(*rsa.PublicKey)
	if !ok {
		return errorf(errUnsupported, "RSASSA-PSS with a %T", pub)
	}
	o, err := pssOptions(params)
	if err != nil {
		return err
	}
	d := o.Hash.New()
	d.Write(data)
	if rsa.VerifyPSS(k, o.Hash, d.Sum(nil), sig, o) != nil {
		return errorf(errBadSignature, "the RSASSA-PSS %v signature value does not verify with the signer's key", o.Hash)
	}
	return nil
}

const certCacheMax = 4096

// parseCert parses a certificate, from the cache when seen before.
func (v *Verifier) parseCert(raw []byte) (parsedCert, error) {
	v.mu.Lock()
	pc, ok := v.certs[string(raw)]
	v.mu.Unlock()
	if ok {
		return pc, nil
	}
	c, err := x509.ParseCertificate(raw)
	if err != nil {
		return pc, err
	}
	pc = parsedCert{cert: c, subject: x509check.SubjectString(c), kind: x509check.ClassifyBelgian(c), sha256: sha256.Sum256(raw)}
	v.mu.Lock()
	if len(v.certs) >= certCacheMax {
		clear(v.certs)
	}
	v.certs[string(raw)] = pc
	v.mu.Unlock()
	return pc, nil
}
