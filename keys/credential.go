package keys

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/csam-go/csam/levels"
)

// Event is what happens to a credential.
type Event uint8

// Credential events.
const (
	EventChangePassword Event = iota + 1 // the user sets a new password
	EventRotationDue                     // the rotation period has passed
	EventReportLost                      // the key is reported lost or misused
	EventBlock                           // the key is locked (e.g. too many failures)
	EventReplace                         // a new key replaces a blocked or deactivated one
)

var eventNames = [...]string{"", "change-password", "rotation-due", "report-lost", "block", "replace"}

// String returns the event's name, e.g. "report-lost".
func (e Event) String() string {
	if e >= EventChangePassword && e <= EventReplace {
		return eventNames[e]
	}
	return fmt.Sprintf("event(%d)", uint8(e))
}

// transitions is the lifecycle: from a state, an event leads to a state.
// EventReplace leaves the old credential deactivated; the new one starts
// as Lifecycle.Issue does.
var transitions = map[levels.KeyState]map[Event]levels.KeyState{
	levels.KeyMustChange: {
		EventChangePassword: levels.KeyActive,
		EventReportLost:     levels.KeyDeactivated,
		EventBlock:          levels.KeyBlocked,
	},
	levels.KeyActive: {
		EventChangePassword: levels.KeyActive,
		EventRotationDue:    levels.KeyMustChange,
		EventReportLost:     levels.KeyDeactivated,
		EventBlock:          levels.KeyBlocked,
	},
	levels.KeyBlocked: {
		EventReportLost: levels.KeyDeactivated,
		EventReplace:    levels.KeyDeactivated,
	},
	levels.KeyDeactivated: {
		EventReplace: levels.KeyDeactivated,
	},
}

// transition returns the state event e leads to from state s, and whether
// the lifecycle allows it.
func transition(s levels.KeyState, e Event) (levels.KeyState, bool) {
	to, ok := transitions[s][e]
	return to, ok
}

// ErrMustChange is returned, as a [*StateError], by [Lifecycle.Use] when
// the password must be changed before the key is used: at first use, or
// because the rotation period has passed (art. 5).
var ErrMustChange = errors.New("keys: password must be changed")

// StateError is returned when a credential's state does not allow what was
// asked: its use ([Lifecycle.Use]; Event is zero) or an event of its
// lifecycle, e.g. re-activating a blocked key instead of replacing it. It
// matches [ErrMustChange] when a credential whose password must be changed
// was to be used, and [levels.ErrUnknownKeyState] when State is not a
// state (the zero state grants nothing).
type StateError struct {
	KeyType ID
	State   levels.KeyState // the credential's state
	Event   Event           // the event refused; zero when the credential was to be used
}

// Error names the key type, then what its state does not allow.
func (e *StateError) Error() string {
	var why string
	switch {
	case e.Event != 0:
		why = fmt.Sprintf("%s not allowed in state %s", e.Event, e.State)
	case e.State == levels.KeyMustChange:
		why = "password must be changed before use (art. 5)"
	case e.State == levels.KeyDeactivated:
		why = "key deactivated (art. 5 bis)"
	case e.State == levels.KeyBlocked:
		why = "key blocked: ask for a new key (art. 5 bis)"
	default:
		why = fmt.Sprintf("no state (%s): a key without a state grants nothing", e.State)
	}
	return fmt.Sprintf("keys: credential of %q: %s", string(e.KeyType), why)
}

// Is reports whether target is ErrMustChange or levels.ErrUnknownKeyState
// and e is that case.
func (e *StateError) Is(target error) bool {
	switch target {
	case ErrMustChange:
		return e.Event == 0 && e.State == levels.KeyMustChange
	case levels.ErrUnknownKeyState:
		return !e.State.Valid()
	}
	return false
}

