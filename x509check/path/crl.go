package path

import (
	"bytes"
	"context"
	"encoding/asn1"
	"errors"
	"fmt"
	"math/big"
	"slices"
	"time"

	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"

	"github.com/csam-go/csam/x509check/internal/errs"
	"github.com/csam-go/csam/x509check/internal/rdn"
)

// CRL is what revocation checking reads of a certificate revocation list,
// parsed from its DER encoding by this package (RFC 5280 section 5).
type CRL struct {
	Raw       []byte
	rawTBS    []byte
	sigAlg    algorithm
	signature []byte

	issuer     rdn.Name
	issuerKey  string
	ThisUpdate time.Time
	NextUpdate time.Time // zero when absent

	number     *big.Int
	baseNumber *big.Int // deltaCRLIndicator, nil for a complete CRL
	idp        *issuingDP
	rawIDP     []byte
	critical   string // an unhandled critical extension, "" when none
	entries    []crlEntry
}

type issuingDP struct {
	fullName   []generalName
	relative   []byte
	hasName    bool
	onlyUser   bool
	onlyCA     bool
	onlyAttr   bool
	reasons    uint16
	hasReasons bool
	indirect   bool
}

type crlEntry struct {
	serial    *big.Int
	issuerKey string // the certificate issuer (indirect CRLs), else the CRL issuer
	reason    int
	at        time.Time
	invalid   time.Time // invalidityDate, zero when absent
	critical  string
}

var (
	oidCRLNumber    = asn1.ObjectIdentifier{2, 5, 29, 20}
	oidDeltaCRL     = asn1.ObjectIdentifier{2, 5, 29, 27}
	oidIDP          = asn1.ObjectIdentifier{2, 5, 29, 28}
	oidReasonCode   = asn1.ObjectIdentifier{2, 5, 29, 21}
	oidInvalidity   = asn1.ObjectIdentifier{2, 5, 29, 24}
	oidCertIssuer   = asn1.ObjectIdentifier{2, 5, 29, 29}
	handledCRLExts  = []asn1.ObjectIdentifier{oidCRLNumber, oidDeltaCRL, oidIDP, oidAKI, oidFreshestCRL, oidIAN}
	handledCRLEntry = []asn1.ObjectIdentifier{oidReasonCode, oidInvalidity, oidCertIssuer}
)

func badCRL(what string) error { return fmt.Errorf("%w: CRL: %s", errs.BadInput, what) }

