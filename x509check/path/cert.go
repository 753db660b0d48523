package path

import (
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"fmt"
	"math/big"
	"net"
	"time"

	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"

	"github.com/csam-go/csam/x509check/internal/errs"
	"github.com/csam-go/csam/x509check/internal/rdn"
)

// Certificate is what path validation reads of an X.509 certificate,
// parsed from its DER encoding by this package: crypto/x509 refuses some
// conformant certificates (a CRL distribution point named relative to the
// CRL issuer, a negative serial number), which RFC 5280 processing must
// still judge.
type Certificate struct {
	Raw    []byte
	rawTBS []byte
	// X509 is the crypto/x509 form, when it parses (nil otherwise).
	X509 *x509.Certificate

	version   int
	Serial    *big.Int
	sigAlg    algorithm
	signature []byte

	rawIssuer, rawSubject []byte
	issuer, subject       rdn.Name
	issuerKey, subjectKey string
	NotBefore, NotAfter   time.Time
	rawSPKI               []byte
	publicKey             any
	publicKeyErr          error

	exts []extension

	hasBC      bool
	isCA       bool
	maxPathLen int // -1: none
	hasKU      bool
	keyUsage   x509.KeyUsage
	ski, aki   []byte
	san        []generalName
	hasSAN     bool
	nc         *nameConstraints

	hasPolicies     bool
	policies        []string
	policyMappings  [][2]string
	requireExplicit int // -1: absent
	inhibitMapping  int // -1: absent
	inhibitAny      int // -1: absent

	crlDPs []distributionPoint
}

type algorithm struct {
	raw    []byte // the AlgorithmIdentifier's encoding
	oid    asn1.ObjectIdentifier
	params []byte // full TLV of the parameters, nil when absent
}

type extension struct {
	oid      asn1.ObjectIdentifier
	critical bool
	value    []byte
}

// generalName is one GeneralName. tag is its context tag number.
type generalName struct {
	tag   int
	value []byte   // content octets (IA5String text, IP octets, ...)
	dn    rdn.Name // directoryName
}

const (
	gnOther = iota
	gnRFC822
	gnDNS
	gnX400
	gnDirectory
	gnEDI
	gnURI
	gnIP
	gnRegisteredID
)

type subtree struct {
	name generalName
	ip   *net.IPNet
}

type nameConstraints struct {
	permitted, excluded []subtree
}

type distributionPoint struct {
	fullName   []generalName
	relative   []byte // nameRelativeToCRLIssuer: an RDN, full SET TLV
	hasName    bool
	reasons    uint16 // 0: all reasons
	hasReasons bool
	crlIssuer  []generalName
}

func malformed(what string) error {
	return fmt.Errorf("%w: certificate: %s", errs.BadInput, what)
}

// OIDs of the extensions path validation processes.
var (
	oidBasicConstraints   = asn1.ObjectIdentifier{2, 5, 29, 19}
	oidKeyUsage           = asn1.ObjectIdentifier{2, 5, 29, 15}
	oidSKI                = asn1.ObjectIdentifier{2, 5, 29, 14}
	oidAKI                = asn1.ObjectIdentifier{2, 5, 29, 35}
	oidSAN                = asn1.ObjectIdentifier{2, 5, 29, 17}
	oidIAN                = asn1.ObjectIdentifier{2, 5, 29, 18}
	oidNameConstraints    = asn1.ObjectIdentifier{2, 5, 29, 30}
	oidCertPolicies       = asn1.ObjectIdentifier{2, 5, 29, 32}
	oidPolicyMappings     = asn1.ObjectIdentifier{2, 5, 29, 33}
	oidPolicyConstraints  = asn1.ObjectIdentifier{2, 5, 29, 36}
	oidInhibitAnyPolicy   = asn1.ObjectIdentifier{2, 5, 29, 54}
	oidCRLDP              = asn1.ObjectIdentifier{2, 5, 29, 31}
	oidFreshestCRL        = asn1.ObjectIdentifier{2, 5, 29, 46}
	oidExtKeyUsage        = asn1.ObjectIdentifier{2, 5, 29, 37}
	oidAIA                = asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 1, 1}
	oidEmailAddress       = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 1}
	anyPolicy             = "2.5.29.32.0"
	handledCertExtensions = []asn1.ObjectIdentifier{oidBasicConstraints, oidKeyUsage, oidSKI, oidAKI,
		oidSAN, oidIAN, oidNameConstraints, oidCertPolicies, oidPolicyMappings, oidPolicyConstraints,
		oidInhibitAnyPolicy, oidCRLDP, oidFreshestCRL, oidExtKeyUsage, oidAIA}
)

