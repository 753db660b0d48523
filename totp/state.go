package totp

import (
	"encoding/binary"
	"errors"
)

// ErrCorruptState is returned when a stored value cannot be decoded.
var ErrCorruptState = errors.New("totp: corrupt stored state")

// state is what a store holds per TOTP credential.
type state struct {
	minStep     int64 // lowest step still acceptable: one past the last accepted one
	drift       int64 // learned drift in steps
	failures    uint32
	lockedUntil int64 // Unix nanoseconds; 0: not locked
}

const stateTag, stateLen = 'T', 1 + 8 + 8 + 4 + 8

func (s state) encode() []byte {
	b := make([]byte, 1, stateLen)
	b[0] = stateTag
	b = binary.BigEndian.AppendUint64(b, uint64(s.minStep))
	b = binary.BigEndian.AppendUint64(b, uint64(s.drift))
	b = binary.BigEndian.AppendUint32(b, s.failures)
	b = binary.BigEndian.AppendUint64(b, uint64(s.lockedUntil))
	return b
}

func decodeState(b []byte) (state, error) {
	if b == nil {
		return state{}, nil
	}
	if len(b) != stateLen || b[0] != stateTag {
		return state{}, ErrCorruptState
	}
	return state{
		minStep:     int64(binary.BigEndian.Uint64(b[1:])),
		drift:       int64(binary.BigEndian.Uint64(b[9:])),
		failures:    binary.BigEndian.Uint32(b[17:]),
		lockedUntil: int64(binary.BigEndian.Uint64(b[21:])),
	}, nil
}
