package keys

import "time"

// RotationPeriod returns the effective rotation period, for the external
// tests of the defaults.
func (l *Lifecycle) RotationPeriod() time.Duration { return l.opts.RotationPeriod }

// Transition returns the state event e leads to from state s, and whether
// the event is allowed there.
func Transition(s State, e Event) (State, bool) { return transition(s, e) }
