package keys_test

import (
	"bytes"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/csam-go/csam/keys"
	"github.com/csam-go/csam/levels"
)

// fakeClock is an injectable clock for the lifecycle.
type fakeClock struct{ t time.Time }

func (c *fakeClock) Now() time.Time          { return c.t }
func (c *fakeClock) Advance(d time.Duration) { c.t = c.t.Add(d) }

func newClock() *fakeClock { return &fakeClock{t: time.Date(2025, 3, 26, 9, 0, 0, 0, time.UTC)} }

const goodPassword = "Tr0ub4dor&3-horse!"

func builtin(t *testing.T, id keys.ID) keys.KeyType {
	t.Helper()
	k, ok := keys.NewRegistry().Lookup(id)
	if !ok {
		t.Fatalf("no built-in %q", id)
	}
	return k
}

// TestTransitions lists every (state, event) pair: the lifecycle allows
// exactly these, and the Lifecycle methods follow the table.
func TestTransitions(t *testing.T) {
	allowed := map[levels.KeyState]map[keys.Event]levels.KeyState{
		levels.KeyMustChange:  {keys.EventChangePassword: levels.KeyActive, keys.EventReportLost: levels.KeyDeactivated, keys.EventBlock: levels.KeyBlocked},
		levels.KeyActive:      {keys.EventChangePassword: levels.KeyActive, keys.EventRotationDue: levels.KeyMustChange, keys.EventReportLost: levels.KeyDeactivated, keys.EventBlock: levels.KeyBlocked},
		levels.KeyBlocked:     {keys.EventReportLost: levels.KeyDeactivated, keys.EventReplace: levels.KeyDeactivated},
		levels.KeyDeactivated: {keys.EventReplace: levels.KeyDeactivated},
	}
	states := []levels.KeyState{levels.KeyMustChange, levels.KeyActive, levels.KeyDeactivated, levels.KeyBlocked}
	events := []keys.Event{keys.EventChangePassword, keys.EventRotationDue, keys.EventReportLost, keys.EventBlock, keys.EventReplace}
	for _, s := range states {
		for _, e := range events {
			want, ok := allowed[s][e]
			t.Run(s.String()+"/"+e.String(), func(t *testing.T) {
				got, gotOK := keys.Transition(s, e)
				if gotOK != ok || got != want {
					t.Fatalf("Transition(%v, %v) = %v, %v; want %v, %v", s, e, got, gotOK, want, ok)
				}
				if e == keys.EventRotationDue {
					return // driven by the clock, see TestRotation
				}
				clock := newClock()
				lc := keys.NewLifecycle(keys.LifecycleOptions{Now: clock.Now})
				c := lc.Issue(builtin(t, keys.IDPassword))
				c.State = s
				var err error
				switch e {
				case keys.EventChangePassword:
					err = lc.ChangePassword(&c, goodPassword)
				case keys.EventReportLost:
					err = lc.ReportLost(&c)
				case keys.EventBlock:
					err = lc.Block(&c)
				case keys.EventReplace:
					var n keys.Credential
					n, err = lc.Replace(&c)
					if ok && (n.State != levels.KeyMustChange || n.Generation != 2 || !c.Replaced) {
						t.Fatalf("Replace gave %+v (old %+v)", n, c)
					}
				}
				if !ok {
					var se *keys.StateError
					if !errors.As(err, &se) || se.State != s || se.Event != e || errors.Is(err, keys.ErrMustChange) {
						t.Fatalf("%v in %v: err = %v, want a *StateError", e, s, err)
					}
					if c.State != s {
						t.Fatalf("a refused %v moved the state from %v to %v", e, s, c.State)
					}
					return
				}
				if err != nil || c.State != want {
					t.Fatalf("%v in %v: state %v, err %v; want %v", e, s, c.State, err, want)
				}
			})
		}
	}
}

