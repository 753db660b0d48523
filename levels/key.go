package levels

import "fmt"

// PresentedKey describes the digital key a user presents, as far as an
// access decision needs it. Package keys builds one from a key type
// (keys.KeyType.Presented); levels does not import keys.
type PresentedKey struct {
	// Type is the key type identifier (a keys.ID such as "eid" or "totp-app").
	// Empty together with a None level means no key was presented.
	Type string `json:"type"`
	// Level is the key type's reliability level.
	Level Level `json:"level"`
	// Channels lists the channels the key type may be used on; nil means
	// every channel.
	Channels []Channel `json:"channels,omitempty"`
	// EIDSignature marks the eID signature certificate, restricted by art. 11.
	EIDSignature bool `json:"eid_signature,omitempty"`
	// UsesCertificate marks keys resting on an X.509 certificate and its
	// private key (a qualified certificate, the eID): art. 3.2.e and 3.4 ask
	// for one. keys.KeyType.Presented sets it from the key type's factors.
	// A key with EIDSignature or a Certificate status counts as
	// certificate-based too; the channels a key works on never do: a key
	// that works over (S)FTP without a certificate unlocks no declaration
	// of art. 3.4.
	UsesCertificate bool `json:"uses_certificate,omitempty"`
	// Certificate is the validation outcome for certificate-based keys
	// (art. 7); nil when the certificate was not validated for this decision.
	Certificate *CertificateStatus `json:"certificate,omitempty"`
	// State is the credential's lifecycle state (art. 5, 5 bis). The zero
	// value, KeyStateUnknown, grants nothing: Decide refuses a presented
	// key without a state. keys.KeyType.Presented sets KeyActive.
	State KeyState `json:"state,omitempty"`
	// Attributes are verified properties of this key, such as
	// AttrAttestedNonExportable; Request.RequireKeyAttributes names those
	// a service requires.
	Attributes []string `json:"attributes,omitempty"`
	// Holder identifies the person the key was issued to; when both it and
	// Request.User are set they must be equal (art. 5 bis: keys are strictly
	// personal).
	Holder string `json:"holder,omitempty"`
}

// worksOn reports whether the key may be used on channel c.
func (k *PresentedKey) worksOn(c Channel) bool {
	if k.Channels == nil {
		return true
	}
	for _, x := range k.Channels {
		if x == c {
			return true
		}
	}
	return false
}

// certificateBased reports whether the key rests on a certificate (see
// UsesCertificate).
func (k *PresentedKey) certificateBased() bool {
	return k.UsesCertificate || k.EIDSignature || k.Certificate != nil
}

// presented reports whether a key was presented at all.
func (k *PresentedKey) presented() bool {
	return k.Type != "" || k.Level != None || k.Certificate != nil || k.EIDSignature || k.UsesCertificate
}

// CertificateStatus is what art. 7 asks of a certificate: issued by a CA on
// the published list, qualified (or of a type on the list of accepted
// certificates), neither expired nor revoked. Package x509check produces it
// from a validation result.
type CertificateStatus struct {
	Valid     bool `json:"valid"`     // the path to a listed CA verified
	Qualified bool `json:"qualified"` // qualified certificate (QCStatements or trusted list)
	// Accepted marks a certificate that is not qualified but of a type on
	// the list of accepted certificates published on the portal (art. 7).
	Accepted bool `json:"accepted,omitempty"`
	Expired  bool `json:"expired"`
	Revoked  bool `json:"revoked"`
	// EID marks a certificate of the Belgian eID card (its identity or
	// signature certificate, art. 2 bis) on a path to a Belgian eID root:
	// art. 7 admits the eID card as the alternative to a qualified
	// certificate ("soit … une carte d'identité électronique, soit …
	// un certificat qualifié"), so it needs neither QCStatements nor the
	// accepted list.
	EID bool `json:"eid,omitempty"`
	// Unlisted marks a qualified certificate whose certification authority
	// is on neither the published list of authorities nor the list of
	// accepted certificates: art. 7 lets its holder ask, with username and
	// password through the portal's form, that the authority be added; until
	// then it cannot be used. Only set when the service loads such a list.
	Unlisted bool `json:"unlisted,omitempty"`
}

// KeyState is a credential's lifecycle state (art. 5, 5 bis). Package keys
// uses it for a credential's state (keys.Credential.State). The zero value, KeyStateUnknown, is no
// state: a presented key whose state was not set grants nothing, and
// Decide refuses it with an error wrapping [ErrUnknownKeyState].
type KeyState uint8

const (
	// KeyStateUnknown is the zero value: the state was not set.
	KeyStateUnknown KeyState = iota
	// KeyMustChange: the password must be changed first — at first use, or
	// when it is due for its regular change (art. 5).
	KeyMustChange
	// KeyActive: the key may be used.
	KeyActive
	// KeyDeactivated: the key was lost or misused and deactivated
	// (art. 5, 5 bis), or it was replaced. It never comes back.
	KeyDeactivated
	// KeyBlocked: the key is locked and must be replaced by a new one
	// (art. 5, 5 bis).
	KeyBlocked
)

var keyStateNames = [...]string{"unknown", "must-change", "active", "deactivated", "blocked"}

// Valid reports whether s is a state (not KeyStateUnknown, not out of
// range).
func (s KeyState) Valid() bool { return s > KeyStateUnknown && int(s) < len(keyStateNames) }

// String returns "must-change", "active", "deactivated" or "blocked", and
// "unknown" for KeyStateUnknown.
func (s KeyState) String() string {
	if int(s) < len(keyStateNames) {
		return keyStateNames[s]
	}
	return fmt.Sprintf("keystate(%d)", uint8(s))
}

// parseKeyState parses a state name as String returns it ("lost" is
// deactivated, "locked" is blocked). Other input, "" and "unknown" included,
// gives a [*ParseError].
func parseKeyState(s string) (KeyState, error) {
	switch s {
	case "active":
		return KeyActive, nil
	case "must-change":
		return KeyMustChange, nil
	case "deactivated", "lost":
		return KeyDeactivated, nil
	case "blocked", "locked":
		return KeyBlocked, nil
	}
	return KeyStateUnknown, &ParseError{Kind: "key state", Input: s}
}

// MarshalText implements encoding.TextMarshaler.
func (s KeyState) MarshalText() ([]byte, error) {
	if !s.Valid() {
		return nil, fmt.Errorf("levels: cannot marshal invalid key state %d", uint8(s))
	}
	return []byte(s.String()), nil
}

// UnmarshalText implements encoding.TextUnmarshaler. It accepts the names
// String returns ("lost" is deactivated, "locked" is blocked); other input,
// "" and "unknown" included, gives a [*ParseError].
func (s *KeyState) UnmarshalText(b []byte) error {
	v, err := parseKeyState(string(b))
	if err != nil {
		return err
	}
	*s = v
	return nil
}
