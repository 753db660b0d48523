package keys

import (
	"io"
	"time"

	"github.com/csam-go/csam/levels"
)

// RotationPeriod returns the effective rotation period, for the external
// tests of the defaults.
func (l *Lifecycle) RotationPeriod() time.Duration { return l.opts.RotationPeriod }

// Transition returns the state event e leads to from state s, and whether
// the event is allowed there.
func Transition(s levels.KeyState, e Event) (levels.KeyState, bool) { return transition(s, e) }

// DecodeDefinitions reads a definition file as Registry.LoadJSON does,
// without registering its key types, for the tests of the decoder alone.
func DecodeDefinitions(r io.Reader) ([]KeyType, error) {
	data, err := readDefinitions(r)
	if err != nil {
		return nil, err
	}
	kts, _, err := decodeDefinitions(data)
	return kts, err
}

// ParseEIDASLevel is parseEIDASLevel, for the tests of the names.
var ParseEIDASLevel = parseEIDASLevel
