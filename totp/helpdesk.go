package totp

import (
	"context"
	"time"
)

// Status is what the store holds about a credential, for a helpdesk.
type Status struct {
	// Known reports whether the store holds state for the credential; the
	// other fields are zero when it does not.
	Known bool
	// LastStep is the step of the last accepted code, and LastUsed the
	// start of that step; zero when none is recorded.
	LastStep int64
	LastUsed time.Time
	// Drift is the learned drift, in steps.
	Drift int64
	// Failures counts the consecutive failed codes.
	Failures int
	// LockedUntil is the end of the current lock; zero when not locked.
	LockedUntil time.Time
}

// Status returns what the store holds about the credential id, at the
// verifier's clock. It changes nothing.
func (v *Verifier) Status(ctx context.Context, id string) (Status, error) {
	raw, _, now, err := readNow(ctx, v.c.store, v.c.clock, v.c.now, stateKey(id))
	if err != nil {
		return Status{}, storeErr("reading state", err)
	}
	if raw == nil {
		return Status{}, nil
	}
	st, err := decodeState(raw)
	if err != nil {
		return Status{}, err
	}
	s := Status{Known: true, LastStep: st.lastStep, Drift: st.drift, Failures: int(st.failures)}
	if st.lastStep > 0 {
		s.LastUsed = time.Unix(st.lastStep*int64(v.c.period/time.Second), 0)
	}
	if st.lockedUntil != 0 && now.UnixNano() < st.lockedUntil {
		s.LockedUntil = time.Unix(0, st.lockedUntil)
	}
	return s, nil
}

// Unlock ends the lock of the credential id and clears its failures (after
// a helpdesk has checked the user's identity otherwise). The used steps and
// the drift are kept: no code is accepted again. Unlocking a credential the
// store holds nothing for does nothing.
func (v *Verifier) Unlock(ctx context.Context, id string) error {
	return v.modify(ctx, id, false, func(st *state) bool {
		if st.failures == 0 && st.lockedUntil == 0 {
			return false
		}
		st.failures, st.lockedUntil = 0, 0
		return true
	})
}

// Forget removes the state of the credential id from the store, for a
// credential being deleted. It must not be used on a credential still in
// use: its last code could be accepted again within the window (unless the
// caller keeps Authenticator.LastStep), and its lock would be lifted; Unlock
// ends a lock.
func (v *Verifier) Forget(ctx context.Context, id string) error {
	return v.modify(ctx, id, true, func(*state) bool { return true })
}

// modify applies f to the stored state of id and writes it back when f
// reports a change, or deletes it when del is set (a corrupt value too). It does nothing when
// the store holds no state.
func (v *Verifier) modify(ctx context.Context, id string, del bool, f func(st *state) bool) error {
	key := stateKey(id)
	for range 32 {
		raw, ver, err := v.c.store.Get(ctx, key)
		if err != nil {
			return storeErr("reading state", err)
		}
		if raw == nil {
			return nil
		}
		st, err := decodeState(raw)
		if err != nil && !del {
			return err
		}
		if !f(&st) {
			return nil
		}
		var val []byte
		if !del {
			val = st.encode()
		}
		ok, err := v.c.store.CompareAndSwap(ctx, key, ver, val, v.c.stateTTL)
		if err != nil {
			return storeErr("writing state", err)
		}
		if ok {
			return nil
		}
	}
	return errContention
}