// TestScenarios follows credentials through the cases of arts. 5 and 5 bis.
func TestScenarios(t *testing.T) {
	t.Run("must change at first use", func(t *testing.T) {
		lc := keys.NewLifecycle(keys.LifecycleOptions{Now: newClock().Now})
		c := lc.Issue(builtin(t, keys.IDPassword))
		if c.State != levels.KeyMustChange || !c.HasPassword || c.Generation != 1 {
			t.Fatalf("Issue = %+v", c)
		}
		if err := lc.Use(&c); !errors.Is(err, keys.ErrMustChange) || !isState(err, levels.KeyMustChange, 0) {
			t.Fatalf("first Use = %v, want ErrMustChange", err)
		}
		if err := lc.ChangePassword(&c, "short1!"); !errors.As(err, new(*keys.PasswordError)) || c.State != levels.KeyMustChange {
			t.Fatalf("weak password: %v, state %v", err, c.State)
		}
		if err := lc.ChangePassword(&c, goodPassword); err != nil {
			t.Fatal(err)
		}
		if err := lc.Use(&c); err != nil {
			t.Fatalf("Use after change = %v", err)
		}
	})
	t.Run("key without password starts active", func(t *testing.T) {
		lc := keys.NewLifecycle(keys.LifecycleOptions{Now: newClock().Now})
		c := lc.Issue(builtin(t, keys.IDItsme))
		if c.State != levels.KeyActive || c.HasPassword {
			t.Fatalf("Issue(itsme) = %+v", c)
		}
		if err := lc.Use(&c); err != nil {
			t.Fatal(err)
		}
		if err := lc.ChangePassword(&c, goodPassword); !isProblem(err, "has no password") || errors.As(err, new(*keys.StateError)) {
			t.Fatalf("ChangePassword on itsme = %v, want a key type without password", err)
		}
	})
	t.Run("lost key is deactivated for good", func(t *testing.T) {
		lc := keys.NewLifecycle(keys.LifecycleOptions{Now: newClock().Now})
		c := lc.Issue(builtin(t, keys.IDTOTPApp))
		if err := lc.ChangePassword(&c, goodPassword); err != nil {
			t.Fatal(err)
		}
		if err := lc.ReportLost(&c); err != nil || c.State != levels.KeyDeactivated {
			t.Fatalf("ReportLost: %v, %v", err, c.State)
		}
		if err := lc.Use(&c); !isState(err, levels.KeyDeactivated, 0) || !isProblem(err, "deactivated") {
			t.Fatalf("Use of a lost key = %v", err)
		}
		if err := lc.ChangePassword(&c, goodPassword); !isState(err, levels.KeyDeactivated, keys.EventChangePassword) {
			t.Fatalf("re-activating a lost key by a password change = %v", err)
		}
		n, err := lc.Replace(&c)
		if err != nil || n.State != levels.KeyMustChange || n.Generation != 2 {
			t.Fatalf("Replace = %+v, %v", n, err)
		}
		if _, err := lc.Replace(&c); !isState(err, levels.KeyDeactivated, keys.EventReplace) {
			t.Fatalf("second Replace of one credential = %v", err)
		}
	})
	t.Run("blocked key is replaced", func(t *testing.T) {
		clock := newClock()
		lc := keys.NewLifecycle(keys.LifecycleOptions{Now: clock.Now})
		c := lc.Issue(builtin(t, keys.IDQualifiedCertificate))
		if err := lc.ChangePassword(&c, goodPassword); err != nil {
			t.Fatal(err)
		}
		if err := lc.Block(&c); err != nil {
			t.Fatal(err)
		}
		if err := lc.Use(&c); !isState(err, levels.KeyBlocked, 0) || !isProblem(err, "blocked") || errors.Is(err, keys.ErrMustChange) {
			t.Fatalf("Use of a blocked key = %v", err)
		}
		if err := lc.Block(&c); !isState(err, levels.KeyBlocked, keys.EventBlock) {
			t.Fatalf("Block twice = %v", err)
		}
		clock.Advance(time.Hour)
		n, err := lc.Replace(&c)
		if err != nil {
			t.Fatal(err)
		}
		if c.State != levels.KeyDeactivated || n.State != levels.KeyMustChange || n.Generation != 2 ||
			n.KeyType != keys.IDQualifiedCertificate || !n.IssuedAt.Equal(clock.Now()) {
			t.Fatalf("after Replace: old %+v, new %+v", c, n)
		}
	})
}