// ParseCRL parses a DER CRL. Its errors match x509check.ErrBadInput.
func ParseCRL(der []byte) (*CRL, error) {
	l := &CRL{Raw: der}
	in := cryptobyte.String(der)
	var seq, rawTBS, tbs cryptobyte.String
	if !in.ReadASN1(&seq, cbasn1.SEQUENCE) || !in.Empty() || !seq.ReadASN1Element(&rawTBS, cbasn1.SEQUENCE) {
		return nil, badCRL("not a CRL")
	}
	l.rawTBS = rawTBS
	var err error
	if l.sigAlg, err = readAlgorithm(&seq); err != nil {
		return nil, badCRL("signature algorithm")
	}
	var sig asn1.BitString
	if !seq.ReadASN1BitString(&sig) || !seq.Empty() {
		return nil, badCRL("signature")
	}
	if sig.BitLength%8 == 0 {
		l.signature = sig.Bytes
	}
	if !rawTBS.ReadASN1(&tbs, cbasn1.SEQUENCE) {
		return nil, badCRL("tbsCertList")
	}
	if tbs.PeekASN1Tag(cbasn1.INTEGER) {
		var v int
		if !tbs.ReadASN1Integer(&v) || v != 1 {
			return nil, badCRL("version")
		}
	}
	inner, err := readAlgorithm(&tbs)
	if err != nil || !inner.oid.Equal(l.sigAlg.oid) || !bytes.Equal(inner.params, l.sigAlg.params) {
		return nil, badCRL("signature algorithm differs from the one in tbsCertList")
	}
	var issuer cryptobyte.String
	if !tbs.ReadASN1Element(&issuer, cbasn1.SEQUENCE) {
		return nil, badCRL("issuer")
	}
	if l.issuer, err = rdn.Parse(issuer); err != nil {
		return nil, badCRL("issuer")
	}
	l.issuerKey = l.issuer.Key()
	if l.ThisUpdate, err = readTime(&tbs); err != nil {
		return nil, badCRL("thisUpdate")
	}
	if tbs.PeekASN1Tag(cbasn1.UTCTime) || tbs.PeekASN1Tag(cbasn1.GeneralizedTime) {
		if l.NextUpdate, err = readTime(&tbs); err != nil {
			return nil, badCRL("nextUpdate")
		}
	}
	var revoked cryptobyte.String
	hasRevoked := false
	if tbs.PeekASN1Tag(cbasn1.SEQUENCE) {
		if !tbs.ReadASN1(&revoked, cbasn1.SEQUENCE) {
			return nil, badCRL("revokedCertificates")
		}
		hasRevoked = true
	}
	if tbs.PeekASN1Tag(cbasn1.Tag(0).Constructed().ContextSpecific()) {
		var e, s cryptobyte.String
		if !tbs.ReadASN1(&e, cbasn1.Tag(0).Constructed().ContextSpecific()) || !e.ReadASN1(&s, cbasn1.SEQUENCE) {
			return nil, badCRL("extensions")
		}
		exts, err := readExtensions(s)
		if err != nil {
			return nil, badCRL("extensions")
		}
		for _, x := range exts {
			if err := l.parseExtension(x); err != nil {
				return nil, err
			}
		}
	}
	if !tbs.Empty() {
		return nil, badCRL("trailing data")
	}
	if hasRevoked {
		if err := l.parseEntries(revoked); err != nil {
			return nil, err
		}
	}
	return l, nil
}

func (l *CRL) parseExtension(x extension) error {
	v := cryptobyte.String(x.value)
	switch {
	case x.oid.Equal(oidCRLNumber):
		l.number = new(big.Int)
		if !v.ReadASN1Integer(l.number) {
			return badCRL("CRL number")
		}
	case x.oid.Equal(oidDeltaCRL):
		l.baseNumber = new(big.Int)
		if !v.ReadASN1Integer(l.baseNumber) {
			return badCRL("delta CRL indicator")
		}
	case x.oid.Equal(oidIDP):
		l.rawIDP = x.value
		idp, err := readIDP(v)
		if err != nil {
			return err
		}
		l.idp = idp
	default:
		if x.critical && !slices.ContainsFunc(handledCRLExts, x.oid.Equal) {
			l.critical = x.oid.String()
		}
	}
	return nil
}

func readIDP(v cryptobyte.String) (*issuingDP, error) {
	var s cryptobyte.String
	if !v.ReadASN1(&s, cbasn1.SEQUENCE) {
		return nil, badCRL("issuing distribution point")
	}
	d := &issuingDP{}
	if s.PeekASN1Tag(cbasn1.Tag(0).Constructed().ContextSpecific()) {
		var n cryptobyte.String
		if !s.ReadASN1(&n, cbasn1.Tag(0).Constructed().ContextSpecific()) {
			return nil, badCRL("issuing distribution point name")
		}
		var err error
		if d.fullName, d.relative, err = readDPName(n); err != nil {
			return nil, badCRL("issuing distribution point name")
		}
		d.hasName = true
	}
	for i, dst := range []*bool{&d.onlyUser, &d.onlyCA} {
		if err := readImplicitBool(&s, i+1, dst); err != nil {
			return nil, err
		}
	}
	if s.PeekASN1Tag(cbasn1.Tag(3).ContextSpecific()) {
		var r cryptobyte.String
		if !s.ReadASN1(&r, cbasn1.Tag(3).ContextSpecific()) {
			return nil, badCRL("onlySomeReasons")
		}
		d.reasons, d.hasReasons = reasonBits(r), true
	}
	for i, dst := range []*bool{&d.indirect, &d.onlyAttr} {
		if err := readImplicitBool(&s, i+4, dst); err != nil {
			return nil, err
		}
	}
	if !s.Empty() {
		return nil, badCRL("issuing distribution point")
	}
	return d, nil
}