// ParseCertificate parses a DER certificate for path validation. Its
// errors match x509check.ErrBadInput.
func ParseCertificate(der []byte) (*Certificate, error) {
	c := &Certificate{Raw: der, maxPathLen: -1, requireExplicit: -1, inhibitMapping: -1, inhibitAny: -1}
	in := cryptobyte.String(der)
	var cert, tbs cryptobyte.String
	if !in.ReadASN1(&cert, cbasn1.SEQUENCE) || !in.Empty() {
		return nil, malformed("not a certificate")
	}
	var rawTBS cryptobyte.String
	if !cert.ReadASN1Element(&rawTBS, cbasn1.SEQUENCE) {
		return nil, malformed("tbsCertificate")
	}
	c.rawTBS = rawTBS
	if !rawTBS.ReadASN1(&tbs, cbasn1.SEQUENCE) {
		return nil, malformed("tbsCertificate")
	}
	var err error
	if c.sigAlg, err = readAlgorithm(&cert); err != nil {
		return nil, err
	}
	var sig asn1.BitString
	if !cert.ReadASN1BitString(&sig) || !cert.Empty() {
		return nil, malformed("signature")
	}
	if sig.BitLength%8 == 0 {
		// Otherwise left empty: no key verifies it.
		c.signature = sig.Bytes
	}
	if err := c.parseTBS(tbs); err != nil {
		return nil, err
	}
	if x, err := x509.ParseCertificate(der); err == nil {
		c.X509 = x
	}
	return c, nil
}

// FromX509 returns the path form of c (parsed again from c.Raw).
func FromX509(c *x509.Certificate) (*Certificate, error) {
	p, err := ParseCertificate(c.Raw)
	if err != nil {
		return nil, err
	}
	p.X509 = c
	return p, nil
}

func readAlgorithm(s *cryptobyte.String) (algorithm, error) {
	var a algorithm
	var raw, seq cryptobyte.String
	if !s.ReadASN1Element(&raw, cbasn1.SEQUENCE) {
		return a, malformed("algorithm identifier")
	}
	a.raw = raw
	if !raw.ReadASN1(&seq, cbasn1.SEQUENCE) || !seq.ReadASN1ObjectIdentifier(&a.oid) {
		return a, malformed("algorithm identifier")
	}
	if !seq.Empty() {
		var p cryptobyte.String
		var tag cbasn1.Tag
		if !seq.ReadAnyASN1Element(&p, &tag) || !seq.Empty() {
			return a, malformed("algorithm parameters")
		}
		if tag != cbasn1.NULL {
			a.params = p
		}
	}
	return a, nil
}

