package crl

import (
	"bytes"
	"crypto/x509"
	"fmt"
	"time"

	"golang.org/x/crypto/cryptobyte"
	casn1 "golang.org/x/crypto/cryptobyte/asn1"

	"github.com/csam-go/csam/x509check/internal/errs"
)

// Defaults of VerifyOptions.
const (
	defaultClockSkew = 5 * time.Minute
	defaultMaxAge    = 24 * time.Hour
)

// VerifyOptions tune CRL.Verify. The zero value is ready to use.
type VerifyOptions struct {
	// CurrentTime is the validation time; zero means time.Now().
	CurrentTime time.Time
	// ClockSkew is tolerated on thisUpdate and nextUpdate; zero means
	// 5 minutes, a negative value no tolerance.
	ClockSkew time.Duration
	// MaxAge bounds the age of a CRL without nextUpdate; zero means
	// 24 hours.
	MaxAge time.Duration
	// AllowSHA1 accepts CRLs signed with SHA-1 (sha1WithRSAEncryption,
	// ecdsa-with-SHA1), which crypto/x509's CheckSignature still verifies
	// but which chosen-prefix collisions make forgeable. Zero (false)
	// refuses them ("bad-signature"), as x509check refuses SHA-1 on
	// the certificate path by default.
	AllowSHA1 bool
}

// isSHA1 reports a signature algorithm that hashes with SHA-1.
func isSHA1(a x509.SignatureAlgorithm) bool {
	return a == x509.SHA1WithRSA || a == x509.ECDSAWithSHA1 || a == x509.DSAWithSHA1
}

// Verify checks that the CRL was issued and signed by issuer and is usable
// at the validation time, in this order (each failure is, or wraps, a
// [SourceError] of the code given):
//   - the CRL issuer name equals issuer's subject, and the CRL's authority
//     key identifier (if any) equals issuer's subject key identifier (if
//     any): "bad-responder";
//   - issuer is a CA and, when it has a key usage extension, asserts
//     cRLSign: "bad-responder";
//   - the signature verifies with issuer's key, and is not made with
//     SHA-1 unless AllowSHA1: "bad-signature";
//   - no unknown critical extension on the CRL or any entry:
//     [ExtensionError] ("critical-extension");
//   - thisUpdate ≤ now + skew and now ≤ nextUpdate + skew (without
//     nextUpdate: now ≤ thisUpdate + MaxAge): [TimeError]
//     ("future-response", "stale-response"). Freshness comes last, so
//     that a caller may treat a stale but authentic CRL as it sees fit.
//
// Verify does not validate issuer itself: that is the chain builder's job.
func (c *CRL) Verify(issuer *x509.Certificate, opts VerifyOptions) error {
	if issuer == nil {
		return fail(errs.CodeBadResponder, "no issuer certificate")
	}
	if !bytes.Equal(c.RawIssuer, issuer.RawSubject) {
		return fail(errs.CodeBadResponder, "CRL issuer %q is not the subject %q of the issuer certificate", c.Issuer, issuer.Subject)
	}
	if len(c.AuthorityKeyID) > 0 && len(issuer.SubjectKeyId) > 0 && !bytes.Equal(c.AuthorityKeyID, issuer.SubjectKeyId) {
		return fail(errs.CodeBadResponder, "CRL authority key identifier %x is not the issuer's subject key identifier %x", c.AuthorityKeyID, issuer.SubjectKeyId)
	}
	if !issuer.BasicConstraintsValid || !issuer.IsCA {
		return fail(errs.CodeBadResponder, "issuer %q is not a CA", issuer.Subject)
	}
	if issuer.KeyUsage != 0 && issuer.KeyUsage&x509.KeyUsageCRLSign == 0 {
		return fail(errs.CodeBadResponder, "issuer %q lacks the cRLSign key usage", issuer.Subject)
	}
	if isSHA1(c.SignatureAlgorithm) && !opts.AllowSHA1 {
		return fail(errs.CodeBadSignature, "CRL signed with %v: SHA-1 refused (AllowSHA1)", c.SignatureAlgorithm)
	}
	if err := issuer.CheckSignature(c.SignatureAlgorithm, c.RawTBS, c.Signature); err != nil {
		return fail(errs.CodeBadSignature, "%v", err)
	}
	if u := c.unknownCriticalErrors(); len(u) > 0 {
		return u[0]
	}
	return c.checkTime(opts)
}

