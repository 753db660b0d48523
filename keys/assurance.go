package keys

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// FASLevel is a level of the Belgian federal authentication service (FAS),
// which fronts CSAM, as expressed by the ACR values
// "urn:be:fedict:iam:fas:LevelNNN". The values and their meaning are
// publicly documented, not an official table of the règlement:
//
//	100  self-registration
//	200  username and password
//	300  exists; its keys are not publicly confirmed
//	350  exists; its keys are not publicly confirmed
//	400  security code from a TOTP mobile app
//	450  itsme
//	500  eID with card reader and PIN
//
// The zero value FASUnknown means no public mapping is known for the key.
type FASLevel uint16

// FAS levels.
const (
	FASUnknown FASLevel = 0
	FAS100     FASLevel = 100
	FAS200     FASLevel = 200
	FAS300     FASLevel = 300
	FAS350     FASLevel = 350
	FAS400     FASLevel = 400
	FAS450     FASLevel = 450
	FAS500     FASLevel = 500
)

// fasACRPrefix starts every FAS ACR value.
const fasACRPrefix = "urn:be:fedict:iam:fas:"

// Valid reports whether l is FASUnknown or one of the FAS levels.
func (l FASLevel) Valid() bool {
	switch l {
	case FASUnknown, FAS100, FAS200, FAS300, FAS350, FAS400, FAS450, FAS500:
		return true
	}
	return false
}

// ACR returns the ACR value, e.g. "urn:be:fedict:iam:fas:Level400", or ""
// for FASUnknown.
func (l FASLevel) ACR() string {
	if l == FASUnknown {
		return ""
	}
	return fasACRPrefix + "Level" + strconv.Itoa(int(l))
}

// String returns the ACR value, "unknown" for FASUnknown.
func (l FASLevel) String() string {
	if l == FASUnknown {
		return "unknown"
	}
	if !l.Valid() {
		return fmt.Sprintf("fas(%d)", uint16(l))
	}
	return l.ACR()
}

// ParseFASLevel parses a FAS level: an ACR value
// ("urn:be:fedict:iam:fas:Level400", also with the "citizen:" or
// "enterprise:" context: "urn:be:fedict:iam:fas:citizen:Level400"),
// "Level400" or "400". Other input is an error.
func ParseFASLevel(s string) (FASLevel, error) {
	t := strings.TrimSpace(s)
	if rest, ok := strings.CutPrefix(t, fasACRPrefix); ok {
		rest, _ = strings.CutPrefix(rest, "citizen:")
		rest, _ = strings.CutPrefix(rest, "enterprise:")
		if !strings.HasPrefix(rest, "Level") {
			return 0, fmt.Errorf("%w %q", errUnknownFAS, s)
		}
		t = rest
	}
	t, _ = strings.CutPrefix(t, "Level")
	n, err := strconv.ParseUint(t, 10, 16)
	if err != nil || n == 0 || !FASLevel(n).Valid() || strconv.FormatUint(n, 10) != t {
		return 0, fmt.Errorf("%w %q (want 100, 200, 300, 350, 400, 450, 500 or urn:be:fedict:iam:fas:LevelNNN)", errUnknownFAS, s)
	}
	return FASLevel(n), nil
}

// MarshalText implements encoding.TextMarshaler: the ACR value, or empty
// for FASUnknown.
func (l FASLevel) MarshalText() ([]byte, error) {
	if !l.Valid() {
		return nil, fmt.Errorf("%w %d", errUnknownFAS, uint16(l))
	}
	return []byte(l.ACR()), nil
}

// UnmarshalText implements encoding.TextUnmarshaler with ParseFASLevel; the
// empty text is FASUnknown.
func (l *FASLevel) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*l = FASUnknown
		return nil
	}
	v, err := ParseFASLevel(string(b))
	if err != nil {
		return err
	}
	*l = v
	return nil
}

// UnmarshalJSON accepts a JSON string (see UnmarshalText) or a number such
// as 400.
func (l *FASLevel) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return fmt.Errorf("%w: %v", errUnknownFAS, err)
		}
		return l.UnmarshalText([]byte(s))
	}
	if len(b) > 0 && (b[0] == '-' || (b[0] >= '0' && b[0] <= '9')) {
		return l.UnmarshalText(b)
	}
	return fmt.Errorf("%w %s (want a string or a number)", errUnknownFAS, truncate(string(b)))
}

// EIDASLevel is an eIDAS level of assurance (Regulation (EU) 910/2014,
// art. 8). The zero value EIDASNone means the key is not rated.
type EIDASLevel uint8

// eIDAS levels of assurance.
const (
	EIDASNone EIDASLevel = iota
	EIDASLow
	EIDASSubstantial
	EIDASHigh
)

// eidasURIPrefix starts every eIDAS level-of-assurance URI.
const eidasURIPrefix = "http://eidas.europa.eu/LoA/"

var eidasNames = [...]string{"none", "low", "substantial", "high"}

// Valid reports whether l is EIDASNone or a level of assurance.
func (l EIDASLevel) Valid() bool { return l <= EIDASHigh }

// String returns "none", "low", "substantial" or "high".
func (l EIDASLevel) String() string {
	if l.Valid() {
		return eidasNames[l]
	}
	return fmt.Sprintf("eidas(%d)", uint8(l))
}

// URI returns the level's URI, e.g. "http://eidas.europa.eu/LoA/high", or
// "" for EIDASNone.
func (l EIDASLevel) URI() string {
	if l == EIDASNone || !l.Valid() {
		return ""
	}
	return eidasURIPrefix + eidasNames[l]
}

// parseEIDASLevel parses "low", "substantial", "high" (any case), their
// URIs, or "none". Other input is an error.
func parseEIDASLevel(s string) (EIDASLevel, error) {
	t := strings.TrimSpace(s)
	if rest, ok := strings.CutPrefix(t, eidasURIPrefix); ok {
		for i := EIDASLow; i <= EIDASHigh; i++ {
			if rest == eidasNames[i] {
				return i, nil
			}
		}
		return 0, fmt.Errorf("%w %q", errUnknownEIDAS, s)
	}
	for i, n := range eidasNames {
		if strings.EqualFold(t, n) {
			return EIDASLevel(i), nil
		}
	}
	return 0, fmt.Errorf("%w %q (want low, substantial, high or none)", errUnknownEIDAS, s)
}

// MarshalText implements encoding.TextMarshaler: "none", "low",
// "substantial" or "high".
func (l EIDASLevel) MarshalText() ([]byte, error) {
	if !l.Valid() {
		return nil, fmt.Errorf("%w %d", errUnknownEIDAS, uint8(l))
	}
	return []byte(l.String()), nil
}

// UnmarshalText implements encoding.TextUnmarshaler. It accepts "low",
// "substantial", "high" (any case), their URIs, or "none"; other input
// is an error.
func (l *EIDASLevel) UnmarshalText(b []byte) error {
	v, err := parseEIDASLevel(string(b))
	if err != nil {
		return err
	}
	*l = v
	return nil
}

func truncate(s string) string {
	if len(s) > 40 {
		return s[:40] + "..."
	}
	return s
}