func (c *Certificate) parseTBS(tbs cryptobyte.String) error {
	c.version = 1
	if tbs.PeekASN1Tag(cbasn1.Tag(0).Constructed().ContextSpecific()) {
		var v cryptobyte.String
		var n int
		if !tbs.ReadASN1(&v, cbasn1.Tag(0).Constructed().ContextSpecific()) || !v.ReadASN1Integer(&n) || n < 0 || n > 2 {
			return malformed("version")
		}
		c.version = n + 1
	}
	c.Serial = new(big.Int)
	if !tbs.ReadASN1Integer(c.Serial) {
		return malformed("serial number")
	}
	inner, err := readAlgorithm(&tbs)
	if err != nil {
		return err
	}
	if !inner.oid.Equal(c.sigAlg.oid) || string(inner.params) != string(c.sigAlg.params) {
		return malformed("signature algorithm differs from the one in tbsCertificate")
	}
	var issuer, validity, subject, spki cryptobyte.String
	if !tbs.ReadASN1Element(&issuer, cbasn1.SEQUENCE) {
		return malformed("issuer")
	}
	if !tbs.ReadASN1(&validity, cbasn1.SEQUENCE) {
		return malformed("validity")
	}
	if c.NotBefore, err = readTime(&validity); err != nil {
		return err
	}
	if c.NotAfter, err = readTime(&validity); err != nil {
		return err
	}
	if !tbs.ReadASN1Element(&subject, cbasn1.SEQUENCE) || !tbs.ReadASN1Element(&spki, cbasn1.SEQUENCE) {
		return malformed("subject or public key")
	}
	c.rawIssuer, c.rawSubject, c.rawSPKI = issuer, subject, spki
	if c.issuer, err = rdn.Parse(issuer); err != nil {
		return malformed("issuer name")
	}
	if c.subject, err = rdn.Parse(subject); err != nil {
		return malformed("subject name")
	}
	c.issuerKey, c.subjectKey = c.issuer.Key(), c.subject.Key()
	c.publicKey, c.publicKeyErr = x509.ParsePKIXPublicKey(spki)
	for _, t := range []int{1, 2} { // issuerUniqueID, subjectUniqueID
		tag := cbasn1.Tag(t).ContextSpecific()
		if tbs.PeekASN1Tag(tag) {
			tbs.SkipASN1(tag)
		}
	}
	if tbs.PeekASN1Tag(cbasn1.Tag(3).Constructed().ContextSpecific()) {
		var e, seq cryptobyte.String
		if !tbs.ReadASN1(&e, cbasn1.Tag(3).Constructed().ContextSpecific()) || !e.ReadASN1(&seq, cbasn1.SEQUENCE) {
			return malformed("extensions")
		}
		exts, err := readExtensions(seq)
		if err != nil {
			return err
		}
		c.exts = exts
		for _, x := range exts {
			if err := c.parseExtension(x); err != nil {
				return fmt.Errorf("%w (extension %s)", err, x.oid)
			}
		}
	}
	if !tbs.Empty() {
		return malformed("trailing data in tbsCertificate")
	}
	return nil
}

func readTime(s *cryptobyte.String) (time.Time, error) {
	var t time.Time
	switch {
	case s.PeekASN1Tag(cbasn1.UTCTime):
		if !s.ReadASN1UTCTime(&t) {
			return t, malformed("UTCTime")
		}
	case s.PeekASN1Tag(cbasn1.GeneralizedTime):
		if !s.ReadASN1GeneralizedTime(&t) {
			return t, malformed("GeneralizedTime")
		}
	default:
		return t, malformed("time")
	}
	return t, nil
}

func readExtensions(seq cryptobyte.String) ([]extension, error) {
	var out []extension
	seen := map[string]bool{}
	for !seq.Empty() {
		var e cryptobyte.String
		var x extension
		if !seq.ReadASN1(&e, cbasn1.SEQUENCE) || !e.ReadASN1ObjectIdentifier(&x.oid) {
			return nil, malformed("extension")
		}
		if e.PeekASN1Tag(cbasn1.BOOLEAN) && !e.ReadASN1Boolean(&x.critical) {
			return nil, malformed("extension criticality")
		}
		var v cryptobyte.String
		if !e.ReadASN1(&v, cbasn1.OCTET_STRING) || !e.Empty() {
			return nil, malformed("extension value")
		}
		x.value = v
		if seen[x.oid.String()] {
			return nil, malformed("duplicate extension " + x.oid.String())
		}
		seen[x.oid.String()] = true
		out = append(out, x)
	}
	return out, nil
}