func (c *CRL) checkTime(opts VerifyOptions) error {
	now := opts.CurrentTime
	if now.IsZero() {
		now = time.Now()
	}
	skew := opts.ClockSkew
	if skew == 0 {
		skew = defaultClockSkew
	} else if skew < 0 {
		skew = 0
	}
	maxAge := opts.MaxAge
	if maxAge <= 0 {
		maxAge = defaultMaxAge
	}
	te := &TimeError{ThisUpdate: c.ThisUpdate, NextUpdate: c.NextUpdate, Now: now}
	switch {
	case c.ThisUpdate.After(now.Add(skew)):
		te.Future = true
		return te
	case !c.NextUpdate.IsZero() && now.After(c.NextUpdate.Add(skew)):
		return te
	case c.NextUpdate.IsZero() && now.After(c.ThisUpdate.Add(maxAge)):
		return te
	}
	return nil
}

// Status is the revocation status a CRL gives a certificate.
type Status int

// The statuses of Result.
const (
	// StatusGood: not listed, and the CRL covers every reason.
	StatusGood Status = iota
	// StatusRevoked: listed with a reason other than certificateHold.
	StatusRevoked
	// StatusSuspended: listed with certificateHold (may be lifted).
	StatusSuspended
	// StatusUndetermined: not listed, but the CRL covers only some reasons
	// (onlySomeReasons), so the certificate may be revoked for another.
	StatusUndetermined
)

// String returns "good", "revoked", "suspended" or "undetermined".
func (s Status) String() string {
	switch s {
	case StatusGood:
		return "good"
	case StatusRevoked:
		return "revoked"
	case StatusSuspended:
		return "suspended"
	case StatusUndetermined:
		return "undetermined"
	}
	return "unknown"
}

// Result is the revocation status of one certificate according to a CRL
// (and possibly a delta CRL).
type Result struct {
	Status Status
	// Entry is the listing, for StatusRevoked and StatusSuspended (its
	// Reason, RevocationTime and InvalidityDate); otherwise its Reason is
	// ReasonAbsent.
	Entry Entry
	// Covered are the reasons the CRL covers.
	Covered ReasonFlags
	// FromDelta: the listing (or its removal) came from the delta CRL.
	FromDelta bool
}

// Check returns the status of cert according to the complete CRL c. It
// checks that c covers cert (issuer, or cRLIssuer for an indirect CRL;
// Issuing Distribution Point scope: user/CA/attribute certificates, the
// distribution point name against the certificate's CRL distribution
// points, onlySomeReasons) and looks the serial up. It does not verify the
// CRL: call Verify first. Errors: a [SourceError] of code "bad-responder"
// (another issuer), a [ScopeError] (also for a delta CRL, which needs
// CheckWithDelta).
func (c *CRL) Check(cert *x509.Certificate) (Result, error) {
	return c.CheckWithDelta(cert, nil)
}

// CheckWithDelta is Check with a delta CRL applied to its base c (RFC 5280
// 5.2.4, 6.3.3): delta must be a delta CRL of the same issuer, authority
// key identifier and Issuing Distribution Point whose BaseCRLNumber is at
// most c's cRLNumber, otherwise a [SourceError] of code
// "malformed-response". An entry of the delta
// overrides the base; a removeFromCRL entry lifts a hold of the base. Call
// Verify on both CRLs first. A nil delta is Check.
func (c *CRL) CheckWithDelta(cert *x509.Certificate, delta *CRL) (Result, error) {
	if cert == nil || cert.SerialNumber == nil {
		return Result{}, &ScopeError{Reason: "no certificate or no serial number"}
	}
	if c.IsDelta() {
		return Result{}, &ScopeError{Reason: "a delta CRL cannot be used without its base CRL"}
	}
	if delta != nil {
		if err := c.matchDelta(delta); err != nil {
			return Result{}, err
		}
	}
	covered, err := c.scope(cert)
	if err != nil {
		return Result{}, err
	}
	res := Result{Covered: covered, Entry: Entry{Reason: ReasonAbsent}}
	// Entries are matched on serial and certificate issuer even in a CRL
	// that is not indirect: an entry naming another issuer
	// (certificateIssuer) is never about cert.
	// The serial is converted once; only a listed serial's entry is decoded.
	var key serialKey
	key.set(cert.SerialNumber)
	ix, i := c.Index, -1
	if delta != nil {
		if i = delta.Index.findKey(&key, delta.RawIssuer, cert.RawIssuer, true); i >= 0 {
			ix, res.FromDelta = delta.Index, true
		}
	}
	if i < 0 {
		i = c.Index.findKey(&key, c.RawIssuer, cert.RawIssuer, true)
	}
	if i >= 0 {
		e := &res.Entry
		ix.decodeTo(e, &ix.table[i])
		switch e.Reason {
		case ReasonRemoveFromCRL:
			// Lifted hold: not listed any more.
			*e = Entry{Reason: ReasonAbsent}
		case ReasonCertificateHold:
			res.Status = StatusSuspended
			return res, nil
		default:
			res.Status = StatusRevoked
			return res, nil
		}
	}
	if covered&AllReasons != AllReasons {
		res.Status = StatusUndetermined
	}
	return res, nil
}