func readImplicitBool(s *cryptobyte.String, tag int, dst *bool) error {
	t := cbasn1.Tag(tag).ContextSpecific()
	if !s.PeekASN1Tag(t) {
		return nil
	}
	var b cryptobyte.String
	if !s.ReadASN1(&b, t) || len(b) != 1 {
		return badCRL("issuing distribution point flag")
	}
	*dst = b[0] != 0
	return nil
}

func (l *CRL) parseEntries(s cryptobyte.String) error {
	cur := l.issuerKey
	for !s.Empty() {
		var e cryptobyte.String
		en := crlEntry{serial: new(big.Int), reason: -1}
		if !s.ReadASN1(&e, cbasn1.SEQUENCE) || !e.ReadASN1Integer(en.serial) {
			return badCRL("revoked certificate")
		}
		var err error
		if en.at, err = readTime(&e); err != nil {
			return badCRL("revocation date")
		}
		if !e.Empty() {
			var xs cryptobyte.String
			if !e.ReadASN1(&xs, cbasn1.SEQUENCE) {
				return badCRL("entry extensions")
			}
			exts, err := readExtensions(xs)
			if err != nil {
				return badCRL("entry extensions")
			}
			for _, x := range exts {
				v := cryptobyte.String(x.value)
				switch {
				case x.oid.Equal(oidReasonCode):
					var r int
					if !v.ReadASN1Enum(&r) {
						return badCRL("reason code")
					}
					en.reason = r
				case x.oid.Equal(oidInvalidity):
					if !v.ReadASN1GeneralizedTime(&en.invalid) {
						return badCRL("invalidity date")
					}
				case x.oid.Equal(oidCertIssuer):
					names, err := readGeneralNames(v)
					if err != nil {
						return badCRL("certificate issuer")
					}
					for _, n := range names {
						if n.tag == gnDirectory {
							cur = n.dn.Key()
							break
						}
					}
				case x.critical && !slices.ContainsFunc(handledCRLEntry, x.oid.Equal):
					en.critical = x.oid.String()
				}
			}
		}
		en.issuerKey = cur
		l.entries = append(l.entries, en)
	}
	return nil
}

// CRLs is a revocation checker over a fixed set of CRLs that applies RFC
// 5280 section 6.3: distribution points and their reasons (an interim
// reasons mask gathered over several CRLs until every reason is
// covered), indirect CRLs and their certificate issuer entries, CRLs
// signed by another key of the certificate's issuer (whose own path is
// validated to the same trust anchor), and delta CRLs. A certificate
// listed with a revocation date after the validation time counts as
// revoked only for a key or CA compromise, from its invalidity date
// (from the start without one): validation at a past time. Of several
// CRLs in scope, a revocation any of them lists stands, a hold only from
// the newest.
type CRLs []*CRL

const allReasons = 0x1fe // keyCompromise (1) … aACompromise (8)

// CRL reason codes this package treats apart.
const (
	reasonKeyCompromise   = 1
	reasonCACompromise    = 2
	reasonCertificateHold = 6
	reasonRemoveFromCRL   = 8
)

type crlCtxKey struct{}

// crlCtx follows nested CRL signer validations: their depth, and the
// CRLs whose signer is being validated (a signer's own status may come
// from the CRL it signs).
type crlCtx struct {
	depth  int
	crl    *CRL
	signer *Certificate
	next   *crlCtx
}