func (c *Certificate) parseExtension(x extension) error {
	v := cryptobyte.String(x.value)
	var seq cryptobyte.String
	switch {
	case x.oid.Equal(oidBasicConstraints):
		c.hasBC = true
		if !v.ReadASN1(&seq, cbasn1.SEQUENCE) {
			return malformed("basic constraints")
		}
		if seq.PeekASN1Tag(cbasn1.BOOLEAN) && !seq.ReadASN1Boolean(&c.isCA) {
			return malformed("basic constraints")
		}
		if !seq.Empty() {
			var n int
			if !seq.ReadASN1Integer(&n) || n < 0 {
				return malformed("path length constraint")
			}
			c.maxPathLen = n
		}
	case x.oid.Equal(oidKeyUsage):
		var b asn1.BitString
		if !v.ReadASN1BitString(&b) {
			return malformed("key usage")
		}
		c.hasKU = true
		for i := 0; i < 9; i++ {
			if b.At(i) != 0 {
				c.keyUsage |= 1 << uint(i)
			}
		}
	case x.oid.Equal(oidSKI):
		var k cryptobyte.String
		if !v.ReadASN1(&k, cbasn1.OCTET_STRING) {
			return malformed("subject key identifier")
		}
		c.ski = k
	case x.oid.Equal(oidAKI):
		if !v.ReadASN1(&seq, cbasn1.SEQUENCE) {
			return malformed("authority key identifier")
		}
		var k cryptobyte.String
		if seq.PeekASN1Tag(cbasn1.Tag(0).ContextSpecific()) {
			if !seq.ReadASN1(&k, cbasn1.Tag(0).ContextSpecific()) {
				return malformed("authority key identifier")
			}
			c.aki = k
		}
	case x.oid.Equal(oidSAN):
		names, err := readGeneralNames(v)
		if err != nil {
			return err
		}
		c.san, c.hasSAN = names, true
	case x.oid.Equal(oidNameConstraints):
		nc, err := readNameConstraints(v)
		if err != nil {
			return err
		}
		c.nc = nc
	case x.oid.Equal(oidCertPolicies):
		return c.readPolicies(v)
	case x.oid.Equal(oidPolicyMappings):
		if !v.ReadASN1(&seq, cbasn1.SEQUENCE) || seq.Empty() {
			return malformed("policy mappings")
		}
		for !seq.Empty() {
			var m cryptobyte.String
			var a, b asn1.ObjectIdentifier
			if !seq.ReadASN1(&m, cbasn1.SEQUENCE) || !m.ReadASN1ObjectIdentifier(&a) || !m.ReadASN1ObjectIdentifier(&b) {
				return malformed("policy mapping")
			}
			c.policyMappings = append(c.policyMappings, [2]string{a.String(), b.String()})
		}
	case x.oid.Equal(oidPolicyConstraints):
		if !v.ReadASN1(&seq, cbasn1.SEQUENCE) {
			return malformed("policy constraints")
		}
		for i, dst := range []*int{&c.requireExplicit, &c.inhibitMapping} {
			tag := cbasn1.Tag(i).ContextSpecific()
			if seq.PeekASN1Tag(tag) {
				var n cryptobyte.String
				var skip int64
				if !seq.ReadASN1(&n, tag) || !readUint(n, &skip) {
					return malformed("policy constraints")
				}
				*dst = int(min(skip, 1<<20))
			}
		}
		if c.requireExplicit < 0 && c.inhibitMapping < 0 {
			return malformed("empty policy constraints")
		}
	case x.oid.Equal(oidInhibitAnyPolicy):
		var n int64
		if !v.ReadASN1Int64WithTag(&n, cbasn1.INTEGER) || n < 0 {
			return malformed("inhibit anyPolicy")
		}
		c.inhibitAny = int(min(n, 1<<20))
	case x.oid.Equal(oidCRLDP):
		dps, err := readDistributionPoints(v)
		if err != nil {
			return err
		}
		c.crlDPs = dps
	}
	return nil
}

