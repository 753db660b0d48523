// Package vpcd attaches a software card to pcscd through the vpcd driver
// (vsmartcard's virtual reader): it connects to vpcd's TCP port and answers
// its frames (a two-byte big-endian length, then a one-byte control code or
// a command APDU) with the card's answers until the context is done, the
// card is removed or vpcd closes the connection.
//
// vpcd sends the length and the payload of a frame in two writes; with
// delayed acknowledgements each APDU would then wait for the peer's
// delayed-ACK timer (about 40 ms), so TCP_QUICKACK is set before every read
// on Linux.
package vpcd

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
)

// vpcd control payloads (one byte): power off, power on, reset, get ATR.
const (
	powerOff = 0
	powerOn  = 1
	reset    = 2
	getATR   = 4
)

// Card is what a vpcd reader holds.
type Card interface {
	// ATR returns the answer to reset.
	ATR() []byte
	// Reset is a power cycle.
	Reset()
	// Transmit answers one command APDU (response data then SW1 SW2). An
	// error means the card is gone: the frame is left unanswered.
	Transmit(ctx context.Context, apdu []byte) ([]byte, error)
	// Removed reports whether the card is out of the reader and returns a
	// channel closed at the next change.
	Removed() (bool, <-chan struct{})
}

// Options tune Serve. The zero value is the normal behaviour.
type Options struct {
	// NoQuickAck leaves TCP_QUICKACK off (only useful to measure it).
	NoQuickAck bool
}

// MaxFrame bounds a vpcd frame: an extended APDU of 65535 data bytes plus
// header and Le.
const MaxFrame = 65535

// Serve attaches card to the vpcd reader at addr (e.g. "127.0.0.1:35963",
// reader "Virtual PCD 00 00"). Closing the connection is a card removal for
// pcscd. It returns nil when ctx is done or the card was removed.
func Serve(ctx context.Context, addr string, card Card, o Options) error {
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return fmt.Errorf("vpcd: connecting: %w", err)
	}
	tcp, _ := conn.(*net.TCPConn)
	if tcp != nil {
		_ = tcp.SetNoDelay(true)
	}
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			removed, ch := card.Removed()
			if removed {
				conn.Close()
				return
			}
			select {
			case <-ctx.Done():
				conn.Close()
				return
			case <-done:
				return
			case <-ch:
			}
		}
	}()
	err = serveConn(conn, tcp, card, !o.NoQuickAck)
	close(done)
	wg.Wait()
	conn.Close()
	if removed, _ := card.Removed(); removed || ctx.Err() != nil {
		return nil
	}
	if errors.Is(err, io.EOF) {
		return errors.New("vpcd: vpcd closed the connection")
	}
	return err
}

func serveConn(conn net.Conn, tcp *net.TCPConn, card Card, quickAck bool) error {
	var hdr [2]byte
	buf := make([]byte, 0, 512)
	for {
		if quickAck && tcp != nil {
			setQuickAck(tcp)
		}
		if _, err := io.ReadFull(conn, hdr[:]); err != nil {
			return err
		}
		n := int(binary.BigEndian.Uint16(hdr[:]))
		if n > cap(buf) {
			buf = make([]byte, n)
		}
		buf = buf[:n]
		if quickAck && tcp != nil {
			setQuickAck(tcp)
		}
		if _, err := io.ReadFull(conn, buf); err != nil {
			return err
		}
		var resp []byte
		switch {
		case n == 0:
			continue
		case n == 1:
			switch buf[0] {
			case powerOff, powerOn, reset:
				card.Reset()
				continue
			case getATR:
				resp = card.ATR()
			default:
				continue
			}
		default:
			r, err := card.Transmit(context.Background(), buf)
			if err != nil {
				return err // removed: leave without answering
			}
			resp = r
		}
		if len(resp) > MaxFrame {
			return fmt.Errorf("vpcd: response of %d bytes", len(resp))
		}
		out := make([]byte, 2+len(resp))
		binary.BigEndian.PutUint16(out, uint16(len(resp)))
		copy(out[2:], resp)
		if _, err := conn.Write(out); err != nil {
			return err
		}
	}
}
