package vcard_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"io"
	"net"
	"testing"
	"time"

	"github.com/csam-go/csam/eid/vcard"
)

// fakeVPCD is the server side of the vpcd protocol, as the vpcd driver of
// pcscd speaks it: 2-byte big-endian length, then the payload.
type fakeVPCD struct {
	t    testing.TB
	conn net.Conn
}

// newFakeVPCD wraps the accepted connection. vpcd is C code that leaves
// Nagle's algorithm on: its second write (the payload) waits for the ACK
// of the first (the length) unless the card acknowledges at once.
func newFakeVPCD(t testing.TB, conn net.Conn) *fakeVPCD {
	if tcp, ok := conn.(*net.TCPConn); ok {
		_ = tcp.SetNoDelay(false)
	}
	return &fakeVPCD{t: t, conn: conn}
}

func (v *fakeVPCD) send(p ...byte) {
	v.t.Helper()
	// Length and payload in two writes, as vpcd does.
	if _, err := v.conn.Write(binary.BigEndian.AppendUint16(nil, uint16(len(p)))); err != nil {
		v.t.Fatal(err)
	}
	if _, err := v.conn.Write(p); err != nil {
		v.t.Fatal(err)
	}
}

func (v *fakeVPCD) recv() ([]byte, error) {
	_ = v.conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	var hdr [2]byte
	if _, err := io.ReadFull(v.conn, hdr[:]); err != nil {
		return nil, err
	}
	b := make([]byte, binary.BigEndian.Uint16(hdr[:]))
	_, err := io.ReadFull(v.conn, b)
	return b, err
}

func serve(t *testing.T, card *vcard.Card, o vcard.VPCDOptions) (*fakeVPCD, context.CancelFunc, chan error) {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- card.ServeVPCDWith(ctx, l.Addr().String(), o) }()
	conn, err := l.Accept()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close(); cancel() })
	return newFakeVPCD(t, conn), cancel, done
}

func TestServeVPCD(t *testing.T) {
	for _, o := range []vcard.VPCDOptions{{}, {NoQuickAck: true}} {
		card := newCard(t, vcard.Applet17)
		v, cancel, done := serve(t, card, o)
		v.send(1) // power on
		v.send(4) // get ATR
		if atr, err := v.recv(); err != nil || !bytes.Equal(atr, vcard.ATR17) {
			t.Fatalf("ATR % X, %v", atr, err)
		}
		v.send(0x80, 0xE4, 0x00, 0x00, 0x1C)
		r, err := v.recv()
		if err != nil || len(r) != 30 || r[21] != 0x17 || !bytes.Equal(r[28:], []byte{0x90, 0x00}) {
			t.Fatalf("GET CARD DATA: % X, %v", r, err)
		}
		// A reset drops the PIN right.
		v.send(0x00, 0x20, 0x00, 0x01, 0x08, 0x24, 0x12, 0x34, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF)
		if r, _ := v.recv(); !bytes.Equal(r, []byte{0x90, 0x00}) {
			t.Fatalf("VERIFY: % X", r)
		}
		v.send(2)
		v.send(0x00, 0x20, 0x00, 0x01)
		if r, _ := v.recv(); !bytes.Equal(r, []byte{0x63, 0xC3}) {
			t.Fatalf("PIN status after reset: % X", r)
		}
		// Removing the card (cancelling) closes the connection.
		cancel()
		if err := <-done; err != nil {
			t.Fatalf("ServeVPCD after cancel: %v", err)
		}
		if _, err := v.recv(); err == nil {
			t.Fatal("connection still open after the card was removed")
		}
	}
}

func TestServeVPCDRemoveAfter(t *testing.T) {
	card := newCard(t, vcard.Applet18)
	v, _, done := serve(t, card, vcard.VPCDOptions{})
	card.RemoveAfter(2)
	v.send(0x80, 0xE4, 0x00, 0x00, 0x1C)
	if _, err := v.recv(); err != nil {
		t.Fatal(err)
	}
	v.send(0x80, 0xE4, 0x00, 0x00, 0x1C) // pulled out: no answer
	if r, err := v.recv(); err == nil {
		t.Fatalf("answer % X from a removed card", r)
	}
	if err := <-done; err != nil {
		t.Fatalf("ServeVPCD after removal: %v", err)
	}
}

func TestServeVPCDErrors(t *testing.T) {
	card := newCard(t, vcard.Applet18)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	if err := card.ServeVPCD(context.Background(), addr); err == nil {
		t.Error("no error without vpcd")
	}
	// vpcd going away is an error (not a removal).
	v, _, done := serve(t, card, vcard.VPCDOptions{})
	v.conn.Close()
	if err := <-done; err == nil {
		t.Error("no error when vpcd closed the connection")
	}
}

// BenchmarkVPCDRoundTrip is one APDU exchange over the vpcd protocol on
// loopback, the server writing length and payload separately as vpcd
// does, with and without TCP_QUICKACK on the card's socket.
func BenchmarkVPCDRoundTrip(b *testing.B) {
	for _, bc := range []struct {
		name string
		o    vcard.VPCDOptions
	}{{"quickack", vcard.VPCDOptions{}}, {"no-quickack", vcard.VPCDOptions{NoQuickAck: true}}} {
		b.Run(bc.name, func(b *testing.B) {
			card := newCard(b, vcard.Applet18)
			l, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				b.Fatal(err)
			}
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			go card.ServeVPCDWith(ctx, l.Addr().String(), bc.o)
			conn, err := l.Accept()
			l.Close()
			if err != nil {
				b.Fatal(err)
			}
			defer conn.Close()
			v := newFakeVPCD(b, conn)
			for b.Loop() {
				v.send(0x80, 0xE4, 0x00, 0x00, 0x1C)
				if _, err := v.recv(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