// Credential is the state of one user's key of one key type. It holds no
// secret: passwords are checked by Lifecycle.ChangePassword and stored, if
// at all, by the caller. A Credential is a plain value; callers serialise
// the changes they make to one credential.
type Credential struct {
	// KeyType is the key type identifier.
	KeyType ID
	// HasPassword tells whether the key includes a password (FactorPassword):
	// only then do must-change and rotation apply.
	HasPassword bool
	// State is the credential's state. Its zero value,
	// levels.KeyStateUnknown, is no state and grants nothing.
	State levels.KeyState
	// Generation counts the credentials of this user and key type: 1 for
	// the first, one more for each replacement.
	Generation int
	// IssuedAt is when the credential was issued.
	IssuedAt time.Time
	// ChangedAt is when the password was last changed; zero before the
	// first change.
	ChangedAt time.Time
	// Replaced tells that a new credential replaced this one (Replace): it
	// cannot be replaced again.
	Replaced bool
}

// Presented returns key type k as presented with this credential: as
// KeyType.Presented, with the credential's state. A credential whose state
// was never set keeps the zero state, which levels.Decide refuses. It does
// not check that c.KeyType is k.ID.
func (c Credential) Presented(k KeyType) levels.PresentedKey {
	p := k.Presented()
	p.State = c.State
	return p
}

// DefaultRotationPeriod is the rotation period of a zero LifecycleOptions.
// Art. 5 asks that passwords be changed "régulièrement" without a period;
// 90 days is this package's choice.
const DefaultRotationPeriod = 90 * 24 * time.Hour

// LifecycleOptions configures a Lifecycle. The zero value is usable.
type LifecycleOptions struct {
	// RotationPeriod is how long a password stays usable after it was
	// changed. Zero means DefaultRotationPeriod; a negative value turns
	// rotation off.
	RotationPeriod time.Duration
	// Policy is the rule new passwords must meet; the zero value is art. 5.
	Policy PasswordPolicy
	// Now returns the current time; nil means time.Now.
	Now func() time.Time
	// Logger receives one record per state change and per refused password
	// (with the reasons, never the password); nil means no logging.
	Logger *slog.Logger
}

// Lifecycle applies the rules of arts. 5 and 5 bis to credentials.
type Lifecycle struct {
	opts LifecycleOptions
}

