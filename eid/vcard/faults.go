package vcard

import (
	"context"
	"errors"
	"fmt"
	"sync"
)

// Transmitter is the method of eid.Transport, which the virtual card and
// the fault decorators implement.
type Transmitter interface {
	Transmit(ctx context.Context, apdu []byte) ([]byte, error)
}

// errInjected is the error of the TransportError fault.
var errInjected = errors.New("vcard: injected transport fault")

// A Fault alters the answer to one command, as a broken card, reader or
// link would: a decorator of the card's transport in the manner of
// testing/iotest's readers. FaultAt applies it at a chosen command.
type Fault struct {
	// Name says what the fault does, e.g. "6B00" or "truncated data".
	Name  string
	apply func(resp []byte, err error) ([]byte, error)
}

// String returns the fault's name.
func (f Fault) String() string { return f.Name }

// TransportError makes the exchange fail with an error
// ("vcard: injected transport fault"), as a reader
// whose card went away.
func TransportError() Fault {
	return Fault{"transport error", func([]byte, error) ([]byte, error) { return nil, errInjected }}
}

// Status replaces the answer with the status word sw and no data: 6B00 (an
// end of file where there is none), 6A82 (file not found), 6400...
func Status(sw uint16) Fault {
	return Fault{fmt.Sprintf("%04X", sw), func(_ []byte, err error) ([]byte, error) {
		return []byte{byte(sw >> 8), byte(sw)}, err
	}}
}

// Truncated drops the second half of the answer's data, keeping its status
// word: a short chunk.
func Truncated() Fault {
	return Fault{"truncated data", func(resp []byte, err error) ([]byte, error) {
		if len(resp) < 2 {
			return resp, err
		}
		n := (len(resp) - 2) / 2
		return append(append([]byte(nil), resp[:n]...), resp[len(resp)-2:]...), err
	}}
}

// Garbled inverts bits of every data byte of the answer (XOR 0x5A),
// keeping its status word: garbage with 9000.
func Garbled() Fault {
	return Fault{"garbled data", func(resp []byte, err error) ([]byte, error) {
		if len(resp) < 2 {
			return resp, err
		}
		out := append([]byte(nil), resp...)
		for i := range out[:len(out)-2] {
			out[i] ^= 0x5A
		}
		return out, err
	}}
}

// Empty replaces the answer with nothing at all, not even a status word.
func Empty() Fault {
	return Fault{"empty answer", func(_ []byte, err error) ([]byte, error) { return []byte{}, err }}
}

// Faults returns every kind of fault: TransportError, Status 6B00, 6A82
// and 6400, Truncated, Garbled and Empty.
func Faults() []Fault {
	return []Fault{TransportError(), Status(0x6B00), Status(0x6A82), Status(0x6400), Truncated(), Garbled(), Empty()}
}

// FaultAt returns a transport that passes each command to t and applies f
// to the answer of command number n (the first is 0); the others pass
// unchanged. It is safe for concurrent use.
func FaultAt(t Transmitter, n int, f Fault) Transmitter {
	return &faulty{t: t, at: n, f: f}
}

type faulty struct {
	t  Transmitter
	f  Fault
	at int

	mu sync.Mutex
	n  int
}

func (ft *faulty) Transmit(ctx context.Context, apdu []byte) ([]byte, error) {
	ft.mu.Lock()
	n := ft.n
	ft.n++
	ft.mu.Unlock()
	resp, err := ft.t.Transmit(ctx, apdu)
	if n != ft.at {
		return resp, err
	}
	return ft.f.apply(resp, err)
}

// ShortReads makes READ BINARY answer as cards that do not use 6Cxx do:
// where the card says "6Cxx, xx bytes left", the decorator asks again with
// Le = xx and answers those bytes with 9000, a chunk shorter than asked.
func ShortReads(t Transmitter) Transmitter {
	return transmitFunc(func(ctx context.Context, apdu []byte) ([]byte, error) {
		resp, err := t.Transmit(ctx, apdu)
		if err != nil || len(apdu) != 5 || apdu[1] != 0xB0 || len(resp) != 2 || resp[0] != 0x6C {
			return resp, err
		}
		again := append([]byte(nil), apdu...)
		again[4] = resp[1]
		return t.Transmit(ctx, again)
	})
}

// SelectByIDOnly refuses SELECT by path (P1=08) with 6A86, as readers and
// cards that only select by file identifier (P1=02) do.
func SelectByIDOnly(t Transmitter) Transmitter {
	return transmitFunc(func(ctx context.Context, apdu []byte) ([]byte, error) {
		if len(apdu) >= 4 && apdu[1] == 0xA4 && apdu[2] == 0x08 {
			return []byte{0x6A, 0x86}, nil
		}
		return t.Transmit(ctx, apdu)
	})
}

// SelectPathWithMFOnly refuses SELECT by a path that does not start with
// the MF 3F00 (6A86), as cards that want the absolute path do.
func SelectPathWithMFOnly(t Transmitter) Transmitter {
	return transmitFunc(func(ctx context.Context, apdu []byte) ([]byte, error) {
		if len(apdu) >= 7 && apdu[1] == 0xA4 && apdu[2] == 0x08 && !(apdu[5] == 0x3F && apdu[6] == 0x00) {
			return []byte{0x6A, 0x86}, nil
		}
		return t.Transmit(ctx, apdu)
	})
}

type transmitFunc func(ctx context.Context, apdu []byte) ([]byte, error)

func (f transmitFunc) Transmit(ctx context.Context, apdu []byte) ([]byte, error) { return f(ctx, apdu) }
