package levels

import (
	"fmt"
	"strings"
)

// Level is a reliability level in the order of the règlement's annex tables.
// The zero value is None ("no digital key required").
//
// Levels are ordered: a level suffices for an application, and so does every
// higher level (art. 3.1.e, 3.2.f, 3.3.d).
type Level uint8

const (
	// None: no digital key is required.
	None Level = iota
	// Column1: "UID/PWD + futur" — username and password, or any key of at
	// least that level.
	Column1
	// Column2: "Token avec UID/PWD + futur" — token with username and
	// password, or any key of at least that level.
	Column2
	// Column3: "eID, ITSME, X509 cert., TOTP (App) + futur".
	Column3
)

// maxLevel is the highest level the règlement defines.
const maxLevel = Column3

var levelNames = [...]string{"none", "column1", "column2", "column3"}

// String returns the level's name: "none", "column1", "column2" or "column3".
func (l Level) String() string {
	if int(l) < len(levelNames) {
		return levelNames[l]
	}
	return fmt.Sprintf("level(%d)", uint8(l))
}

// Valid reports whether l is one of the defined levels.
func (l Level) Valid() bool { return l <= maxLevel }

// Suffices reports whether a key of level l satisfies a requirement of
// level req: a level suffices, and so does every higher one.
func (l Level) Suffices(req Level) bool { return l.Valid() && req.Valid() && l >= req }

// ParseLevel parses a level name as produced by String. It also accepts
// "0".."3" and "column 1".."column 3", case-insensitively. Other input
// gives a [*ParseError].
func ParseLevel(s string) (Level, error) {
	t := strings.ToLower(strings.TrimSpace(s))
	t = strings.ReplaceAll(t, " ", "")
	switch t {
	case "none", "0":
		return None, nil
	case "column1", "1":
		return Column1, nil
	case "column2", "2":
		return Column2, nil
	case "column3", "3":
		return Column3, nil
	}
	return 0, &ParseError{Kind: "level", Input: s}
}

// MarshalText implements encoding.TextMarshaler.
func (l Level) MarshalText() ([]byte, error) {
	if !l.Valid() {
		return nil, fmt.Errorf("levels: cannot marshal invalid level %d", uint8(l))
	}
	return []byte(l.String()), nil
}

// UnmarshalText implements encoding.TextUnmarshaler.
func (l *Level) UnmarshalText(b []byte) error {
	v, err := ParseLevel(string(b))
	if err != nil {
		return err
	}
	*l = v
	return nil
}
