package qc

import (
	"encoding/asn1"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/crypto/cryptobyte"
	casn1 "golang.org/x/crypto/cryptobyte/asn1"

	"github.com/csam-go/csam/x509check/internal/errs"
)

// ErrMalformed is returned (through a [DecodeError]) when the
// QCStatements extension or one of its statements is not valid DER of the
// expected shape, and for a nil certificate. It is x509check.ErrBadInput.
var ErrMalformed = errs.BadInput

// DecodeError reports a malformed QCStatements extension. Statement is the
// identifier of the statement at fault, or nil when the outer structure is
// broken.
type DecodeError struct {
	Statement asn1.ObjectIdentifier
	Reason    string
}

func (e *DecodeError) Error() string {
	if e.Statement == nil {
		return "qc: malformed QCStatements: " + e.Reason
	}
	return "qc: malformed " + statementName(e.Statement) + " statement: " + e.Reason
}

// Unwrap returns [ErrMalformed].
func (e *DecodeError) Unwrap() error { return ErrMalformed }

// MonetaryValue is the QcLimitValue statement: a transaction limit of
// Amount × 10^Exponent in a currency given by its ISO 4217 alphabetic code
// (Currency) or numeric code (CurrencyNumber, when Currency is empty).
type MonetaryValue struct {
	Currency       string
	CurrencyNumber int
	Amount         int64
	Exponent       int64
}

// String renders the value exactly, for example "1000 EUR" or "12.5 EUR".
func (m MonetaryValue) String() string {
	cur := m.Currency
	if cur == "" {
		cur = "currency " + strconv.Itoa(m.CurrencyNumber)
	}
	return decimal(m.Amount, m.Exponent) + " " + cur
}

// decimal renders amount × 10^exp without rounding.
func decimal(amount, exp int64) string {
	neg := amount < 0
	digits := strconv.FormatInt(amount, 10)
	if neg {
		digits = digits[1:]
	}
	switch {
	case exp > 30 || exp < -30:
		s := digits + "e" + strconv.FormatInt(exp, 10)
		if neg {
			s = "-" + s
		}
		return s
	case exp >= 0:
		if digits != "0" {
			digits += strings.Repeat("0", int(exp))
		}
	default:
		n := int(-exp)
		if len(digits) <= n {
			digits = strings.Repeat("0", n-len(digits)+1) + digits
		}
		digits = digits[:len(digits)-n] + "." + digits[len(digits)-n:]
		digits = strings.TrimRight(strings.TrimRight(digits, "0"), ".")
	}
	if neg {
		digits = "-" + digits
	}
	return digits
}

// PDSLocation is one entry of the QcPDS statement: where the PKI disclosure
// statement is published and in which language (ISO 639-1, two letters).
type PDSLocation struct {
	URL      string
	Language string
}

// Semantics is the SemanticsInformation of an id-qcs-pkixQCSyntax-v1/v2
// statement: how the subject's identifiers are to be read.
type Semantics struct {
	// Syntax is oidPKIXQCSyntaxV1 or oidPKIXQCSyntaxV2.
	Syntax asn1.ObjectIdentifier
	// ID is the semanticsIdentifier (for example oidSemanticsNatural), or
	// nil when absent.
	ID asn1.ObjectIdentifier
	// NameRegistrationAuthorities are the GeneralNames of the authorities,
	// rendered as text: URIs, DNS names and e-mail addresses as they are,
	// other name forms as "[tag N] hex".
	NameRegistrationAuthorities []string
}

// Unknown is a statement this package does not interpret, kept as is.
type Unknown struct {
	ID asn1.ObjectIdentifier
	// Info is the DER of statementInfo, nil when absent.
	Info []byte
}

// Statements is the decoded QCStatements extension. Fields of statements
// that are absent stay at their zero value.
type Statements struct {
	Compliance      bool                    // QcCompliance
	LimitValue      *MonetaryValue          // QcLimitValue
	RetentionPeriod *int                    // QcRetentionPeriod, in years
	SSCD            bool                    // QcSSCD
	PDS             []PDSLocation           // QcPDS
	Types           []asn1.ObjectIdentifier // QcType, as declared (nil if the statement is absent)
	Legislation     []string                // QcCClegislation, ISO 3166 country codes
	Semantics       *Semantics              // id-qcs-pkixQCSyntax-v1/v2
	Unknown         []Unknown               // statements not interpreted here, in order
	// IDs lists every statement identifier in the order of the extension.
	IDs []asn1.ObjectIdentifier
}