func (c *CRL) matchDelta(d *CRL) error {
	mismatch := func(why string) error { return fail(errs.CodeMalformedResponse, "delta CRL: %s", why) }
	switch {
	case !d.IsDelta():
		return mismatch("the delta CRL has no Delta CRL Indicator")
	case !bytes.Equal(c.RawIssuer, d.RawIssuer):
		return mismatch("different issuers")
	case !bytes.Equal(c.AuthorityKeyID, d.AuthorityKeyID):
		return mismatch("different authority key identifiers")
	case !sameIDP(c, d):
		return mismatch("different Issuing Distribution Points")
	case c.Number == nil:
		return mismatch("the base CRL has no cRLNumber")
	case c.Number.Cmp(d.DeltaBase) < 0:
		return mismatch(fmt.Sprintf("base cRLNumber %s is below the delta's BaseCRLNumber %s", c.Number, d.DeltaBase))
	case d.Number != nil && d.Number.Cmp(c.Number) <= 0:
		return mismatch(fmt.Sprintf("delta cRLNumber %s is not newer than the base's %s", d.Number, c.Number))
	}
	return nil
}

// distPoint is one DistributionPoint of a certificate's CRL distribution
// points extension, as raw names.
type distPoint struct {
	full      [][]byte
	rel       []byte
	reasons   ReasonFlags
	crlIssuer [][]byte
}

func certDistPoints(cert *x509.Certificate) ([]distPoint, error) {
	var out []distPoint
	for _, ext := range cert.Extensions {
		if !ext.Id.Equal(oidCRLDistPoints) {
			continue
		}
		s := cryptobyte.String(ext.Value)
		var seq cryptobyte.String
		if !s.ReadASN1(&seq, casn1.SEQUENCE) {
			return nil, &ScopeError{Reason: "unreadable CRL distribution points in the certificate"}
		}
		for !seq.Empty() {
			var dp cryptobyte.String
			if !seq.ReadASN1(&dp, casn1.SEQUENCE) {
				return nil, &ScopeError{Reason: "unreadable CRL distribution point in the certificate"}
			}
			var p distPoint
			var name, reasons, issuer cryptobyte.String
			var has bool
			if !dp.ReadOptionalASN1(&name, &has, casn1.Tag(0).Constructed().ContextSpecific()) {
				return nil, &ScopeError{Reason: "unreadable distribution point name in the certificate"}
			}
			if has {
				var err error
				if p.full, p.rel, _, err = parseDPName(name); err != nil {
					return nil, &ScopeError{Reason: "unreadable distribution point name in the certificate"}
				}
			}
			if !dp.ReadOptionalASN1(&reasons, &has, casn1.Tag(1).ContextSpecific()) {
				return nil, &ScopeError{Reason: "unreadable distribution point reasons in the certificate"}
			}
			if has && len(reasons) >= 1 {
				for i := 1; i < len(reasons) && i < 3; i++ {
					for j := 0; j < 8; j++ {
						if reasons[i]&(0x80>>j) != 0 {
							p.reasons |= 1 << ((i-1)*8 + j)
						}
					}
				}
			}
			if !dp.ReadOptionalASN1(&issuer, &has, casn1.Tag(2).Constructed().ContextSpecific()) {
				return nil, &ScopeError{Reason: "unreadable cRLIssuer in the certificate"}
			}
			for has && !issuer.Empty() {
				var gn cryptobyte.String
				var tag casn1.Tag
				if !issuer.ReadAnyASN1Element(&gn, &tag) {
					return nil, &ScopeError{Reason: "unreadable cRLIssuer in the certificate"}
				}
				p.crlIssuer = append(p.crlIssuer, gn)
			}
			out = append(out, p)
		}
	}
	return out, nil
}

