package totp

import (
	"context"
	"encoding/binary"
	"fmt"
	"time"
)

// state is what a store holds per TOTP credential.
type state struct {
	minStep     int64 // lowest step still acceptable: one past the last accepted one, or a floor after a store loss
	drift       int64 // learned drift in steps
	failures    uint32
	lockedUntil int64 // Unix nanoseconds; 0: not locked
	lastStep    int64 // last accepted step; 0: none
}

// Two encodings: 'T' (before lastStep was kept, still read) and 'U'.
const (
	stateTagV1, stateLenV1 = 'T', 1 + 8 + 8 + 4 + 8
	stateTag, stateLen     = 'U', stateLenV1 + 8
)

func (s state) encode() []byte { return s.appendTo(make([]byte, 0, stateLen)) }

// appendTo appends the encoded state to b.
func (s state) appendTo(b []byte) []byte {
	b = append(b, stateTag)
	b = binary.BigEndian.AppendUint64(b, uint64(s.minStep))
	b = binary.BigEndian.AppendUint64(b, uint64(s.drift))
	b = binary.BigEndian.AppendUint32(b, s.failures)
	b = binary.BigEndian.AppendUint64(b, uint64(s.lockedUntil))
	b = binary.BigEndian.AppendUint64(b, uint64(s.lastStep))
	return b
}

// decodeState decodes a stored state. Values that no verifier writes (a
// negative step, drift or lock time) are corrupt.
func decodeState(b []byte) (state, error) {
	if b == nil {
		return state{}, nil
	}
	if len(b) == 0 || !(b[0] == stateTag && len(b) == stateLen || b[0] == stateTagV1 && len(b) == stateLenV1) {
		return state{}, errCorruptState
	}
	st := state{
		minStep:     int64(binary.BigEndian.Uint64(b[1:])),
		drift:       int64(binary.BigEndian.Uint64(b[9:])),
		failures:    binary.BigEndian.Uint32(b[17:]),
		lockedUntil: int64(binary.BigEndian.Uint64(b[21:])),
	}
	if b[0] == stateTag {
		st.lastStep = int64(binary.BigEndian.Uint64(b[29:]))
	} else if st.minStep > 0 {
		st.lastStep = st.minStep - 1
	}
	const maxDrift = 1 << 32
	if st.minStep < 0 || st.lockedUntil < 0 || st.lastStep < 0 || st.lastStep >= st.minStep && st.lastStep != 0 ||
		st.drift > maxDrift || st.drift < -maxDrift {
		return state{}, errCorruptState
	}
	return st, nil
}

// epochKey is the store key of the store's epoch: the time at which the
// verifiers first found the store without it, that is the time the store
// was new or lost its data. No credential's key can be equal to it (state
// keys start with "totp:", SMS keys with "sms").
const epochKey = "totp-epoch"

// Epoch values: 'E' for an epoch set by a verifier that found the store
// without one (new or emptied), 'N' for a store declared new by
// MarkNewStore; then the Unix time in nanoseconds.
const (
	epochTag, newEpochTag = 'E', 'N'
	epochLen              = 1 + 8
)

func encodeEpoch(tag byte, t int64) []byte {
	return binary.BigEndian.AppendUint64([]byte{tag}, uint64(t))
}

func decodeEpoch(b []byte) (t int64, lost bool, err error) {
	if len(b) != epochLen || b[0] != epochTag && b[0] != newEpochTag {
		return 0, false, errCorruptState
	}
	return int64(binary.BigEndian.Uint64(b[1:])), b[0] == epochTag, nil
}

// MarkNewStore declares s a new store, holding nothing of credentials used
// before: the verifiers then take none of the precautions they take for a
// store that may have lost its data (see the package documentation). Call
// it once when deploying a new store, or for a store that lives and dies
// with one check (a command-line tool). Never call it on a store that lost
// its data: that would let used codes be accepted again. It fails when s
// already has an epoch of its verifiers.
func MarkNewStore(ctx context.Context, s Store, at time.Time) error {
	for range 32 {
		raw, ver, err := s.Get(ctx, epochKey)
		if err != nil {
			return storeErr("reading the store epoch", err)
		}
		if raw != nil {
			t, lost, err := decodeEpoch(raw)
			if err != nil {
				return err
			}
			if lost {
				return fmt.Errorf("totp: the store is in service since %v", time.Unix(0, t).UTC())
			}
			return nil
		}
		ok, err := s.CompareAndSwap(ctx, epochKey, ver, encodeEpoch(newEpochTag, at.UnixNano()), 0)
		if err != nil {
			return storeErr("writing the store epoch", err)
		}
		if ok {
			return nil
		}
	}
	return errContention
}

// storeEpoch returns the store's epoch, setting it to now when the store
// has none: the time at which the store was first used, or last found
// empty. lost is false for a store declared new by MarkNewStore.
func storeEpoch(ctx context.Context, s Store, now time.Time) (epoch time.Time, lost bool, err error) {
	for range 32 {
		raw, ver, err := s.Get(ctx, epochKey)
		if err != nil {
			return time.Time{}, false, storeErr("reading the store epoch", err)
		}
		if raw != nil {
			t, lost, err := decodeEpoch(raw)
			if err != nil {
				return time.Time{}, false, err
			}
			return time.Unix(0, t), lost, nil
		}
		ok, err := s.CompareAndSwap(ctx, epochKey, ver, encodeEpoch(epochTag, now.UnixNano()), 0)
		if err != nil {
			return time.Time{}, false, storeErr("writing the store epoch", err)
		}
		if ok {
			return now, true, nil
		}
	}
	return time.Time{}, false, errContention
}

// readNow reads key from s, with the store's time when clock is set (the
// same store) and now() otherwise.
func readNow(ctx context.Context, s Store, clock ClockStore, now func() time.Time, key string) ([]byte, uint64, time.Time, error) {
	if clock != nil {
		return clock.GetTime(ctx, key)
	}
	raw, ver, err := s.Get(ctx, key)
	return raw, ver, now(), err
}