// NewLifecycle returns a Lifecycle with the given options.
func NewLifecycle(opts LifecycleOptions) *Lifecycle {
	if opts.RotationPeriod == 0 {
		opts.RotationPeriod = DefaultRotationPeriod
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	return &Lifecycle{opts: opts}
}

// Issue returns a new credential of key type k: in [levels.KeyMustChange]
// when the key has a password, which must be changed at first use (art. 5),
// else in [levels.KeyActive].
func (l *Lifecycle) Issue(k KeyType) Credential {
	c := Credential{KeyType: k.ID, HasPassword: k.Has(FactorPassword), State: levels.KeyActive, Generation: 1, IssuedAt: l.opts.Now()}
	if c.HasPassword {
		c.State = levels.KeyMustChange
	}
	l.log(context.Background(), "keys: credential issued", c, 0, 0)
	return c
}

// Use checks that the credential may be used now. It returns nil for an
// active credential, else a [*StateError] with the credential's state:
// [levels.KeyMustChange] (matching [ErrMustChange]) when the password must
// be changed first, at first use or because the rotation period has passed
// (the credential then moves to that state); [levels.KeyDeactivated] or
// [levels.KeyBlocked]; the zero state or one out of range (matching
// [levels.ErrUnknownKeyState]), which grants nothing.
func (l *Lifecycle) Use(c *Credential) error {
	if c.State == levels.KeyActive {
		if !l.rotationDue(c) {
			return nil
		}
		l.apply(c, EventRotationDue)
		return fmt.Errorf("%w: the rotation period of %v has passed", &StateError{KeyType: c.KeyType, State: c.State}, l.opts.RotationPeriod)
	}
	return &StateError{KeyType: c.KeyType, State: c.State}
}

// RotationDue reports whether the password of an active credential is
// older than the rotation period.
func (l *Lifecycle) RotationDue(c Credential) bool { return l.rotationDue(&c) }

func (l *Lifecycle) rotationDue(c *Credential) bool {
	if !c.HasPassword || l.opts.RotationPeriod < 0 || c.State != levels.KeyActive {
		return false
	}
	since := c.ChangedAt
	if since.IsZero() {
		since = c.IssuedAt
	}
	return !l.opts.Now().Before(since.Add(l.opts.RotationPeriod))
}

// ChangePassword records a password change: the new password must meet
// the policy (else a [*PasswordError] listing every rule broken), the key
// must have a password and be in [levels.KeyMustChange] or
// [levels.KeyActive] (else a [*StateError]). The credential becomes
// active. The password is checked, never stored nor logged.
func (l *Lifecycle) ChangePassword(c *Credential, newPassword string) error {
	if !c.HasPassword {
		return fmt.Errorf("keys: key type %q has no password", string(c.KeyType))
	}
	if _, ok := transition(c.State, EventChangePassword); !ok {
		return &StateError{KeyType: c.KeyType, State: c.State, Event: EventChangePassword}
	}
	if err := l.opts.Policy.Check(newPassword); err != nil {
		if l.opts.Logger != nil {
			l.opts.Logger.Info("keys: new password refused", slog.String("key_type", string(c.KeyType)),
				slog.Int("generation", c.Generation), slog.String("reasons", err.Error()))
		}
		return err
	}
	l.apply(c, EventChangePassword)
	c.ChangedAt = l.opts.Now()
	return nil
}

// ReportLost deactivates a credential reported lost or misused (art. 5,
// 5 bis). A deactivated credential cannot be reported again
// ([*StateError]).
func (l *Lifecycle) ReportLost(c *Credential) error { return l.event(c, EventReportLost) }

// Block locks a credential, e.g. after too many failed attempts. A blocked
// credential is not unblocked: it is replaced (Replace). Blocking a
// credential that is already blocked or deactivated is a [*StateError].
func (l *Lifecycle) Block(c *Credential) error { return l.event(c, EventBlock) }

// Replace issues a new credential for a blocked or deactivated one (art. 5:
// "un nouveau nom d'utilisateur et un nouveau mot de passe sont fournis";
// art. 5 bis: a locked key is replaced by a new one). The old credential
// ends deactivated; the new one has the next generation and starts as Issue
// does (must change its password). Replacing a usable credential, or one
// already replaced, is a [*StateError].
func (l *Lifecycle) Replace(c *Credential) (Credential, error) {
	if _, ok := transition(c.State, EventReplace); !ok || c.Replaced {
		return Credential{}, &StateError{KeyType: c.KeyType, State: c.State, Event: EventReplace}
	}
	l.apply(c, EventReplace)
	c.Replaced = true
	n := Credential{KeyType: c.KeyType, HasPassword: c.HasPassword, State: levels.KeyActive, Generation: c.Generation + 1, IssuedAt: l.opts.Now()}
	if n.HasPassword {
		n.State = levels.KeyMustChange
	}
	l.log(context.Background(), "keys: credential issued", n, 0, EventReplace)
	return n, nil
}

func (l *Lifecycle) event(c *Credential, e Event) error {
	if _, ok := transition(c.State, e); !ok {
		return &StateError{KeyType: c.KeyType, State: c.State, Event: e}
	}
	l.apply(c, e)
	return nil
}

// apply moves c along an allowed transition and logs it.
func (l *Lifecycle) apply(c *Credential, e Event) {
	from := c.State
	c.State, _ = transition(from, e)
	l.log(context.Background(), "keys: credential state changed", *c, from, e)
}

func (l *Lifecycle) log(ctx context.Context, msg string, c Credential, from levels.KeyState, e Event) {
	if l.opts.Logger == nil {
		return
	}
	attrs := []slog.Attr{slog.String("key_type", string(c.KeyType)), slog.Int("generation", c.Generation), slog.String("state", c.State.String())}
	if from != 0 {
		attrs = append(attrs, slog.String("from", from.String()))
	}
	if e != 0 {
		attrs = append(attrs, slog.String("event", e.String()))
	}
	l.opts.Logger.LogAttrs(ctx, slog.LevelInfo, msg, attrs...)
}
