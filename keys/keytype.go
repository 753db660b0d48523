package keys

import (
	"fmt"
	"regexp"
	"slices"

	"github.com/csam-go/csam/levels"
)

// KeyType describes a kind of digital key: what it is called, how reliable
// the règlement deems it, how the federal authentication service (FAS) and
// eIDAS rate it, on which channels it works, and what it consists of.
//
// The three levels are separate attributes on purpose: the règlement's
// column (Level) is what access decisions use; FAS and EIDAS are recorded
// for integrators who meet those scales elsewhere, and for plausibility
// checks (see package keystest).
//
// A KeyType marshals to and from JSON in the definition format read by
// Registry.LoadJSON (see the package documentation of the format).
type KeyType struct {
	// ID identifies the key type: lower-case letters, digits and '-', '.'
	// or '_', starting with a letter or digit, at most 64 bytes.
	ID ID `json:"id"`
	// Names are the key type's names in the national languages and English.
	// At least one must be set.
	Names Names `json:"names"`
	// Level is the règlement's reliability level: column 1 (UID/PWD),
	// column 2 (token with UID/PWD) or column 3 (eID, itsme, X.509
	// certificate, TOTP app). levels.None is not a key level.
	Level levels.Level `json:"level"`
	// FAS is the level of the federal authentication service, as publicly
	// documented; FASUnknown when no public mapping is known.
	FAS FASLevel `json:"fas,omitempty"`
	// EIDAS is the eIDAS level of assurance; EIDASNone when the key is not
	// rated.
	EIDAS EIDASLevel `json:"eidas,omitempty"`
	// Channels lists the channels the key works on (art. 3, 3.4, 11). nil
	// means the web portals only (levels.ChannelPortal): a channel such as
	// (S)FTP must be listed explicitly.
	Channels []levels.Channel `json:"channels,omitempty"`
	// Factors lists what the key consists of (username, password, token,
	// eID card, ...). At least one is required. Future key types may name
	// factors beyond the Factor constants of this package.
	Factors []Factor `json:"factors"`
}

// defaultChannels are the channels of a key type whose Channels is nil: the
// web portals only.
var defaultChannels = []levels.Channel{levels.ChannelPortal}

// Names holds a key type's names by language. Empty means not available.
type Names struct {
	FR string `json:"fr,omitempty"` // French
	NL string `json:"nl,omitempty"` // Dutch
	EN string `json:"en,omitempty"` // English
	DE string `json:"de,omitempty"` // German
}

// In returns the name in language lang ("fr", "nl", "en" or "de"), falling
// back to English, then French, Dutch and German, when it is not available.
func (n Names) In(lang string) string {
	var first string
	switch lang {
	case "fr":
		first = n.FR
	case "nl":
		first = n.NL
	case "en":
		first = n.EN
	case "de":
		first = n.DE
	}
	for _, s := range []string{first, n.EN, n.FR, n.NL, n.DE} {
		if s != "" {
			return s
		}
	}
	return ""
}

// isZero reports whether no name is set.
func (n Names) isZero() bool { return n == Names{} }

// Factor is one element a key consists of: something the user knows, has
// or is given ("password", "eid-card", ...).
type Factor string

// Factors of the built-in key types. A future key type may use others.
const (
	FactorUsername                Factor = "username"
	FactorPassword                Factor = "password"
	FactorToken                   Factor = "token" // citizen token: a card of numbered codes
	FactorSMSCode                 Factor = "sms-code"
	FactorTOTPApp                 Factor = "totp-app"
	FactorItsmeApp                Factor = "itsme-app"
	FactorEIDCard                 Factor = "eid-card"
	FactorCardReader              Factor = "card-reader"
	FactorPIN                     Factor = "pin"
	FactorEIDAuthCertificate      Factor = "eid-authentication-certificate"
	FactorEIDSignatureCertificate Factor = "eid-signature-certificate"
	FactorCertificate             Factor = "certificate" // qualified or on the accepted list (art. 7)
	FactorPrivateKey              Factor = "private-key"
)