// directoryNameElem is the GeneralName [4] wrapping of a DER Name.
func directoryNameElem(name []byte) []byte {
	var b cryptobyte.Builder
	b.AddASN1(casn1.Tag(4).Constructed().ContextSpecific(), func(b *cryptobyte.Builder) { b.AddBytes(name) })
	return b.BytesOrPanic()
}

func anyEqual(a, b [][]byte) bool {
	for _, x := range a {
		for _, y := range b {
			if bytes.Equal(x, y) {
				return true
			}
		}
	}
	return false
}

// scope checks that c covers cert and returns the reasons it covers.
func (c *CRL) scope(cert *x509.Certificate) (ReasonFlags, error) {
	idp := c.IDP
	if idp == nil {
		// No Issuing Distribution Point: every reason, for the
		// certificates of the CRL's issuer.
		if !bytes.Equal(cert.RawIssuer, c.RawIssuer) {
			return 0, c.issuerMismatch(cert)
		}
		return AllReasons, nil
	}
	// The certificate's distribution points matter only to an indirect CRL
	// or one whose Issuing Distribution Point names its distribution point:
	// they are read then only (crypto/x509 has already refused a
	// certificate whose extension is unreadable).
	var dps []distPoint
	if idp.IndirectCRL || idp.FullName != nil || idp.RelativeName != nil {
		var err error
		if dps, err = certDistPoints(cert); err != nil {
			return 0, err
		}
	}
	covered := AllReasons
	if idp.OnlySomeReasons != 0 {
		covered &= idp.OnlySomeReasons
	}
	if !bytes.Equal(cert.RawIssuer, c.RawIssuer) {
		if !idp.IndirectCRL {
			return 0, c.issuerMismatch(cert)
		}
		// An indirect CRL covers cert only if a distribution point of cert
		// names the CRL issuer as cRLIssuer.
		me := [][]byte{directoryNameElem(c.RawIssuer)}
		ok := false
		for _, dp := range dps {
			ok = ok || anyEqual(dp.crlIssuer, me)
		}
		if !ok {
			return 0, &ScopeError{Reason: "indirect CRL whose issuer is not a cRLIssuer of the certificate"}
		}
	}
	switch {
	case idp.OnlyContainsAttributeCerts:
		return 0, &ScopeError{Reason: "the CRL covers attribute certificates only"}
	case idp.OnlyContainsUserCerts && cert.BasicConstraintsValid && cert.IsCA:
		return 0, &ScopeError{Reason: "the CRL covers end-entity certificates only and this one is a CA"}
	case idp.OnlyContainsCACerts && !(cert.BasicConstraintsValid && cert.IsCA):
		return 0, &ScopeError{Reason: "the CRL covers CA certificates only and this one is not a CA"}
	}
	if idp.FullName != nil || idp.RelativeName != nil {
		matched := false
		for _, dp := range dps {
			var ok bool
			switch {
			case dp.full != nil || dp.rel != nil:
				ok = anyEqual(idp.FullName, dp.full) ||
					(idp.RelativeName != nil && bytes.Equal(idp.RelativeName, dp.rel))
			default:
				ok = anyEqual(idp.FullName, dp.crlIssuer)
			}
			if ok {
				matched = true
				if dp.reasons != 0 {
					covered &= dp.reasons
				}
				break
			}
		}
		if !matched {
			return 0, &ScopeError{Reason: "the CRL's distribution point matches none of the certificate's"}
		}
	}
	return covered, nil
}

func (c *CRL) issuerMismatch(cert *x509.Certificate) error {
	return fail(errs.CodeBadResponder, "the CRL issuer %q is not the certificate's issuer %q", c.Issuer, cert.Issuer)
}
