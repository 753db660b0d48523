package crl

import (
	"bytes"
	"cmp"
	"encoding/asn1"
	"encoding/binary"
	"encoding/pem"
	"hash/maphash"
	"iter"
	"math/big"
	"math/bits"
	"math/rand/v2"
	"slices"
	"time"

	"golang.org/x/crypto/cryptobyte"
	casn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// Reason is an RFC 5280 CRLReason code.
type Reason int

// The CRLReason codes of RFC 5280 5.3.1, and ReasonAbsent for an entry
// without a reasonCode extension.
const (
	ReasonAbsent               Reason = -1
	ReasonUnspecified          Reason = 0
	ReasonKeyCompromise        Reason = 1
	ReasonCACompromise         Reason = 2
	ReasonAffiliationChanged   Reason = 3
	ReasonSuperseded           Reason = 4
	ReasonCessationOfOperation Reason = 5
	ReasonCertificateHold      Reason = 6
	ReasonRemoveFromCRL        Reason = 8
	ReasonPrivilegeWithdrawn   Reason = 9
	ReasonAACompromise         Reason = 10
)

var reasonNames = map[Reason]string{
	ReasonAbsent:               "absent",
	ReasonUnspecified:          "unspecified",
	ReasonKeyCompromise:        "keyCompromise",
	ReasonCACompromise:         "cACompromise",
	ReasonAffiliationChanged:   "affiliationChanged",
	ReasonSuperseded:           "superseded",
	ReasonCessationOfOperation: "cessationOfOperation",
	ReasonCertificateHold:      "certificateHold",
	ReasonRemoveFromCRL:        "removeFromCRL",
	ReasonPrivilegeWithdrawn:   "privilegeWithdrawn",
	ReasonAACompromise:         "aACompromise",
}

// String returns the RFC 5280 name of the reason ("keyCompromise", ...).
func (r Reason) String() string {
	if s, ok := reasonNames[r]; ok {
		return s
	}
	return "unknown"
}

// MarshalText implements encoding.TextMarshaler with String.
func (r Reason) MarshalText() ([]byte, error) { return []byte(r.String()), nil }

// Entry is one revoked certificate of a CRL.
type Entry struct {
	// RevocationTime is the entry's revocationDate (UTC, whole seconds).
	RevocationTime time.Time
	// Reason is the reasonCode, or ReasonAbsent.
	Reason Reason
	// InvalidityDate is the invalidityDate extension, zero when absent.
	InvalidityDate time.Time
	// CertificateIssuer is the DER of the certificate issuer's Name for an
	// entry of an indirect CRL that names one (certificateIssuer, carried
	// over to the following entries); nil means the CRL issuer.
	CertificateIssuer []byte
}

// The entries of an Index live in slots of a table: fixed-size records
// that hold the serial inline (RFC 5280 4.1.2.2 bounds serials to 20
// bytes), so that one load of a slot answers a lookup. Entries whose
// serial is longer, or that carry an invalidity date or a certificate
// issuer, also have an extra record.
const (
	flagInvalidity = 1 << iota
	flagIssuer
)

// maxInline is the longest serial kept whole in a slot; longer ones keep
// their first maxInline bytes there and the whole serial in their extra.
const maxInline = 20

// longSerial is slot.n of an entry whose serial is longer than maxInline.
const longSerial = 0xff

// slot is one entry: 32 bytes, two in a cache line.
type slot struct {
	serial [maxInline]byte // DER INTEGER content octets, zero padded
	n      uint8           // serial length, longSerial, or 0 for an empty slot
	flags  uint8
	reason uint8   // 0xff: absent
	time   [5]byte // revocation time, Unix seconds, 40-bit two's complement little endian
	order  uint32  // position in the CRL
}

func (s *slot) revocation() int64 {
	var b [8]byte
	copy(b[:], s.time[:])
	return int64(binary.LittleEndian.Uint64(b[:])<<24) >> 24
}

// extra is what an entry holds beyond its slot.
type extra struct {
	order      uint32
	issuer     uint16
	invalidity int64
	serial     []byte // a serial longer than maxInline
}

// maxEntriesPerSerial bounds the entries of one serial number (one per
// certificate issuer of an indirect CRL).
const maxEntriesPerSerial = 64

// maxIssuers bounds the distinct certificateIssuer names of an indirect CRL.
const maxIssuers = 1 << 16

// Index is a compact, read-only index of a CRL's revoked serial numbers,
// built once per CRL version by Parse without materialising
// x509.RevocationList entries: an open-addressing table of 32-byte slots,
// at most half full, each holding an entry's serial, reason and revocation
// time, so that a lookup, of a listed serial or not, usually reads one or
// two adjacent slots. It is safe for concurrent use.
type Index struct {
	table   []slot       // home slots [0, size), then the overflow of the last runs
	size    uint64       // number of home slots
	seed    maphash.Seed // hashes serials longer than maxInline
	keys    [4]uint64    // hash serials of at most maxInline bytes
	n       int
	extras  []extra // by order
	issuers [][]byte
	// unknownCritical holds the first unknown critical entry extensions.
	unknownCritical []*ExtensionError
}

// Len returns the number of entries.
func (ix *Index) Len() int { return ix.n }

// Lookup returns the entry of serial, if it is listed. A serial is listed
// at most once per certificate issuer (Parse refuses a repeat); in an
// indirect CRL the same serial may be listed for several certificate
// issuers (the first in CRL order is returned): use CRL.Check there,
// which matches the certificate issuer.
func (ix *Index) Lookup(serial *big.Int) (Entry, bool) {
	if serial == nil {
		return Entry{}, false
	}
	var buf [40]byte
	return ix.entryAt(ix.find(serialBytes(serial, buf[:0]), nil, nil, false))
}

// entryAt decodes the slot at i, if i is not negative.
func (ix *Index) entryAt(i int) (Entry, bool) {
	if i < 0 {
		return Entry{}, false
	}
	return ix.decode(&ix.table[i]), true
}

// home returns the home slot of a serial.
func (ix *Index) home(serial []byte) uint64 {
	hi, _ := bits.Mul64(ix.hash(serial), ix.size)
	return hi
}

// hash hashes a serial.
func (ix *Index) hash(serial []byte) uint64 {
	if len(serial) <= maxInline {
		var k [maxInline]byte
		copy(k[:], serial)
		return ix.hashInline(&k, len(serial))
	}
	return maphash.Bytes(ix.seed, serial)
}

// hashInline hashes a serial of n <= maxInline bytes, zero padded in k:
// two multiplications of its words mixed with the index's random keys,
// cheaper than maphash on these short inputs.
func (ix *Index) hashInline(k *[maxInline]byte, n int) uint64 {
	a := binary.LittleEndian.Uint64(k[0:])
	b := binary.LittleEndian.Uint64(k[8:])
	c := uint64(binary.LittleEndian.Uint32(k[16:])) | uint64(n)<<32
	hi, lo := bits.Mul64(a^ix.keys[0], b^ix.keys[1])
	hi, lo = bits.Mul64(hi^lo^ix.keys[2], c^ix.keys[3])
	return hi ^ lo
}

// find returns the slot of serial (the first one in CRL order whose
// certificate issuer is issuer, when matchIssuer), or -1.
func (ix *Index) find(serial, crlIssuer, issuer []byte, matchIssuer bool) int {
	var key serialKey
	key.setBytes(serial)
	return ix.findKey(&key, crlIssuer, issuer, matchIssuer)
}

// serialKey is a serial as find looks it up: its DER INTEGER content
// octets zero padded in k when at most maxInline bytes, in long otherwise.
type serialKey struct {
	k    [maxInline]byte
	n    int
	long []byte
}

func (key *serialKey) setBytes(serial []byte) {
	key.n = len(serial)
	if len(serial) > maxInline {
		key.long = serial
		return
	}
	copy(key.k[:], serial)
}

// set converts n, writing its words straight into the key when it is
// non-negative and short (a lookup's cost is otherwise mostly this
// conversion).
func (key *serialKey) set(n *big.Int) {
	words := n.Bits()
	if n.Sign() < 0 || bits.UintSize != 64 || len(words) > 3 {
		var buf [40]byte
		key.setBytes(serialBytes(n, buf[:0]))
		return
	}
	size := 1
	if len(words) > 0 {
		size = ((len(words)-1)*64+bits.Len64(uint64(words[len(words)-1])))/8 + 1
	}
	if size > maxInline {
		var buf [40]byte
		key.setBytes(serialBytes(n, buf[:0]))
		return
	}
	// The words big-endian at the end of w, then the last size bytes:
	// the bytes dropped are zeros, and the minimal form keeps one 0x00
	// when the top bit is set.
	var w [24]byte
	for j, word := range words {
		binary.BigEndian.PutUint64(w[len(w)-8*(j+1):], uint64(word))
	}
	key.n = size
	copy(key.k[:], w[len(w)-size:])
}

// findKey is find for a converted serial.
func (ix *Index) findKey(key *serialKey, crlIssuer, issuer []byte, matchIssuer bool) int {
	if ix == nil || ix.size == 0 || key.n == 0 {
		return -1
	}
	if key.long != nil {
		return ix.findLong(key.long, crlIssuer, issuer, matchIssuer)
	}
	n := uint8(key.n)
	k0 := binary.LittleEndian.Uint64(key.k[:])
	hi, _ := bits.Mul64(ix.hashInline(&key.k, key.n), ix.size)
	t := ix.table
	for i := hi; i < uint64(len(t)); i++ {
		s := &t[i]
		if s.n == 0 {
			return -1
		}
		// The first word tells most serials apart.
		if s.n != n || binary.LittleEndian.Uint64(s.serial[:]) != k0 || s.serial != key.k {
			continue
		}
		if matchIssuer && !ix.issuerMatches(s, crlIssuer, issuer) {
			continue
		}
		return int(i)
	}
	return -1
}

// findLong is find for a serial longer than maxInline.
func (ix *Index) findLong(serial, crlIssuer, issuer []byte, matchIssuer bool) int {
	t := ix.table
	for i := ix.home(serial); i < uint64(len(t)); i++ {
		s := &t[i]
		if s.n == 0 {
			return -1
		}
		if !ix.serialIs(s, serial) {
			continue
		}
		if matchIssuer && !ix.issuerMatches(s, crlIssuer, issuer) {
			continue
		}
		return int(i)
	}
	return -1
}

// issuerMatches reports whether the certificate issuer of s is issuer.
func (ix *Index) issuerMatches(s *slot, crlIssuer, issuer []byte) bool {
	eff := ix.issuerOf(s)
	if eff == nil {
		eff = crlIssuer
	}
	return bytes.Equal(eff, issuer)
}

// serialIs reports whether s holds serial.
func (ix *Index) serialIs(s *slot, serial []byte) bool {
	if len(serial) <= maxInline {
		return int(s.n) == len(serial) && string(s.serial[:len(serial)]) == string(serial)
	}
	return s.n == longSerial && string(s.serial[:]) == string(serial[:maxInline]) &&
		bytes.Equal(ix.extraOf(s).serial, serial)
}

// serialOf returns the serial of s (valid while ix is; do not modify).
func (ix *Index) serialOf(s *slot) []byte {
	if s.n == longSerial {
		return ix.extraOf(s).serial
	}
	return s.serial[:s.n:s.n]
}

// extraOf returns the extra record of s; s must have one.
func (ix *Index) extraOf(s *slot) *extra {
	i, _ := slices.BinarySearchFunc(ix.extras, s.order, func(e extra, o uint32) int { return cmp.Compare(e.order, o) })
	return &ix.extras[i]
}

// issuerOf returns the certificate issuer of s (nil: the CRL issuer).
func (ix *Index) issuerOf(s *slot) []byte {
	if s.flags&flagIssuer == 0 {
		return nil
	}
	return ix.issuers[ix.extraOf(s).issuer]
}

// decode returns the entry of s.
func (ix *Index) decode(s *slot) Entry {
	var e Entry
	ix.decodeTo(&e, s)
	return e
}

// decodeTo sets *e to the entry of s.
func (ix *Index) decodeTo(e *Entry, s *slot) {
	*e = Entry{Reason: ReasonAbsent, RevocationTime: time.Unix(s.revocation(), 0).UTC()}
	if s.reason != 0xff {
		e.Reason = Reason(s.reason)
	}
	if s.flags&(flagInvalidity|flagIssuer) != 0 {
		x := ix.extraOf(s)
		if s.flags&flagInvalidity != 0 {
			e.InvalidityDate = time.Unix(x.invalidity, 0).UTC()
		}
		if s.flags&flagIssuer != 0 {
			e.CertificateIssuer = ix.issuers[x.issuer]
		}
	}
}

// All iterates over the entries in CRL order, with the serial as DER
// INTEGER content octets (valid while the Index is; do not modify).
func (ix *Index) All() iter.Seq2[[]byte, Entry] {
	return func(yield func([]byte, Entry) bool) {
		if ix == nil || ix.n == 0 {
			return
		}
		at := make([]uint32, ix.n)
		for i := range ix.table {
			if s := &ix.table[i]; s.n != 0 {
				at[s.order] = uint32(i)
			}
		}
		for _, i := range at {
			s := &ix.table[i]
			if !yield(ix.serialOf(s), ix.decode(s)) {
				return
			}
		}
	}
}

// serialBytes appends the DER INTEGER content octets of n to buf.
func serialBytes(n *big.Int, buf []byte) []byte {
	if n.Sign() >= 0 {
		// The words big-endian after one zero byte, then the last size
		// bytes of that: the bytes dropped are zeros, and the minimal form
		// keeps one 0x00 when the top bit is set. Whole words are written
		// at once (a lookup's cost is otherwise mostly this conversion).
		size := n.BitLen()/8 + 1
		words := n.Bits()
		const w = bits.UintSize / 8
		full := len(words)*w + 1
		if cap(buf) < full {
			buf = make([]byte, 0, full)
		}
		buf = buf[:full]
		buf[0] = 0
		for k, word := range words {
			pos := full - (k+1)*w
			if w == 8 {
				binary.BigEndian.PutUint64(buf[pos:], uint64(word))
			} else {
				binary.BigEndian.PutUint32(buf[pos:], uint32(word))
			}
		}
		return buf[full-size:]
	}
	// Two's complement of a negative n: the bytes of -n-1, inverted.
	m := new(big.Int).Neg(n)
	m.Sub(m, big.NewInt(1))
	size := m.BitLen()/8 + 1
	buf = append(buf[:0], make([]byte, size)...)
	m.FillBytes(buf)
	for i := range buf {
		buf[i] = ^buf[i]
	}
	return buf
}

// derBytes returns the DER of data: data itself when it starts like DER
// (a SEQUENCE), else the first PEM "X509 CRL" block found in it (text
// around the block, as `openssl crl -text` writes, is ignored).
func derBytes(data []byte) ([]byte, error) {
	if len(data) > 0 && data[0] == 0x30 {
		return data, nil
	}
	for rest := data; ; {
		var b *pem.Block
		b, rest = pem.Decode(rest)
		if b == nil {
			if bytes.Contains(data, []byte("-----BEGIN")) {
				return nil, malformed("PEM input without an X509 CRL block")
			}
			return nil, malformed("neither DER nor PEM")
		}
		if b.Type == "X509 CRL" {
			return b.Bytes, nil
		}
	}
}

// rawCRL is the outer structure of a CertificateList, as slices of the DER.
type rawCRL struct {
	der        []byte
	tbs        []byte // TBSCertList element
	tbsContent []byte
	// revStart/revEnd delimit the revokedCertificates element in
	// tbsContent (both zero when absent).
	revStart, revEnd int
	revoked          cryptobyte.String // its content
	issuer           []byte            // Name element
	thisUpdate       time.Time
	nextUpdate       time.Time
	exts             cryptobyte.String // content of [0] crlExtensions
	hasExts          bool
	sigAlg, sig      []byte // elements
}

var (
	tagCRLExtensions = casn1.Tag(0).Constructed().ContextSpecific()
)

func parseOuter(der []byte) (*rawCRL, error) {
	r := &rawCRL{der: der}
	in := cryptobyte.String(der)
	var list, tbsElem cryptobyte.String
	if !in.ReadASN1(&list, casn1.SEQUENCE) {
		return nil, malformed("not a DER SEQUENCE")
	}
	if !in.Empty() {
		return nil, malformed("trailing data after the CRL")
	}
	var tag casn1.Tag
	if !list.ReadAnyASN1Element(&tbsElem, &tag) || tag != casn1.SEQUENCE {
		return nil, malformed("bad tbsCertList")
	}
	r.tbs = tbsElem
	var sigAlg, sig cryptobyte.String
	if !list.ReadAnyASN1Element(&sigAlg, &tag) || tag != casn1.SEQUENCE ||
		!list.ReadAnyASN1Element(&sig, &tag) || tag != casn1.BIT_STRING || !list.Empty() {
		return nil, malformed("bad signatureAlgorithm or signatureValue")
	}
	r.sigAlg, r.sig = sigAlg, sig
	var tbs cryptobyte.String
	if !tbsElem.ReadASN1(&tbs, casn1.SEQUENCE) {
		return nil, malformed("bad tbsCertList")
	}
	r.tbsContent = tbs
	if tbs.PeekASN1Tag(casn1.INTEGER) {
		var v int64
		if !tbs.ReadASN1Int64WithTag(&v, casn1.INTEGER) || v != 1 {
			return nil, malformed("unsupported version")
		}
	}
	var alg, issuer cryptobyte.String
	if !tbs.ReadASN1Element(&alg, casn1.SEQUENCE) || !tbs.ReadASN1Element(&issuer, casn1.SEQUENCE) {
		return nil, malformed("bad signature algorithm or issuer in tbsCertList")
	}
	r.issuer = issuer
	var ok bool
	if r.thisUpdate, ok = readTime(&tbs); !ok {
		return nil, malformed("bad thisUpdate")
	}
	if tbs.PeekASN1Tag(casn1.UTCTime) || tbs.PeekASN1Tag(casn1.GeneralizedTime) {
		if r.nextUpdate, ok = readTime(&tbs); !ok {
			return nil, malformed("bad nextUpdate")
		}
	}
	if tbs.PeekASN1Tag(casn1.SEQUENCE) {
		r.revStart = len(r.tbsContent) - len(tbs)
		if !tbs.ReadASN1(&r.revoked, casn1.SEQUENCE) {
			return nil, malformed("bad revokedCertificates")
		}
		r.revEnd = len(r.tbsContent) - len(tbs)
	}
	if tbs.PeekASN1Tag(tagCRLExtensions) {
		var exts cryptobyte.String
		if !tbs.ReadASN1(&exts, tagCRLExtensions) || !exts.ReadASN1(&r.exts, casn1.SEQUENCE) || !exts.Empty() {
			return nil, malformed("bad crlExtensions")
		}
		r.hasExts = true
	}
	if !tbs.Empty() {
		return nil, malformed("trailing data in tbsCertList")
	}
	return r, nil
}

// Raw OIDs (content octets) of the entry extensions this package knows.
var (
	oidReasonCode        = []byte{0x55, 0x1d, 0x15} // 2.5.29.21
	oidHoldInstruction   = []byte{0x55, 0x1d, 0x17} // 2.5.29.23
	oidInvalidityDate    = []byte{0x55, 0x1d, 0x18} // 2.5.29.24
	oidCertificateIssuer = []byte{0x55, 0x1d, 0x1d} // 2.5.29.29
)

// buildIndex indexes the entries of revokedCertificates without a random
// access to main memory: a first pass counts the entries of each bucket
// (the high bits of a serial's hash, that is of its home slot: buckets of
// consecutive home slots); a second parses the entries into slots, each
// placed in its bucket (one pass of a radix sort, whose 1024 write streams
// stay in cache); then the slots are inserted in the table bucket after
// bucket, each bucket's part of the table small enough to stay in cache
// while it fills. Entries of one bucket stay in CRL order, as a lookup
// expects of entries of one serial.
func buildIndex(revoked cryptobyte.String) (*Index, error) {
	ix := &Index{seed: maphash.MakeSeed()}
	for i := range ix.keys {
		ix.keys[i] = rand.Uint64()
	}
	start := make([]int, 1<<bucketBits+1) // bucket b starts at start[b]
	n := 0
	for s := revoked; !s.Empty(); {
		var entry, serial cryptobyte.String
		if !s.ReadASN1(&entry, casn1.SEQUENCE) || !entry.ReadASN1(&serial, casn1.INTEGER) {
			return nil, malformed("bad revoked certificate entry %d", n)
		}
		start[ix.hash(serial)>>(64-bucketBits)+1]++
		n++
	}
	ix.n = n
	if n == 0 {
		return ix, nil
	}
	if n > 1<<30 {
		return nil, malformed("too many entries")
	}
	ix.size = 2 * uint64(n)
	for b := 1; b < len(start); b++ {
		start[b] += start[b-1]
	}
	sorted := make([]slot, n)
	curIssuer := -1
	for i := 0; !revoked.Empty(); i++ {
		var s slot
		s.order = uint32(i)
		x, err := ix.parseEntry(&revoked, i, &s, &curIssuer)
		if err != nil {
			return nil, err
		}
		if s.flags != 0 || s.n == longSerial {
			x.order = s.order
			ix.extras = append(ix.extras, x)
		}
		b := ix.hash(ix.serialOfRaw(&s, x)) >> (64 - bucketBits)
		sorted[start[b]] = s
		start[b]++
	}
	ix.table = make([]slot, ix.size, ix.size+ix.size/64+16)
	touched := 0 // the table is entered up to there
	filled := 0  // no slot at or after this one holds an entry
	for k := range sorted {
		s := &sorted[k]
		home := int(ix.homeOf(s))
		if home >= touched {
			// Enter a bucket's part of the table in address order (the
			// first touch of fresh memory), before its random writes.
			// A probe run that began before touched may already have
			// filled slots past it, up to filled: those are kept.
			end := min(home+1<<12, len(ix.table))
			if from := max(touched, filled); from < end {
				clear(ix.table[from:end])
			}
			touched = end
		}
		p := home
		for p < len(ix.table) && ix.table[p].n != 0 {
			p++
		}
		if err := ix.checkRepeat(ix.table[home:p], s, int(s.order)); err != nil {
			return nil, err
		}
		if p == len(ix.table) {
			ix.table = append(ix.table, slot{})
		}
		ix.table[p] = *s
		filled = max(filled, p+1)
	}
	return ix, nil
}

// bucketBits is the number of high bits of a serial's hash (that is, of
// its home slot) that pick its bucket while the index is built. Measured
// at 1M and 10M entries, 2^10 buckets build faster than 2^12 or 2^14: the
// writes of the scatter then stay within fewer cache lines and pages.
const bucketBits = 10

// homeOf returns the home slot of the entry of s.
func (ix *Index) homeOf(s *slot) uint64 {
	if s.n == longSerial {
		return ix.home(ix.extraOf(s).serial)
	}
	hi, _ := bits.Mul64(ix.hashInline(&s.serial, int(s.n)), ix.size)
	return hi
}

// serialOfRaw is serialOf for a slot under construction, whose extra is x.
func (ix *Index) serialOfRaw(s *slot, x extra) []byte {
	if s.n == longSerial {
		return x.serial
	}
	return s.serial[:s.n]
}

// checkRepeat refuses an entry (s, at position i of the CRL) whose serial
// the run before it already lists for the same certificate issuer: the CRL
// would be ambiguous (which entry holds?), and one probe run made long
// that way would slow every lookup. More than maxEntriesPerSerial entries
// for one serial across issuers are refused too.
func (ix *Index) checkRepeat(run []slot, s *slot, i int) error {
	var serial []byte
	same := 0
	for k := range run {
		r := &run[k]
		if r.n != s.n || r.serial != s.serial {
			continue
		}
		if serial == nil {
			serial = ix.serialOf(s)
		}
		if !ix.serialIs(r, serial) {
			continue
		}
		if bytes.Equal(ix.issuerOf(r), ix.issuerOf(s)) {
			return malformed("entry %d: serial number %x listed twice", i, serial)
		}
		if same++; same >= maxEntriesPerSerial {
			return malformed("entry %d: serial number %x listed for more than %d certificate issuers", i, serial, maxEntriesPerSerial)
		}
	}
	return nil
}

// parseEntry reads the next entry of revoked (the i-th) into s; it returns
// the entry's extra record, meaningful when s.flags is set or its serial
// is long. curIssuer is the certificate issuer of the previous entry (an
// index in ix.issuers, or -1), carried over.
func (ix *Index) parseEntry(revoked *cryptobyte.String, i int, s *slot, curIssuer *int) (extra, error) {
	var x extra
	var entry, serial cryptobyte.String
	revoked.ReadASN1(&entry, casn1.SEQUENCE)
	entry.ReadASN1(&serial, casn1.INTEGER)
	if !validInteger(serial) {
		return x, malformed("entry %d: bad serial number", i)
	}
	if len(serial) > 255 {
		return x, malformed("entry %d: serial number longer than 255 bytes", i)
	}
	copy(s.serial[:], serial)
	s.n = uint8(len(serial))
	if len(serial) > maxInline {
		s.n = longSerial
		x.serial = append([]byte(nil), serial...)
	}
	revTime, ok := readUnix(&entry)
	if !ok {
		return x, malformed("entry %d: bad revocationDate", i)
	}
	var t [8]byte
	binary.LittleEndian.PutUint64(t[:], uint64(revTime))
	copy(s.time[:], t[:5])
	s.reason = 0xff
	if !entry.Empty() {
		var exts cryptobyte.String
		if !entry.ReadASN1(&exts, casn1.SEQUENCE) || !entry.Empty() || exts.Empty() {
			return x, malformed("entry %d: bad crlEntryExtensions", i)
		}
		for !exts.Empty() {
			if err := ix.parseEntryExt(&exts, i, serial, s, &x, curIssuer); err != nil {
				return x, err
			}
		}
	}
	if *curIssuer >= 0 {
		s.flags |= flagIssuer
		x.issuer = uint16(*curIssuer)
	}
	return x, nil
}

// parseEntryExt reads the next extension of the entry of slot s.
func (ix *Index) parseEntryExt(exts *cryptobyte.String, i int, serial []byte, s *slot, x *extra, curIssuer *int) error {
	var ext, oid, val cryptobyte.String
	var critical bool
	if !exts.ReadASN1(&ext, casn1.SEQUENCE) || !ext.ReadASN1(&oid, casn1.OBJECT_IDENTIFIER) ||
		(ext.PeekASN1Tag(casn1.BOOLEAN) && !ext.ReadASN1Boolean(&critical)) ||
		!ext.ReadASN1(&val, casn1.OCTET_STRING) || !ext.Empty() {
		return malformed("entry %d: bad extension", i)
	}
	switch {
	case bytes.Equal(oid, oidReasonCode):
		var code int
		if !val.ReadASN1Enum(&code) || !val.Empty() || code < 0 || code > 10 || code == 7 {
			return malformed("entry %d: bad reasonCode", i)
		}
		s.reason = byte(code)
	case bytes.Equal(oid, oidInvalidityDate):
		var body cryptobyte.String
		if !val.ReadASN1(&body, casn1.GeneralizedTime) || !val.Empty() {
			return malformed("entry %d: bad invalidityDate", i)
		}
		t, ok := parseGeneralized(body)
		if !ok {
			return malformed("entry %d: bad invalidityDate", i)
		}
		x.invalidity = t
		s.flags |= flagInvalidity
	case bytes.Equal(oid, oidCertificateIssuer):
		name, ok := directoryName(val)
		if !ok {
			return malformed("entry %d: bad certificateIssuer", i)
		}
		if *curIssuer < 0 || !bytes.Equal(ix.issuers[*curIssuer], name) {
			if len(ix.issuers) == maxIssuers {
				return malformed("too many certificate issuers")
			}
			ix.issuers = append(ix.issuers, append([]byte(nil), name...))
			*curIssuer = len(ix.issuers) - 1
		}
	case bytes.Equal(oid, oidHoldInstruction):
		// Informational; never critical in practice.
	default:
		if critical && len(ix.unknownCritical) < 16 {
			var id asn1.ObjectIdentifier
			if _, err := asn1.Unmarshal(append([]byte{0x06, byte(len(oid))}, oid...), &id); err != nil || len(oid) > 127 {
				return malformed("entry %d: bad extension identifier", i)
			}
			ix.unknownCritical = append(ix.unknownCritical, &ExtensionError{OID: id, Serial: new(big.Int).SetBytes(serial)})
		}
	}
	return nil
}

// validInteger reports whether b is the content of a minimal DER INTEGER.
func validInteger(b []byte) bool {
	if len(b) == 0 {
		return false
	}
	if len(b) > 1 && ((b[0] == 0 && b[1]&0x80 == 0) || (b[0] == 0xff && b[1]&0x80 == 0x80)) {
		return false
	}
	return true
}

// directoryName returns the first directoryName of a GeneralNames.
func directoryName(val cryptobyte.String) ([]byte, bool) {
	var names cryptobyte.String
	if !val.ReadASN1(&names, casn1.SEQUENCE) || !val.Empty() {
		return nil, false
	}
	dirTag := casn1.Tag(4).Constructed().ContextSpecific()
	for !names.Empty() {
		var v cryptobyte.String
		var tag casn1.Tag
		if !names.ReadAnyASN1(&v, &tag) {
			return nil, false
		}
		if tag == dirTag {
			var name cryptobyte.String
			if !v.ReadASN1Element(&name, casn1.SEQUENCE) || !v.Empty() {
				return nil, false
			}
			return name, true
		}
	}
	return nil, false
}

// readTime reads a UTCTime or GeneralizedTime (DER, whole seconds, "Z").
func readTime(s *cryptobyte.String) (time.Time, bool) {
	t, ok := readUnix(s)
	if !ok {
		return time.Time{}, false
	}
	return time.Unix(t, 0).UTC(), true
}

func readUnix(s *cryptobyte.String) (int64, bool) {
	var body cryptobyte.String
	var tag casn1.Tag
	if !s.ReadAnyASN1(&body, &tag) {
		return 0, false
	}
	switch tag {
	case casn1.UTCTime:
		if len(body) != 13 {
			return 0, false
		}
		yy, ok := digits(body[0:2])
		if !ok {
			return 0, false
		}
		year := 2000 + yy
		if yy >= 50 {
			year = 1900 + yy
		}
		return civil(year, body[2:])
	case casn1.GeneralizedTime:
		return parseGeneralized(body)
	}
	return 0, false
}

func parseGeneralized(body []byte) (int64, bool) {
	if len(body) != 15 {
		return 0, false
	}
	year, ok := digits(body[0:4])
	if !ok {
		return 0, false
	}
	return civil(year, body[4:])
}

// civil converts "MMDDhhmmssZ" of the given year to Unix seconds.
func civil(year int, b []byte) (int64, bool) {
	if len(b) != 11 || b[10] != 'Z' {
		return 0, false
	}
	mo, ok1 := digits(b[0:2])
	d, ok2 := digits(b[2:4])
	h, ok3 := digits(b[4:6])
	mi, ok4 := digits(b[6:8])
	s, ok5 := digits(b[8:10])
	if !(ok1 && ok2 && ok3 && ok4 && ok5) || mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || s > 59 {
		return 0, false
	}
	dim := [13]int{0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}[mo]
	if mo == 2 && year%4 == 0 && (year%100 != 0 || year%400 == 0) {
		dim = 29
	}
	if d > dim {
		return 0, false
	}
	// Days from 1970-01-01 (H. Hinnant's days_from_civil).
	y := year
	if mo <= 2 {
		y--
	}
	era := y / 400
	yoe := y - era*400
	m := mo + 9
	if mo > 2 {
		m = mo - 3
	}
	doy := (153*m+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	days := int64(era)*146097 + int64(doe) - 719468
	return days*86400 + int64(h)*3600 + int64(mi)*60 + int64(s), true
}

func digits(b []byte) (int, bool) {
	n := 0
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}