// RevokedError reports a revoked certificate; it matches
// x509check.ErrRevoked.
type RevokedError struct {
	Subject string
	Serial  *big.Int
	At      time.Time
	Reason  int // CRL reason code, -1 when absent
}

func (e *RevokedError) Error() string {
	return fmt.Sprintf("path: certificate %q (serial %s) revoked at %s, reason %d",
		e.Subject, e.Serial, e.At.UTC().Format(time.RFC3339), e.Reason)
}

// Unwrap returns x509check.ErrRevoked.
func (e *RevokedError) Unwrap() error { return errs.Revoked }

// CheckRevocation implements RevocationChecker.
func (s CRLs) CheckRevocation(ctx context.Context, v *Verifier, chain []*Certificate, i int, at time.Time) error {
	cert := chain[i]
	cc, _ := ctx.Value(crlCtxKey{}).(*crlCtx)
	dps := cert.crlDPs
	if len(dps) == 0 {
		dps = []distributionPoint{{}}
	}
	// Newest first: a hold lifted by a later CRL is not reported.
	crls := slices.Clone(s)
	slices.SortStableFunc(crls, func(a, b *CRL) int { return b.ThisUpdate.Compare(a.ThisUpdate) })
	mask := uint16(0)
	var why error
	for _, dp := range dps {
		for _, l := range crls {
			if l.baseNumber != nil {
				continue
			}
			interim, err := s.scope(l, cert, dp, at)
			if err != nil {
				why = err
				continue
			}
			// A CRL adding no reason is still read: a revocation it
			// lists stands (but a hold only from the newest CRL).
			adds := interim&^mask != 0
			signer, err := s.signer(ctx, v, cc, l, chain, i, at)
			if err != nil {
				why = err
				continue
			}
			// (g)-(k): a current delta CRL decides first.
			var status *crlEntry
			if d := s.delta(l, signer, at, v.opts.AllowSHA1); d != nil {
				status = d.lookup(cert)
			}
			if status == nil {
				status = l.lookup(cert)
			}
			if status != nil && status.critical != "" {
				why = fmt.Errorf("%w: CRL entry with unhandled critical extension %s", errRevocationUnknown, status.critical)
				continue
			}
			if status != nil && !status.revokedAt(at) {
				status = nil
			}
			if status != nil && status.reason == reasonCertificateHold && !adds {
				status = nil
			}
			if status != nil && status.reason != reasonRemoveFromCRL {
				return &InvalidError{Reason: Revoked, Err: &RevokedError{Subject: cert.subjectString(), Serial: cert.Serial, At: status.at, Reason: status.reason},
					Depth: i, Subject: cert.subjectString()}
			}
			mask |= interim
		}
	}
	if mask == allReasons {
		return nil
	}
	if why == nil {
		why = errRevocationUnknown
	}
	if !errors.Is(why, errRevocationUnknown) {
		// Stale information too leaves the status undetermined.
		why = fmt.Errorf("%w: %w", errRevocationUnknown, why)
	}
	r := RevocationUnknown
	if errors.Is(why, errRevocationExpired) {
		r = RevocationExpired
	}
	return &InvalidError{Reason: r, Err: why, Depth: i, Subject: cert.subjectString(), Detail: "no CRL covers every reason"}
}

