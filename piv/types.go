package piv

import (
	"fmt"
	"strconv"
)

// Slot is a PIV key reference (SP 800-73-4 part 1 table 4b).
type Slot byte

// The main slots of SP 800-73-4. The retired key management slots 82 to 95
// are Slot(0x82) to Slot(0x95).
const (
	SlotAuthentication     Slot = 0x9a // PIV authentication
	SlotSignature          Slot = 0x9c // digital signature
	SlotKeyManagement      Slot = 0x9d // key management
	SlotCardAuthentication Slot = 0x9e // card authentication
)

// mainSlots are the four main slots.
var mainSlots = []Slot{SlotAuthentication, SlotSignature, SlotKeyManagement, SlotCardAuthentication}

// retiredSlots are the retired key management slots 82 to 95.
var retiredSlots = func() []Slot {
	var s []Slot
	for k := Slot(0x82); k <= 0x95; k++ {
		s = append(s, k)
	}
	return s
}()

// Valid reports whether s is a key slot: one of the four main slots (9a,
// 9c, 9d, 9e) or a retired key management slot (82 to 95).
func (s Slot) Valid() bool {
	switch s {
	case SlotAuthentication, SlotSignature, SlotKeyManagement, SlotCardAuthentication:
		return true
	}
	return s >= 0x82 && s <= 0x95
}

// String is the two hex digits ("9a").
func (s Slot) String() string { return fmt.Sprintf("%02x", byte(s)) }

// MarshalText is String.
func (s Slot) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// ParseSlot reads a slot written in hex ("9a", "0x9c", "82").
func ParseSlot(str string) (Slot, error) {
	if len(str) > 2 && (str[:2] == "0x" || str[:2] == "0X") {
		str = str[2:]
	}
	n, err := strconv.ParseUint(str, 16, 8)
	if err != nil || !Slot(n).Valid() {
		return 0, fmt.Errorf("piv: %q is not a PIV slot (9a, 9c, 9d, 9e, 82 to 95)", str)
	}
	return Slot(n), nil
}

// Algorithm is a key algorithm of a slot.
type Algorithm int

// Algorithms. The zero value is AlgorithmEC256 when generating.
const (
	AlgorithmEC256 Algorithm = iota + 1
	AlgorithmEC384
	AlgorithmEd25519
	AlgorithmRSA2048
)

var algNames = map[Algorithm]string{
	AlgorithmEC256: "P-256", AlgorithmEC384: "P-384", AlgorithmEd25519: "Ed25519", AlgorithmRSA2048: "RSA-2048",
}

func (a Algorithm) String() string {
	if s, ok := algNames[a]; ok {
		return s
	}
	return fmt.Sprintf("Algorithm(%d)", int(a))
}

// ParseAlgorithm reads "P-256", "P-384", "Ed25519" or "RSA-2048" (case
// and the dash do not matter).
func ParseAlgorithm(s string) (Algorithm, error) {
	for a, n := range algNames {
		if equalFoldNoDash(n, s) {
			return a, nil
		}
	}
	return 0, fmt.Errorf("piv: unknown algorithm %q (P-256, P-384, Ed25519, RSA-2048)", s)
}

func equalFoldNoDash(a, b string) bool {
	norm := func(s string) string {
		out := make([]byte, 0, len(s))
		for i := 0; i < len(s); i++ {
			c := s[i]
			if c == '-' || c == '_' {
				continue
			}
			if c >= 'A' && c <= 'Z' {
				c += 'a' - 'A'
			}
			out = append(out, c)
		}
		return string(out)
	}
	return norm(a) == norm(b)
}

// PINPolicy says when a slot key needs the PIN. The zero value is the
// token's default for the slot.
type PINPolicy int

// PIN policies (Yubico's: 1 never, 2 once per session, 3 always).
const (
	PINPolicyDefault PINPolicy = iota
	PINPolicyNever
	PINPolicyOnce
	PINPolicyAlways
	PINPolicyMatchOnce   // biometric match once (YubiKey Bio)
	PINPolicyMatchAlways // biometric match every time (YubiKey Bio)
)

var pinPolicyNames = []string{"default", "never", "once", "always", "match-once", "match-always"}

func (p PINPolicy) String() string {
	if p >= 0 && int(p) < len(pinPolicyNames) {
		return pinPolicyNames[p]
	}
	return fmt.Sprintf("PINPolicy(%d)", int(p))
}

// MarshalText is String.
func (p PINPolicy) MarshalText() ([]byte, error) { return []byte(p.String()), nil }

// TouchPolicy says when a slot key needs a touch. The zero value is the
// token's default (never).
type TouchPolicy int

// Touch policies (Yubico's: 1 never, 2 always, 3 cached for 15 s).
const (
	TouchPolicyDefault TouchPolicy = iota
	TouchPolicyNever
	TouchPolicyAlways
	TouchPolicyCached
)

var touchPolicyNames = []string{"default", "never", "always", "cached"}

func (p TouchPolicy) String() string {
	if p >= 0 && int(p) < len(touchPolicyNames) {
		return touchPolicyNames[p]
	}
	return fmt.Sprintf("TouchPolicy(%d)", int(p))
}

// MarshalText is String.
func (p TouchPolicy) MarshalText() ([]byte, error) { return []byte(p.String()), nil }

// Version is a firmware version.
type Version struct{ Major, Minor, Patch int }

func (v Version) String() string { return fmt.Sprintf("%d.%d.%d", v.Major, v.Minor, v.Patch) }

// MarshalText is String.
func (v Version) MarshalText() ([]byte, error) { return []byte(v.String()), nil }

// FormFactor is the physical form of a YubiKey as its attestation says.
type FormFactor byte

var formFactors = map[FormFactor]string{
	0x01: "USB-A keychain", 0x02: "USB-A nano", 0x03: "USB-C keychain", 0x04: "USB-C nano",
	0x05: "USB-C/Lightning keychain", 0x06: "USB-A biometric keychain", 0x07: "USB-C biometric keychain",
}

func (f FormFactor) String() string {
	base := f &^ 0x80
	name, ok := formFactors[base]
	if !ok {
		name = fmt.Sprintf("unknown (0x%02x)", byte(base))
	}
	if f&0x80 != 0 {
		name += " FIPS"
	}
	return name
}

// MarshalText is String.
func (f FormFactor) MarshalText() ([]byte, error) { return []byte(f.String()), nil }