// readUint reads the content octets of an implicitly tagged INTEGER.
func readUint(b []byte, out *int64) bool {
	if len(b) == 0 || len(b) > 8 || b[0]&0x80 != 0 {
		return false
	}
	var n int64
	for _, x := range b {
		n = n<<8 | int64(x)
	}
	*out = n
	return true
}

func (c *Certificate) readPolicies(v cryptobyte.String) error {
	var seq cryptobyte.String
	if !v.ReadASN1(&seq, cbasn1.SEQUENCE) || seq.Empty() {
		return malformed("certificate policies")
	}
	c.hasPolicies = true
	seen := map[string]bool{}
	for !seq.Empty() {
		var pi cryptobyte.String
		var oid asn1.ObjectIdentifier
		if !seq.ReadASN1(&pi, cbasn1.SEQUENCE) || !pi.ReadASN1ObjectIdentifier(&oid) {
			return malformed("policy information")
		}
		s := oid.String()
		if seen[s] {
			return malformed("duplicate policy " + s)
		}
		seen[s] = true
		c.policies = append(c.policies, s)
	}
	return nil
}

func readGeneralNames(v cryptobyte.String) ([]generalName, error) {
	var seq cryptobyte.String
	if !v.ReadASN1(&seq, cbasn1.SEQUENCE) {
		return nil, malformed("general names")
	}
	return readGeneralNameList(seq)
}

func readGeneralNameList(seq cryptobyte.String) ([]generalName, error) {
	var out []generalName
	for !seq.Empty() {
		g, err := readGeneralName(&seq)
		if err != nil {
			return nil, err
		}
		out = append(out, g)
	}
	return out, nil
}

func readGeneralName(s *cryptobyte.String) (generalName, error) {
	var g generalName
	var v cryptobyte.String
	var tag cbasn1.Tag
	if !s.ReadAnyASN1(&v, &tag) || tag&0xc0 != 0x80 {
		return g, malformed("general name")
	}
	g.tag = int(tag & 0x1f)
	g.value = v
	if g.tag == gnDirectory {
		var err error
		if g.dn, err = rdn.Parse(v); err != nil {
			return g, malformed("directory name")
		}
	}
	return g, nil
}

func readNameConstraints(v cryptobyte.String) (*nameConstraints, error) {
	var seq cryptobyte.String
	if !v.ReadASN1(&seq, cbasn1.SEQUENCE) {
		return nil, malformed("name constraints")
	}
	nc := &nameConstraints{}
	for i, dst := range []*[]subtree{&nc.permitted, &nc.excluded} {
		tag := cbasn1.Tag(i).Constructed().ContextSpecific()
		if !seq.PeekASN1Tag(tag) {
			continue
		}
		var trees cryptobyte.String
		if !seq.ReadASN1(&trees, tag) || trees.Empty() {
			return nil, malformed("name constraints subtrees")
		}
		for !trees.Empty() {
			var st cryptobyte.String
			if !trees.ReadASN1(&st, cbasn1.SEQUENCE) {
				return nil, malformed("general subtree")
			}
			g, err := readGeneralName(&st)
			if err != nil {
				return nil, err
			}
			t := subtree{name: g}
			if g.tag == gnIP {
				n := len(g.value) / 2
				if n != 4 && n != 16 || len(g.value) != 2*n {
					return nil, malformed("IP address constraint")
				}
				t.ip = &net.IPNet{IP: net.IP(g.value[:n]), Mask: net.IPMask(g.value[n:])}
			}
			// minimum and maximum: RFC 5280 says 0 and absent; others are
			// not supported and are read as such.
			*dst = append(*dst, t)
		}
	}
	if !seq.Empty() || len(nc.permitted)+len(nc.excluded) == 0 {
		return nil, malformed("name constraints")
	}
	return nc, nil
}