// has reports whether the statement id was present.
func (s *Statements) has(id asn1.ObjectIdentifier) bool {
	for _, x := range s.IDs {
		if x.Equal(id) {
			return true
		}
	}
	return false
}

// DecodeStatements decodes the value (the content of the extnValue OCTET
// STRING) of a QCStatements extension. Errors are *DecodeError (matching
// [ErrMalformed]). A statement present twice is an error, as are trailing
// bytes and statementInfo of the wrong shape for a known statement.
func DecodeStatements(der []byte) (*Statements, error) {
	in := cryptobyte.String(der)
	var seq cryptobyte.String
	if !in.ReadASN1(&seq, casn1.SEQUENCE) {
		return nil, &DecodeError{Reason: "not a DER SEQUENCE"}
	}
	if !in.Empty() {
		return nil, &DecodeError{Reason: "trailing data"}
	}
	s := &Statements{}
	for !seq.Empty() {
		var st cryptobyte.String
		if !seq.ReadASN1(&st, casn1.SEQUENCE) {
			return nil, &DecodeError{Reason: "statement is not a SEQUENCE"}
		}
		var id asn1.ObjectIdentifier
		if !st.ReadASN1ObjectIdentifier(&id) {
			return nil, &DecodeError{Reason: "statement without a valid statementId"}
		}
		var info cryptobyte.String
		var tag casn1.Tag
		hasInfo := !st.Empty()
		if hasInfo {
			if !st.ReadAnyASN1Element(&info, &tag) || !st.Empty() {
				return nil, &DecodeError{Statement: id, Reason: "statementInfo is not a single DER element"}
			}
		}
		if s.has(id) {
			return nil, &DecodeError{Statement: id, Reason: "statement present more than once"}
		}
		s.IDs = append(s.IDs, id)
		if err := s.decodeOne(id, hasInfo, info, tag); err != nil {
			return nil, err
		}
	}
	return s, nil
}

