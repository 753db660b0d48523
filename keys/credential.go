package keys

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/csam-go/csam/levels"
)

// State is the state of a user's credential (arts. 5 and 5 bis). It is the
// type package levels reads in a levels.PresentedKey: one type, whose zero
// value (levels.KeyStateUnknown) is no state and grants nothing.
type State = levels.KeyState

// Credential states. The zero value is not a state.
const (
	// StateMustChange: the password must be changed before the key is used:
	// at first use (art. 5) and when the rotation period has passed.
	StateMustChange = levels.KeyMustChange
	// StateActive: the key may be used.
	StateActive = levels.KeyActive
	// StateDeactivated: the key was lost or misused and has been
	// deactivated (art. 5, 5 bis), or it was replaced. It never comes back.
	StateDeactivated = levels.KeyDeactivated
	// StateBlocked: the key is locked; the user must ask for a new one
	// (art. 5, 5 bis), which Lifecycle.Replace issues.
	StateBlocked = levels.KeyBlocked
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
var transitions = map[State]map[Event]State{
	StateMustChange: {
		EventChangePassword: StateActive,
		EventReportLost:     StateDeactivated,
		EventBlock:          StateBlocked,
	},
	StateActive: {
		EventChangePassword: StateActive,
		EventRotationDue:    StateMustChange,
		EventReportLost:     StateDeactivated,
		EventBlock:          StateBlocked,
	},
	StateBlocked: {
		EventReportLost: StateDeactivated,
		EventReplace:    StateDeactivated,
	},
	StateDeactivated: {
		EventReplace: StateDeactivated,
	},
}

// Transition returns the state event e leads to from state s, and whether
// the lifecycle allows it.
func Transition(s State, e Event) (State, bool) {
	to, ok := transitions[s][e]
	return to, ok
}

// Errors of credential use and lifecycle.
var (
	// ErrForbiddenTransition is returned, as a *TransitionError that
	// matches it, when the lifecycle does not allow an event in the
	// credential's state.
	ErrForbiddenTransition = errors.New("keys: transition not allowed")
	// ErrMustChange is returned when the password must be changed before
	// the key is used.
	ErrMustChange = errors.New("keys: password must be changed")
	// ErrDeactivated is returned when the key was lost or misused and is
	// deactivated.
	ErrDeactivated = errors.New("keys: key deactivated")
	// ErrBlocked is returned when the key is blocked; a new one must be
	// requested.
	ErrBlocked = errors.New("keys: key blocked")
	// ErrNoPassword is returned when the key type has no password to
	// change.
	ErrNoPassword = errors.New("keys: key type has no password")
)

// TransitionError reports an event the lifecycle does not allow in the
// credential's state, e.g. re-activating a blocked key instead of
// replacing it.
type TransitionError struct {
	KeyType ID
	From    State
	Event   Event
}

// Error names the key type, the event and the state that refused it.
func (e *TransitionError) Error() string {
	return fmt.Sprintf("keys: credential of %q: %s not allowed in state %s", string(e.KeyType), e.Event, e.From)
}

// Is reports whether target is ErrForbiddenTransition.
func (e *TransitionError) Is(target error) bool { return target == ErrForbiddenTransition }

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
	// State is the credential's state.
	State State
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

// RotationPeriod returns the effective rotation period (negative: none).
func (l *Lifecycle) RotationPeriod() time.Duration { return l.opts.RotationPeriod }

// Issue returns a new credential of key type k: in StateMustChange when the
// key has a password, which must be changed at first use (art. 5), else in
// StateActive.
func (l *Lifecycle) Issue(k KeyType) Credential {
	c := Credential{KeyType: k.ID, HasPassword: k.Has(FactorPassword), State: StateActive, Generation: 1, IssuedAt: l.opts.Now()}
	if c.HasPassword {
		c.State = StateMustChange
	}
	l.log(context.Background(), "keys: credential issued", c, 0, 0)
	return c
}

// Use checks that the credential may be used now. It returns nil for an
// active credential; ErrMustChange when the password must be changed
// first (at first use, or because the rotation period has passed: the
// credential then moves to StateMustChange); ErrDeactivated or ErrBlocked
// for those states; an error wrapping [levels.ErrUnknownKeyState] for the
// zero State or one out of range, which grants nothing.
func (l *Lifecycle) Use(c *Credential) error {
	switch c.State {
	case StateActive:
		if l.rotationDue(c) {
			l.apply(c, EventRotationDue)
			return fmt.Errorf("%w: the rotation period of %v has passed (art. 5)", ErrMustChange, l.opts.RotationPeriod)
		}
		return nil
	case StateMustChange:
		return fmt.Errorf("%w before use (art. 5)", ErrMustChange)
	case StateDeactivated:
		return fmt.Errorf("%w (art. 5 bis)", ErrDeactivated)
	case StateBlocked:
		return fmt.Errorf("%w: ask for a new key (art. 5 bis)", ErrBlocked)
	}
	return fmt.Errorf("keys: credential of %q: %w %v", string(c.KeyType), levels.ErrUnknownKeyState, c.State)
}

// RotationDue reports whether the password of an active credential is
// older than the rotation period.
func (l *Lifecycle) RotationDue(c Credential) bool { return l.rotationDue(&c) }

func (l *Lifecycle) rotationDue(c *Credential) bool {
	if !c.HasPassword || l.opts.RotationPeriod < 0 || c.State != StateActive {
		return false
	}
	since := c.ChangedAt
	if since.IsZero() {
		since = c.IssuedAt
	}
	return !l.opts.Now().Before(since.Add(l.opts.RotationPeriod))
}

// ChangePassword records a password change: the new password must meet
// the policy (else a *PasswordError listing every rule broken), the key must
// have a password (ErrNoPassword) and be in StateMustChange or StateActive
// (else a *TransitionError). The credential becomes active. The password is
// checked, never stored nor logged.
func (l *Lifecycle) ChangePassword(c *Credential, newPassword string) error {
	if !c.HasPassword {
		return fmt.Errorf("%w: %q", ErrNoPassword, string(c.KeyType))
	}
	if _, ok := Transition(c.State, EventChangePassword); !ok {
		return &TransitionError{KeyType: c.KeyType, From: c.State, Event: EventChangePassword}
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
// (*TransitionError).
func (l *Lifecycle) ReportLost(c *Credential) error { return l.event(c, EventReportLost) }

// Block locks a credential, e.g. after too many failed attempts. A blocked
// credential is not unblocked: it is replaced (Replace). Blocking a
// credential that is already blocked or deactivated is a *TransitionError.
func (l *Lifecycle) Block(c *Credential) error { return l.event(c, EventBlock) }

// Replace issues a new credential for a blocked or deactivated one (art. 5:
// "un nouveau nom d'utilisateur et un nouveau mot de passe sont fournis";
// art. 5 bis: a locked key is replaced by a new one). The old credential
// ends deactivated; the new one has the next generation and starts as Issue
// does (must change its password). Replacing a usable credential, or one
// already replaced, is a *TransitionError.
func (l *Lifecycle) Replace(c *Credential) (Credential, error) {
	if _, ok := Transition(c.State, EventReplace); !ok || c.Replaced {
		return Credential{}, &TransitionError{KeyType: c.KeyType, From: c.State, Event: EventReplace}
	}
	l.apply(c, EventReplace)
	c.Replaced = true
	n := Credential{KeyType: c.KeyType, HasPassword: c.HasPassword, State: StateActive, Generation: c.Generation + 1, IssuedAt: l.opts.Now()}
	if n.HasPassword {
		n.State = StateMustChange
	}
	l.log(context.Background(), "keys: credential issued", n, 0, EventReplace)
	return n, nil
}

func (l *Lifecycle) event(c *Credential, e Event) error {
	if _, ok := Transition(c.State, e); !ok {
		return &TransitionError{KeyType: c.KeyType, From: c.State, Event: e}
	}
	l.apply(c, e)
	return nil
}

// apply moves c along an allowed transition and logs it.
func (l *Lifecycle) apply(c *Credential, e Event) {
	from := c.State
	c.State, _ = Transition(from, e)
	l.log(context.Background(), "keys: credential state changed", *c, from, e)
}

func (l *Lifecycle) log(ctx context.Context, msg string, c Credential, from State, e Event) {
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