// TestRotation drives the clock past the rotation period.
func TestRotation(t *testing.T) {
	tests := []struct {
		name   string
		period time.Duration
		after  time.Duration
		due    bool
	}{
		{"default, just before", 0, keys.DefaultRotationPeriod - time.Second, false},
		{"default, at the period", 0, keys.DefaultRotationPeriod, true},
		{"30 days, after 31", 30 * 24 * time.Hour, 31 * 24 * time.Hour, true},
		{"30 days, after 29", 30 * 24 * time.Hour, 29 * 24 * time.Hour, false},
		{"off", -1, 10 * 365 * 24 * time.Hour, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clock := newClock()
			lc := keys.NewLifecycle(keys.LifecycleOptions{RotationPeriod: tt.period, Now: clock.Now})
			c := lc.Issue(builtin(t, keys.IDPassword))
			if err := lc.ChangePassword(&c, goodPassword); err != nil {
				t.Fatal(err)
			}
			clock.Advance(tt.after)
			if got := lc.RotationDue(c); got != tt.due {
				t.Fatalf("RotationDue = %v, want %v", got, tt.due)
			}
			err := lc.Use(&c)
			if !tt.due {
				if err != nil || c.State != levels.KeyActive {
					t.Fatalf("Use = %v, state %v", err, c.State)
				}
				return
			}
			if !errors.Is(err, keys.ErrMustChange) || !isProblem(err, "rotation period") || c.State != levels.KeyMustChange {
				t.Fatalf("Use after the period = %v, state %v; want ErrMustChange", err, c.State)
			}
			if err := lc.ChangePassword(&c, "An0ther:Secret-Phrase"); err != nil {
				t.Fatal(err)
			}
			if err := lc.Use(&c); err != nil || !c.ChangedAt.Equal(clock.Now()) {
				t.Fatalf("Use after rotation = %v (changed at %v)", err, c.ChangedAt)
			}
		})
	}
	if got := keys.NewLifecycle(keys.LifecycleOptions{}).RotationPeriod(); got != keys.DefaultRotationPeriod {
		t.Fatalf("zero options: rotation period %v, want %v", got, keys.DefaultRotationPeriod)
	}
}

// TestLifecycleNeverLogsPasswords logs every state change and a refused
// password, and checks the records name the states but no password.
func TestLifecycleNeverLogsPasswords(t *testing.T) {
	var buf bytes.Buffer
	lc := keys.NewLifecycle(keys.LifecycleOptions{Now: newClock().Now, Logger: slog.New(slog.NewTextHandler(&buf, nil))})
	c := lc.Issue(builtin(t, keys.IDPassword))
	weak := "weakling-pass"
	if err := lc.ChangePassword(&c, weak); err == nil {
		t.Fatal("weak password accepted")
	}
	if err := lc.ChangePassword(&c, goodPassword); err != nil {
		t.Fatal(err)
	}
	if err := lc.Block(&c); err != nil {
		t.Fatal(err)
	}
	if _, err := lc.Replace(&c); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, secret := range []string{weak, goodPassword} {
		if strings.Contains(out, secret) {
			t.Fatalf("log reveals a password:\n%s", out)
		}
	}
	for _, want := range []string{"new password refused", "no digit", "from=must-change", "state=active", "event=block", "state=blocked", "event=replace", "generation=2"} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %q:\n%s", want, out)
		}
	}
	if n := strings.Count(out, "\n"); n != 6 {
		t.Errorf("%d log records, want 6 (issue, refusal, change, block, replace, new issue):\n%s", n, out)
	}
}

func TestCredentialPresented(t *testing.T) {
	tests := []struct {
		state levels.KeyState
		want  levels.KeyState
	}{
		{levels.KeyActive, levels.KeyActive},
		{levels.KeyMustChange, levels.KeyMustChange},
		{levels.KeyDeactivated, levels.KeyDeactivated},
		{levels.KeyBlocked, levels.KeyBlocked},
		{0, levels.KeyStateUnknown},
		{99, 99},
	}
	k := builtin(t, keys.IDEID)
	for _, tt := range tests {
		t.Run(tt.state.String(), func(t *testing.T) {
			c := keys.Credential{KeyType: k.ID, State: tt.state}
			p := c.Presented(k)
			if p.State != tt.want || p.Type != "eid" || p.Level != levels.Column3 {
				t.Fatalf("Presented = %+v, want state %v", p, tt.want)
			}
			// Zero values never grant: a credential without a valid state
			// is refused with a typed error.
			_, err := levels.Decide(levels.Request{Application: "Dimona (sécurisé)",
				Roles: levels.RolesOf(levels.RoleAccessManager), Key: p})
			if got := errors.Is(err, levels.ErrUnknownKeyState); got != !tt.state.Valid() {
				t.Fatalf("Decide with state %v: %v", tt.state, err)
			}
			// Nor does the lifecycle let such a credential be used.
			lc := keys.NewLifecycle(keys.LifecycleOptions{})
			if err := lc.Use(&c); errors.Is(err, levels.ErrUnknownKeyState) != !tt.state.Valid() {
				t.Fatalf("Use with state %v: %v", tt.state, err)
			}
		})
	}
}

// isState reports whether err is a *keys.StateError for state s and event
// e (zero: the credential was to be used).
func isState(err error, s levels.KeyState, e keys.Event) bool {
	var se *keys.StateError
	return errors.As(err, &se) && se.State == s && se.Event == e
}