func readDistributionPoints(v cryptobyte.String) ([]distributionPoint, error) {
	var seq cryptobyte.String
	if !v.ReadASN1(&seq, cbasn1.SEQUENCE) {
		return nil, malformed("CRL distribution points")
	}
	var out []distributionPoint
	for !seq.Empty() {
		var d cryptobyte.String
		if !seq.ReadASN1(&d, cbasn1.SEQUENCE) {
			return nil, malformed("distribution point")
		}
		var dp distributionPoint
		if d.PeekASN1Tag(cbasn1.Tag(0).Constructed().ContextSpecific()) {
			var n cryptobyte.String
			if !d.ReadASN1(&n, cbasn1.Tag(0).Constructed().ContextSpecific()) {
				return nil, malformed("distribution point name")
			}
			var err error
			if dp.fullName, dp.relative, err = readDPName(n); err != nil {
				return nil, err
			}
			dp.hasName = true
		}
		if d.PeekASN1Tag(cbasn1.Tag(1).ContextSpecific()) {
			var r cryptobyte.String
			if !d.ReadASN1(&r, cbasn1.Tag(1).ContextSpecific()) {
				return nil, malformed("distribution point reasons")
			}
			dp.reasons, dp.hasReasons = reasonBits(r), true
		}
		if d.PeekASN1Tag(cbasn1.Tag(2).Constructed().ContextSpecific()) {
			var r cryptobyte.String
			if !d.ReadASN1(&r, cbasn1.Tag(2).Constructed().ContextSpecific()) {
				return nil, malformed("distribution point cRLIssuer")
			}
			names, err := readGeneralNameList(r)
			if err != nil {
				return nil, err
			}
			dp.crlIssuer = names
		}
		if !d.Empty() {
			return nil, malformed("distribution point")
		}
		out = append(out, dp)
	}
	return out, nil
}

// readDPName reads a DistributionPointName (the content of its [0] tag).
func readDPName(n cryptobyte.String) ([]generalName, []byte, error) {
	switch {
	case n.PeekASN1Tag(cbasn1.Tag(0).Constructed().ContextSpecific()):
		var f cryptobyte.String
		if !n.ReadASN1(&f, cbasn1.Tag(0).Constructed().ContextSpecific()) {
			return nil, nil, malformed("fullName")
		}
		names, err := readGeneralNameList(f)
		return names, nil, err
	case n.PeekASN1Tag(cbasn1.Tag(1).Constructed().ContextSpecific()):
		var r cryptobyte.String
		if !n.ReadASN1(&r, cbasn1.Tag(1).Constructed().ContextSpecific()) {
			return nil, nil, malformed("nameRelativeToCRLIssuer")
		}
		// Re-encode as a SET to parse it as an RDN later.
		b := cryptobyte.NewBuilder(nil)
		b.AddASN1(cbasn1.SET, func(b *cryptobyte.Builder) { b.AddBytes(r) })
		return nil, b.BytesOrPanic(), nil
	}
	return nil, nil, malformed("distribution point name")
}

// reasonBits reads the content of a ReasonFlags BIT STRING (implicitly
// tagged) as a mask, bit i for reason i (bit 0, unused, excluded).
func reasonBits(r []byte) uint16 {
	if len(r) < 1 {
		return 0
	}
	var m uint16
	for i, b := range r[1:] {
		for j := 0; j < 8; j++ {
			if b&(0x80>>j) != 0 && i*8+j < 16 {
				m |= 1 << uint(i*8+j)
			}
		}
	}
	return m &^ 1
}

// selfIssued reports whether c's issuer and subject names match.
func (c *Certificate) selfIssued() bool { return c.issuerKey == c.subjectKey }

// subjectString returns the subject name in RFC 4514 form (for messages).
func (c *Certificate) subjectString() string {
	if c.X509 != nil {
		return c.X509.Subject.String()
	}
	var n pkixName
	if _, err := asn1.Unmarshal(c.rawSubject, &n.seq); err == nil {
		n.name.FillFromRDNSequence(&n.seq)
		return n.name.String()
	}
	return fmt.Sprintf("%x", c.rawSubject)
}

type pkixName struct {
	seq  pkix.RDNSequence
	name pkix.Name
}