var tokenRE = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{0,63}$`)

// Valid reports whether f is a well-formed factor name: lower-case letters,
// digits, '-', '.' or '_', at most 64 bytes.
func (f Factor) Valid() bool { return tokenRE.MatchString(string(f)) }

// Valid reports whether id is a well-formed key type identifier.
func (id ID) Valid() bool { return tokenRE.MatchString(string(id)) }

// Has reports whether the key type consists, among others, of factor f.
func (k KeyType) Has(f Factor) bool { return slices.Contains(k.Factors, f) }

// UsesCertificate reports whether the key type rests on an X.509
// certificate, which art. 7 asks to validate (CA list, expiry, revocation):
// such keys need a levels.CertificateStatus in access decisions.
func (k KeyType) UsesCertificate() bool {
	return k.Has(FactorCertificate) || k.Has(FactorEIDAuthCertificate) || k.Has(FactorEIDSignatureCertificate)
}

// EffectiveChannels returns the channels the key works on: Channels, or the
// portal only when it is nil. The result is a fresh slice.
func (k KeyType) EffectiveChannels() []levels.Channel {
	if k.Channels == nil {
		return slices.Clone(defaultChannels)
	}
	return slices.Clone(k.Channels)
}

// WorksOn reports whether the key type works on channel c.
func (k KeyType) WorksOn(c levels.Channel) bool {
	if k.Channels == nil {
		return slices.Contains(defaultChannels, c)
	}
	return slices.Contains(k.Channels, c)
}

// Presented returns the key as an access decision sees it: its identifier,
// level and channels (never nil), whether it rests on a certificate
// (UsesCertificate) and whether it is the eID signature certificate that
// art. 11 restricts (a key type with the factor
// FactorEIDSignatureCertificate). The state is active; Credential.Presented
// gives a user's credential its own state. Certificate and Holder are left
// empty: for a key type that UsesCertificate, the caller sets Certificate
// from the validation of the certificate actually presented (package
// x509check).
func (k KeyType) Presented() levels.PresentedKey {
	return levels.PresentedKey{
		Type:            string(k.ID),
		Level:           k.Level,
		Channels:        k.EffectiveChannels(),
		EIDSignature:    k.Has(FactorEIDSignatureCertificate),
		UsesCertificate: k.UsesCertificate(),
		State:           levels.KeyActive,
	}
}

// Clone returns a deep copy of k.
func (k KeyType) Clone() KeyType {
	k.Channels = slices.Clone(k.Channels)
	k.Factors = slices.Clone(k.Factors)
	return k
}

// Validate checks that k is a well-formed definition. It returns nil or an
// error joining one [*DefinitionError] per problem, each naming its field.
func (k KeyType) Validate() error {
	return joinErrors(k.problems())
}

func (k KeyType) problems() []*DefinitionError {
	var errs []*DefinitionError
	add := func(field string, err error) {
		errs = append(errs, &DefinitionError{ID: k.ID, Index: -1, Field: field, Err: err})
	}
	switch {
	case k.ID == "":
		add("id", errMissingField)
	case !k.ID.Valid():
		add("id", fmt.Errorf("%w: identifier %q must match [a-z0-9][a-z0-9._-]{0,63}", errInvalidValue, k.ID))
	}
	if k.Names.isZero() {
		add("names", errMissingField)
	}
	switch {
	case !k.Level.Valid():
		add("level", &levels.ParseError{Kind: "level", Input: k.Level.String()})
	case k.Level == levels.None:
		add("level", fmt.Errorf("%w: %q is an application requirement, not a key level (want column1, column2 or column3)", errInvalidValue, k.Level))
	}
	if !k.FAS.Valid() {
		add("fas", fmt.Errorf("%w %d", errUnknownFAS, uint16(k.FAS)))
	}
	if !k.EIDAS.Valid() {
		add("eidas", fmt.Errorf("%w %d", errUnknownEIDAS, uint8(k.EIDAS)))
	}
	if k.Channels != nil && len(k.Channels) == 0 {
		add("channels", fmt.Errorf("%w: empty list (omit the field for the default, the portal)", errInvalidValue))
	}
	for i, c := range k.Channels {
		f := fmt.Sprintf("channels[%d]", i)
		if _, err := c.MarshalText(); err != nil {
			add(f, &levels.ParseError{Kind: "channel", Input: c.String()})
		} else if slices.Contains(k.Channels[:i], c) {
			add(f, fmt.Errorf("%w: channel %q listed twice", errInvalidValue, c))
		}
	}
	if len(k.Factors) == 0 {
		add("factors", errMissingField)
	}
	for i, f := range k.Factors {
		field := fmt.Sprintf("factors[%d]", i)
		if !f.Valid() {
			add(field, fmt.Errorf("%w: factor %q must match [a-z0-9][a-z0-9._-]{0,63}", errInvalidValue, f))
		} else if slices.Contains(k.Factors[:i], f) {
			add(field, fmt.Errorf("%w: factor %q listed twice", errInvalidValue, f))
		}
	}
	return errs
}
