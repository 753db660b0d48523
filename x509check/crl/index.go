package crl

import (
	"bytes"
	"encoding/asn1"
	"encoding/binary"
	"encoding/pem"
	"hash/maphash"
	"iter"
	"math/big"
	"math/bits"
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

// Record layout in Index.arena, one after the other in CRL order:
//
//	serial length (1 byte), serial (DER INTEGER content), reason (1 byte,
//	0xff absent), flags (1 byte), revocation time (8 bytes, Unix seconds,
//	little endian), [invalidity date (8 bytes) if flagInvalidity],
//	[issuer index (2 bytes) if flagIssuer]
const (
	flagInvalidity = 1 << iota
	flagIssuer
)

// maxEntriesPerSerial bounds the entries of one serial number (one per
// certificate issuer of an indirect CRL).
const maxEntriesPerSerial = 64

// maxIssuers bounds the distinct certificateIssuer names of an indirect CRL.
const maxIssuers = 1 << 16

// Index is a compact, read-only index of a CRL's revoked serial numbers,
// built once per CRL version by BuildIndex without materialising
// x509.RevocationList entries: the entries live in one byte arena (about
// 11 bytes plus the serial per entry) reached through an open-addressing
// hash table (8 bytes per slot, at most half full). It is safe for
// concurrent use.
type Index struct {
	arena   []byte
	table   []uint64 // arena offset+1 (low 32 bits), hash tag (high 32 bits); 0 empty
	seed    maphash.Seed
	n       int
	issuers [][]byte
	// unknownCritical holds the first unknown critical entry extensions.
	unknownCritical []*ExtensionError
}

// Len returns the number of entries.
func (ix *Index) Len() int { return ix.n }

// Lookup returns the entry of serial, if it is listed. A serial is listed
// at most once per certificate issuer (BuildIndex refuses a repeat); in an
// indirect CRL the same serial may be listed for several certificate
// issuers (the first in CRL order is returned): use LookupIssuer
// there.
func (ix *Index) Lookup(serial *big.Int) (Entry, bool) {
	if serial == nil {
		return Entry{}, false
	}
	var buf [40]byte
	return ix.entryAt(ix.find(serialBytes(serial, buf[:0]), nil, nil, false))
}

// LookupBytes is Lookup with the serial given as the content octets of its
// DER INTEGER encoding (big-endian two's complement, minimal: a positive
// serial whose top bit is set starts with 0x00).
func (ix *Index) LookupBytes(serial []byte) (Entry, bool) {
	return ix.entryAt(ix.find(serial, nil, nil, false))
}

// LookupIssuer returns the entry for serial whose certificate issuer is
// the DER Name issuer; an entry naming no certificate issuer belongs to
// crlIssuer, the DER Name of the CRL's issuer.
func (ix *Index) LookupIssuer(serial *big.Int, crlIssuer, issuer []byte) (Entry, bool) {
	if serial == nil {
		return Entry{}, false
	}
	var buf [40]byte
	return ix.entryAt(ix.find(serialBytes(serial, buf[:0]), crlIssuer, issuer, true))
}

// entryAt decodes the record at off, if off is not negative. The lookups
// pass record offsets rather than Entry values (80 bytes) between them: on
// a lookup whose data is in cache, copying the Entry at every level costs
// as much as the search.
func (ix *Index) entryAt(off int) (Entry, bool) {
	if off < 0 {
		return Entry{}, false
	}
	e, _ := ix.decode(off)
	return e, true
}

// find returns the offset of serial's record (the first one in CRL order
// whose certificate issuer is issuer, when matchIssuer), or -1.
func (ix *Index) find(serial, crlIssuer, issuer []byte, matchIssuer bool) int {
	if ix == nil || len(ix.table) == 0 {
		return -1
	}
	h := maphash.Bytes(ix.seed, serial)
	tag := uint32(h >> 32)
	mask := uint64(len(ix.table) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		slot := ix.table[i]
		if slot == 0 {
			return -1
		}
		if uint32(slot>>32) != tag {
			continue
		}
		off := int(uint32(slot)) - 1
		l := int(ix.arena[off])
		if !bytes.Equal(ix.arena[off+1:off+1+l], serial) {
			continue
		}
		if matchIssuer {
			eff := ix.issuerAt(off)
			if eff == nil {
				eff = crlIssuer
			}
			if !bytes.Equal(eff, issuer) {
				continue
			}
		}
		return off
	}
}

// issuerAt returns the certificate issuer of the record at off (nil: the
// CRL issuer).
func (ix *Index) issuerAt(off int) []byte {
	a := ix.arena
	p := off + 1 + int(a[off])
	flags := a[p+1]
	if flags&flagIssuer == 0 {
		return nil
	}
	p += 10
	if flags&flagInvalidity != 0 {
		p += 8
	}
	return ix.issuers[binary.LittleEndian.Uint16(a[p:])]
}

// decode reads the record at off; it returns the entry and the offset of
// the next record.
func (ix *Index) decode(off int) (Entry, int) {
	a := ix.arena
	l := int(a[off])
	p := off + 1 + l
	e := Entry{Reason: ReasonAbsent}
	if a[p] != 0xff {
		e.Reason = Reason(a[p])
	}
	flags := a[p+1]
	e.RevocationTime = time.Unix(int64(binary.LittleEndian.Uint64(a[p+2:])), 0).UTC()
	p += 10
	if flags&flagInvalidity != 0 {
		e.InvalidityDate = time.Unix(int64(binary.LittleEndian.Uint64(a[p:])), 0).UTC()
		p += 8
	}
	if flags&flagIssuer != 0 {
		e.CertificateIssuer = ix.issuers[binary.LittleEndian.Uint16(a[p:])]
		p += 2
	}
	return e, p
}

// All iterates over the entries in CRL order, with the serial as DER
// INTEGER content octets (valid while the Index is; do not modify).
func (ix *Index) All() iter.Seq2[[]byte, Entry] {
	return func(yield func([]byte, Entry) bool) {
		if ix == nil {
			return
		}
		for off := 0; off < len(ix.arena); {
			l := int(ix.arena[off])
			serial := ix.arena[off+1 : off+1+l : off+1+l]
			e, next := ix.decode(off)
			if !yield(serial, e) {
				return
			}
			off = next
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

// BuildIndex parses the CRL in data (DER, or PEM "X509 CRL") and indexes
// its revoked serial numbers. It checks the structure of the whole CRL but
// neither its signature nor its extensions: use Parse and CRL.Verify for
// that. Errors are *MalformedError (ErrMalformed).
func BuildIndex(data []byte) (*Index, error) {
	der, err := derBytes(data)
	if err != nil {
		return nil, err
	}
	r, err := parseOuter(der)
	if err != nil {
		return nil, err
	}
	return buildIndex(r.revoked)
}

func buildIndex(revoked cryptobyte.String) (*Index, error) {
	// First pass: count entries and serial bytes to size everything once.
	n, serialTotal := 0, 0
	for s := revoked; !s.Empty(); {
		var entry, serial cryptobyte.String
		if !s.ReadASN1(&entry, casn1.SEQUENCE) || !entry.ReadASN1(&serial, casn1.INTEGER) {
			return nil, malformed("bad revoked certificate entry %d", n)
		}
		n++
		serialTotal += len(serial)
	}
	ix := &Index{n: n, seed: maphash.MakeSeed()}
	if n == 0 {
		return ix, nil
	}
	if n > 1<<30 {
		return nil, malformed("too many entries")
	}
	size := 8
	for size < 2*n {
		size <<= 1
	}
	ix.table = make([]uint64, size)
	mask := uint64(size - 1)
	ix.arena = make([]byte, 0, serialTotal+11*n)
	curIssuer := -1
	for i := 0; !revoked.Empty(); i++ {
		var entry, serial cryptobyte.String
		revoked.ReadASN1(&entry, casn1.SEQUENCE)
		entry.ReadASN1(&serial, casn1.INTEGER)
		if !validInteger(serial) {
			return nil, malformed("entry %d: bad serial number", i)
		}
		if len(serial) > 255 {
			return nil, malformed("entry %d: serial number longer than 255 bytes", i)
		}
		revTime, ok := readUnix(&entry)
		if !ok {
			return nil, malformed("entry %d: bad revocationDate", i)
		}
		reason := byte(0xff)
		var flags byte
		var invalidity int64
		if !entry.Empty() {
			var exts cryptobyte.String
			if !entry.ReadASN1(&exts, casn1.SEQUENCE) || !entry.Empty() || exts.Empty() {
				return nil, malformed("entry %d: bad crlEntryExtensions", i)
			}
			for !exts.Empty() {
				var ext, oid, val cryptobyte.String
				var critical bool
				if !exts.ReadASN1(&ext, casn1.SEQUENCE) || !ext.ReadASN1(&oid, casn1.OBJECT_IDENTIFIER) ||
					(ext.PeekASN1Tag(casn1.BOOLEAN) && !ext.ReadASN1Boolean(&critical)) ||
					!ext.ReadASN1(&val, casn1.OCTET_STRING) || !ext.Empty() {
					return nil, malformed("entry %d: bad extension", i)
				}
				switch {
				case bytes.Equal(oid, oidReasonCode):
					var code int
					if !val.ReadASN1Enum(&code) || !val.Empty() || code < 0 || code > 10 || code == 7 {
						return nil, malformed("entry %d: bad reasonCode", i)
					}
					reason = byte(code)
				case bytes.Equal(oid, oidInvalidityDate):
					var t int64
					var body cryptobyte.String
					if !val.ReadASN1(&body, casn1.GeneralizedTime) || !val.Empty() {
						return nil, malformed("entry %d: bad invalidityDate", i)
					}
					if t, ok = parseGeneralized(body); !ok {
						return nil, malformed("entry %d: bad invalidityDate", i)
					}
					invalidity = t
					flags |= flagInvalidity
				case bytes.Equal(oid, oidCertificateIssuer):
					name, ok := directoryName(val)
					if !ok {
						return nil, malformed("entry %d: bad certificateIssuer", i)
					}
					if curIssuer < 0 || !bytes.Equal(ix.issuers[curIssuer], name) {
						if len(ix.issuers) == maxIssuers {
							return nil, malformed("too many certificate issuers")
						}
						ix.issuers = append(ix.issuers, append([]byte(nil), name...))
						curIssuer = len(ix.issuers) - 1
					}
				case bytes.Equal(oid, oidHoldInstruction):
					// Informational; never critical in practice.
				default:
					if critical && len(ix.unknownCritical) < 16 {
						var id asn1.ObjectIdentifier
						if _, err := asn1.Unmarshal(append([]byte{0x06, byte(len(oid))}, oid...), &id); err != nil || len(oid) > 127 {
							return nil, malformed("entry %d: bad extension identifier", i)
						}
						ix.unknownCritical = append(ix.unknownCritical, &ExtensionError{OID: id, Serial: new(big.Int).SetBytes(serial)})
					}
				}
			}
		}
		if curIssuer >= 0 {
			flags |= flagIssuer
		}
		// A serial listed again for the same certificate issuer makes the
		// CRL ambiguous (which entry holds?) and, all in one probe chain,
		// made indexing quadratic: refused, as are more than
		// maxEntriesPerSerial entries for one serial across issuers.
		h := maphash.Bytes(ix.seed, serial)
		j := h & mask
		var cur []byte
		if curIssuer >= 0 {
			cur = ix.issuers[curIssuer]
		}
		for same := 0; ix.table[j] != 0; j = (j + 1) & mask {
			slot := ix.table[j]
			if uint32(slot>>32) != uint32(h>>32) {
				continue
			}
			o := int(uint32(slot)) - 1
			if !bytes.Equal(ix.arena[o+1:o+1+int(ix.arena[o])], serial) {
				continue
			}
			if bytes.Equal(ix.issuerAt(o), cur) {
				return nil, malformed("entry %d: serial number %x listed twice", i, []byte(serial))
			}
			if same++; same >= maxEntriesPerSerial {
				return nil, malformed("entry %d: serial number %x listed for more than %d certificate issuers", i, []byte(serial), maxEntriesPerSerial)
			}
		}
		off := len(ix.arena)
		if uint64(off) >= 1<<32-1 {
			return nil, malformed("CRL too large to index")
		}
		a := append(ix.arena, byte(len(serial)))
		a = append(a, serial...)
		a = append(a, reason, flags)
		a = binary.LittleEndian.AppendUint64(a, uint64(revTime))
		if flags&flagInvalidity != 0 {
			a = binary.LittleEndian.AppendUint64(a, uint64(invalidity))
		}
		if flags&flagIssuer != 0 {
			a = binary.LittleEndian.AppendUint16(a, uint16(curIssuer))
		}
		ix.arena = a
		ix.table[j] = uint64(off+1) | (h>>32)<<32
	}
	return ix, nil
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