// scope checks the CRL's issuer, scope and freshness for cert and its
// distribution point dp (section 6.3.3 b, c) and returns the interim
// reasons mask.
func (s CRLs) scope(l *CRL, cert *Certificate, dp distributionPoint, at time.Time) (uint16, error) {
	skip := func(f string, a ...any) (uint16, error) {
		return 0, fmt.Errorf("%w: "+f, append([]any{errRevocationUnknown}, a...)...)
	}
	indirect := l.idp != nil && l.idp.indirect
	if len(dp.crlIssuer) > 0 {
		if !indirect || !slices.ContainsFunc(dp.crlIssuer, func(g generalName) bool {
			return g.tag == gnDirectory && g.dn.Key() == l.issuerKey
		}) {
			return skip("CRL not from the distribution point's CRL issuer")
		}
	} else if l.issuerKey != cert.issuerKey {
		return skip("CRL from another issuer")
	}
	if l.idp != nil {
		d := l.idp
		if d.hasName {
			idpNames := resolveNames(d.fullName, d.relative, l.issuer)
			var dpNames []generalName
			switch {
			case dp.hasName:
				base := cert.issuer
				if len(dp.crlIssuer) > 0 {
					for _, g := range dp.crlIssuer {
						if g.tag == gnDirectory {
							base = g.dn
						}
					}
				}
				dpNames = resolveNames(dp.fullName, dp.relative, base)
			default:
				dpNames = dp.crlIssuer
			}
			if !namesIntersect(idpNames, dpNames) {
				return skip("CRL distribution point does not match")
			}
		}
		isCA := cert.hasBC && cert.isCA
		if d.onlyUser && isCA || d.onlyCA && !isCA || d.onlyAttr {
			return skip("CRL scope excludes the certificate")
		}
	}
	if l.critical != "" {
		return skip("CRL with unhandled critical extension %s", l.critical)
	}
	if !l.NextUpdate.IsZero() && at.After(l.NextUpdate) {
		return 0, fmt.Errorf("%w: CRL of %s past its next update", errRevocationExpired, l.NextUpdate.UTC().Format(time.RFC3339))
	}
	if at.Before(l.ThisUpdate) {
		return skip("CRL issued after the validation time")
	}
	interim := uint16(allReasons)
	if l.idp != nil && l.idp.hasReasons {
		interim &= l.idp.reasons
	}
	if dp.hasReasons {
		interim &= dp.reasons
	}
	return interim, nil
}

func resolveNames(full []generalName, relative []byte, base rdn.Name) []generalName {
	if relative == nil {
		return full
	}
	b := cryptobyte.NewBuilder(nil)
	b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) { b.AddBytes(relative) })
	der, err := b.Bytes()
	if err != nil {
		return nil
	}
	r, err := rdn.Parse(der)
	if err != nil {
		return nil
	}
	dn := append(slices.Clip(base), r...)
	return []generalName{{tag: gnDirectory, dn: dn}}
}

func namesIntersect(a, b []generalName) bool {
	for _, x := range a {
		for _, y := range b {
			if x.tag != y.tag {
				continue
			}
			if x.tag == gnDirectory && rdn.Equal(x.dn, y.dn) || x.tag != gnDirectory && bytes.Equal(x.value, y.value) {
				return true
			}
		}
	}
	return false
}

