package keys

import "time"

// RotationPeriod returns the effective rotation period, for the external
// tests of the defaults.
func (l *Lifecycle) RotationPeriod() time.Duration { return l.rotationPeriod() }