func (s *Statements) decodeOne(id asn1.ObjectIdentifier, hasInfo bool, info cryptobyte.String, tag casn1.Tag) error {
	bad := func(reason string) error { return &DecodeError{Statement: id, Reason: reason} }
	needInfo := func() error {
		if !hasInfo {
			return bad("statementInfo missing")
		}
		return nil
	}
	// body is the content of info once its tag is checked.
	var body cryptobyte.String
	content := func(want casn1.Tag) bool {
		in := info
		return in.ReadASN1(&body, want) && in.Empty()
	}
	switch {
	case id.Equal(oidQcCompliance), id.Equal(oidQcSSCD):
		// No statementInfo is defined; tolerate an explicit NULL.
		if hasInfo && !(tag == casn1.NULL && len(info) == 2) {
			return bad("unexpected statementInfo")
		}
		if id.Equal(oidQcCompliance) {
			s.Compliance = true
		} else {
			s.SSCD = true
		}
	case id.Equal(oidQcLimitValue):
		if err := needInfo(); err != nil {
			return err
		}
		if !content(casn1.SEQUENCE) {
			return bad("MonetaryValue is not a SEQUENCE")
		}
		var mv MonetaryValue
		var elem, cur cryptobyte.String
		var curTag casn1.Tag
		if !body.ReadAnyASN1Element(&elem, &curTag) {
			return bad("currency missing")
		}
		switch curTag {
		case casn1.PrintableString:
			if !elem.ReadASN1(&cur, casn1.PrintableString) || len(cur) != 3 || !printable(cur) {
				return bad("alphabetic currency code is not 3 printable characters")
			}
			mv.Currency = string(cur)
		case casn1.INTEGER:
			var n int64
			if !elem.ReadASN1Int64WithTag(&n, casn1.INTEGER) || n < 1 || n > 999 {
				return bad("numeric currency code out of range 1..999")
			}
			mv.CurrencyNumber = int(n)
		default:
			return bad("currency is neither PrintableString nor INTEGER")
		}
		if !body.ReadASN1Int64WithTag(&mv.Amount, casn1.INTEGER) ||
			!body.ReadASN1Int64WithTag(&mv.Exponent, casn1.INTEGER) || !body.Empty() {
			return bad("amount and exponent must be two INTEGERs")
		}
		s.LimitValue = &mv
	case id.Equal(oidQcRetentionPeriod):
		if err := needInfo(); err != nil {
			return err
		}
		var years int64
		in := info
		if !in.ReadASN1Int64WithTag(&years, casn1.INTEGER) || years < 0 || years > 1<<20 {
			return bad("retention period is not a non-negative INTEGER")
		}
		y := int(years)
		s.RetentionPeriod = &y
	case id.Equal(oidQcPDS):
		if err := needInfo(); err != nil {
			return err
		}
		if !content(casn1.SEQUENCE) || body.Empty() {
			return bad("PdsLocations is not a non-empty SEQUENCE")
		}
		for !body.Empty() {
			var loc, url, lang cryptobyte.String
			if !body.ReadASN1(&loc, casn1.SEQUENCE) ||
				!loc.ReadASN1(&url, casn1.IA5String) ||
				!loc.ReadASN1(&lang, casn1.PrintableString) || !loc.Empty() {
				return bad("PdsLocation is not SEQUENCE { IA5String, PrintableString }")
			}
			if !ia5(url) {
				return bad("PDS URL is not IA5 text")
			}
			if len(lang) != 2 || !printable(lang) {
				return bad("PDS language is not a two-letter code")
			}
			s.PDS = append(s.PDS, PDSLocation{URL: string(url), Language: string(lang)})
		}
	case id.Equal(oidQcType):
		if err := needInfo(); err != nil {
			return err
		}
		if !content(casn1.SEQUENCE) || body.Empty() {
			return bad("QcType is not a non-empty SEQUENCE OF OBJECT IDENTIFIER")
		}
		s.Types = []asn1.ObjectIdentifier{}
		for !body.Empty() {
			var t asn1.ObjectIdentifier
			if !body.ReadASN1ObjectIdentifier(&t) {
				return bad("QcType element is not an OBJECT IDENTIFIER")
			}
			s.Types = append(s.Types, t)
		}
	case id.Equal(oidQcCClegislation):
		if err := needInfo(); err != nil {
			return err
		}
		if !content(casn1.SEQUENCE) || body.Empty() {
			return bad("QcCClegislation is not a non-empty SEQUENCE OF CountryName")
		}
		for !body.Empty() {
			var cc cryptobyte.String
			if !body.ReadASN1(&cc, casn1.PrintableString) || len(cc) != 2 || !printable(cc) {
				return bad("country is not a two-letter PrintableString")
			}
			s.Legislation = append(s.Legislation, string(cc))
		}
	case id.Equal(oidPKIXQCSyntaxV1), id.Equal(oidPKIXQCSyntaxV2):
		sem := &Semantics{Syntax: id}
		if hasInfo {
			if !content(casn1.SEQUENCE) {
				return bad("SemanticsInformation is not a SEQUENCE")
			}
			if body.PeekASN1Tag(casn1.OBJECT_IDENTIFIER) {
				if !body.ReadASN1ObjectIdentifier(&sem.ID) {
					return bad("bad semanticsIdentifier")
				}
			}
			if !body.Empty() {
				var names cryptobyte.String
				if !body.ReadASN1(&names, casn1.SEQUENCE) || names.Empty() || !body.Empty() {
					return bad("nameRegistrationAuthorities is not a non-empty SEQUENCE OF GeneralName")
				}
				for !names.Empty() {
					var v cryptobyte.String
					var t casn1.Tag
					if !names.ReadAnyASN1(&v, &t) || t&0xc0 != 0x80 {
						return bad("bad GeneralName")
					}
					sem.NameRegistrationAuthorities = append(sem.NameRegistrationAuthorities, generalName(t, v))
				}
			}
			if sem.ID == nil && sem.NameRegistrationAuthorities == nil {
				return bad("SemanticsInformation is empty")
			}
		}
		s.Semantics = sem
	default:
		u := Unknown{ID: id}
		if hasInfo {
			u.Info = append([]byte(nil), info...)
		}
		s.Unknown = append(s.Unknown, u)
	}
	return nil
}

// generalName renders the IA5String forms of GeneralName as text.
func generalName(t casn1.Tag, v []byte) string {
	n := int(t & 0x1f)
	if t&0x20 == 0 && (n == 1 || n == 2 || n == 6) && ia5(v) {
		return string(v)
	}
	return fmt.Sprintf("[tag %d] %s", n, hex.EncodeToString(v))
}

func ia5(b []byte) bool {
	for _, c := range b {
		if c >= 0x80 {
			return false
		}
	}
	return true
}

func printable(b []byte) bool {
	for _, c := range b {
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		case strings.IndexByte(" '()+,-./:=?", c) >= 0:
		default:
			return false
		}
	}
	return true
}