// signer finds the certificate whose key signed l, with a valid path to
// the anchor of chain (section 6.3.3 f).
func (s CRLs) signer(ctx context.Context, v *Verifier, cc *crlCtx, l *CRL, chain []*Certificate, i int, at time.Time) (*Certificate, error) {
	for c := cc; c != nil; c = c.next {
		if c.crl == l {
			return c.signer, checkSignature(l.sigAlg, l.rawTBS, l.signature, c.signer.publicKey, v.opts.AllowSHA1)
		}
	}
	issuer, anchor := chain[i+1], chain[len(chain)-1]
	cands := []*Certificate{}
	if issuer.subjectKey == l.issuerKey {
		cands = append(cands, issuer)
	}
	cands = append(cands, v.anchors[l.issuerKey]...)
	cands = append(cands, v.inter[l.issuerKey]...)
	for _, c := range chain {
		if c.subjectKey == l.issuerKey {
			cands = append(cands, c)
		}
	}
	var why error = fmt.Errorf("%w: no certificate of the CRL issuer", errRevocationUnknown)
	depth := 0
	if cc != nil {
		depth = cc.depth
	}
	for n, c := range cands {
		if n > MaxCandidates {
			break
		}
		if c.hasKU && c.keyUsage&crlSign == 0 {
			why = fmt.Errorf("%w: CRL signer without cRLSign", errRevocationUnknown)
			continue
		}
		if err := checkSignature(l.sigAlg, l.rawTBS, l.signature, c.publicKey, v.opts.AllowSHA1); err != nil {
			why = fmt.Errorf("%w: CRL signature: %w", errRevocationUnknown, err)
			continue
		}
		if c == issuer || v.isRoot[sum(c.Raw)] && bytes.Equal(c.Raw, anchor.Raw) {
			return c, nil
		}
		if depth >= 3 {
			why = fmt.Errorf("%w: CRL signer paths nested too deep", errRevocationUnknown)
			continue
		}
		nctx := context.WithValue(ctx, crlCtxKey{}, &crlCtx{depth: depth + 1, crl: l, signer: c, next: cc})
		res, err := v.verify(nctx, at, c, chain[i+1:], 0)
		if err != nil {
			why = fmt.Errorf("%w: CRL signer: %w", errRevocationUnknown, err)
			continue
		}
		if !bytes.Equal(res.Chain[len(res.Chain)-1].Raw, anchor.Raw) {
			why = fmt.Errorf("%w: CRL signer under another trust anchor", errRevocationUnknown)
			continue
		}
		if v.opts.Revocation == nil {
			// A verifier without revocation checking (the caller checks
			// revocation itself): the signer's path is checked here.
			if err := s.pathRevocation(nctx, v, res.Chain, at); err != nil {
				why = fmt.Errorf("%w: CRL signer: %w", errRevocationUnknown, err)
				continue
			}
		}
		return c, nil
	}
	return nil, why
}

const crlSign = 1 << 6

func (s CRLs) pathRevocation(ctx context.Context, v *Verifier, chain []*Certificate, at time.Time) error {
	for j := 0; j+1 < len(chain); j++ {
		if err := s.CheckRevocation(ctx, v, chain, j, at); err != nil {
			return err
		}
	}
	return nil
}

// delta returns a current delta CRL for the complete CRL l, signed by
// signer, with the same scope.
func (s CRLs) delta(l *CRL, signer *Certificate, at time.Time, sha1 bool) *CRL {
	if l.number == nil {
		return nil
	}
	for _, d := range s {
		if d.baseNumber == nil || d.issuerKey != l.issuerKey || !bytes.Equal(d.rawIDP, l.rawIDP) || d.critical != "" {
			continue
		}
		if d.number == nil || d.baseNumber.Cmp(l.number) > 0 || d.number.Cmp(l.number) <= 0 {
			continue
		}
		if !d.NextUpdate.IsZero() && at.After(d.NextUpdate) {
			continue
		}
		if checkSignature(d.sigAlg, d.rawTBS, d.signature, signer.publicKey, sha1) != nil {
			continue
		}
		return d
	}
	return nil
}

// revokedAt reports whether the entry applies at time at: revoked by
// then, or for a key or CA compromise from its invalidity date (from the
// start without one).
func (e *crlEntry) revokedAt(at time.Time) bool {
	if !at.Before(e.at) {
		return true
	}
	if e.reason == reasonKeyCompromise || e.reason == reasonCACompromise {
		return e.invalid.IsZero() || !at.Before(e.invalid)
	}
	return false
}

func (l *CRL) lookup(c *Certificate) *crlEntry {
	for k := range l.entries {
		e := &l.entries[k]
		if e.serial.Cmp(c.Serial) == 0 && e.issuerKey == c.issuerKey {
			return e
		}
	}
	return nil
}

// Relevant reports whether one of the CRLs may speak of c: one from c's
// issuer or from a CRL issuer named by c's distribution points.
func (s CRLs) Relevant(c *Certificate) bool {
	for _, l := range s {
		if l.issuerKey == c.issuerKey {
			return true
		}
		for _, dp := range c.crlDPs {
			for _, g := range dp.crlIssuer {
				if g.tag == gnDirectory && g.dn.Key() == l.issuerKey {
					return true
				}
			}
		}
	}
	return false
}
