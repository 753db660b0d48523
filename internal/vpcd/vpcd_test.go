package vpcd

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"io"
	"net"
	"sync"
	"testing"
	"time"
)

// echoCard answers every APDU with its reversed bytes and 90 00.
type echoCard struct {
	mu      sync.Mutex
	resets  int
	removed bool
	changed chan struct{}
}

func newEchoCard() *echoCard { return &echoCard{changed: make(chan struct{})} }

func (c *echoCard) ATR() []byte { return []byte{0x3b, 0x00} }

func (c *echoCard) Reset() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.resets++
}

func (c *echoCard) Transmit(_ context.Context, apdu []byte) ([]byte, error) {
	out := make([]byte, 0, len(apdu)+2)
	for i := len(apdu) - 1; i >= 0; i-- {
		out = append(out, apdu[i])
	}
	return append(out, 0x90, 0x00), nil
}

func (c *echoCard) Removed() (bool, <-chan struct{}) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.removed, c.changed
}

func (c *echoCard) remove() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.removed = true
	close(c.changed)
	c.changed = make(chan struct{})
}

func frame(b []byte) []byte { return append(binary.BigEndian.AppendUint16(nil, uint16(len(b))), b...) }

func readFrame(t *testing.T, c net.Conn) []byte {
	t.Helper()
	var hdr [2]byte
	if _, err := io.ReadFull(c, hdr[:]); err != nil {
		t.Fatal(err)
	}
	b := make([]byte, binary.BigEndian.Uint16(hdr[:]))
	if _, err := io.ReadFull(c, b); err != nil {
		t.Fatal(err)
	}
	return b
}

// TestServe plays vpcd: power on, ATR, an APDU, then the card is removed
// and the connection closes.
func TestServe(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	card := newEchoCard()
	done := make(chan error, 1)
	go func() { done <- Serve(context.Background(), l.Addr().String(), card, Options{}) }()
	c, err := l.Accept()
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.Write(append(frame([]byte{powerOn}), frame([]byte{getATR})...)); err != nil {
		t.Fatal(err)
	}
	if atr := readFrame(t, c); !bytes.Equal(atr, card.ATR()) {
		t.Fatalf("ATR %x", atr)
	}
	if _, err := c.Write(frame([]byte{0x00, 0xa4, 0x04, 0x00})); err != nil {
		t.Fatal(err)
	}
	if r := readFrame(t, c); !bytes.Equal(r, []byte{0x00, 0x04, 0xa4, 0x00, 0x90, 0x00}) {
		t.Fatalf("response %x", r)
	}
	card.mu.Lock()
	resets := card.resets
	card.mu.Unlock()
	if resets != 1 {
		t.Errorf("%d resets after power on, want 1", resets)
	}
	card.remove()
	_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := c.Read(make([]byte, 1)); !errors.Is(err, io.EOF) {
		t.Fatalf("after removal: %v, want the connection closed", err)
	}
	if err := <-done; err != nil {
		t.Fatalf("Serve after removal: %v", err)
	}
}

// TestServeClosed: vpcd closing the connection is an error; nothing
// listening is an error.
func TestServeClosed(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	done := make(chan error, 1)
	go func() { done <- Serve(context.Background(), addr, newEchoCard(), Options{NoQuickAck: true}) }()
	c, err := l.Accept()
	if err != nil {
		t.Fatal(err)
	}
	c.Close()
	if err := <-done; err == nil {
		t.Fatal("Serve returned nil when vpcd closed the connection")
	}
	l.Close()
	if err := Serve(context.Background(), addr, newEchoCard(), Options{}); err == nil {
		t.Fatal("Serve returned nil with nothing listening")
	}
}
