// Package vpcdtest attaches virtual cards (eid/vcard cards, piv/vtoken
// tokens) to the vpcd readers of the test pcscd and waits until pcscd sees
// them, for the tests of every package that reads a card through PC/SC.
package vpcdtest

import (
	"context"
	"testing"
	"time"

	"github.com/csam-go/csam/eid/pcsc"
	"github.com/csam-go/csam/internal/testenv"
)

// The two vpcd readers of the test pcscd: a virtual card connects to the
// address, PC/SC names the reader.
const (
	Addr0   = "127.0.0.1:35963"
	Reader0 = "Virtual PCD 00 00"
	Addr1   = "127.0.0.1:35964"
	Reader1 = "Virtual PCD 00 01"
)

// How long Attach waits for pcscd to see a card come or go.
const (
	insertTimeout = 15 * time.Second
	removeTimeout = 10 * time.Second
)

// Card is a virtual card that serves a vpcd reader until ctx is done:
// *vcard.Card and *vtoken.Token are Cards.
type Card interface {
	ServeVPCD(ctx context.Context, addr string) error
}

// CardFunc adapts a function to Card, e.g. a card served with options:
//
//	vpcdtest.CardFunc(func(ctx context.Context, addr string) error {
//		return vc.ServeVPCDWith(ctx, addr, o)
//	})
type CardFunc func(ctx context.Context, addr string) error

// ServeVPCD calls f.
func (f CardFunc) ServeVPCD(ctx context.Context, addr string) error { return f(ctx, addr) }

// Establish checks that the test pcscd runs (testenv.PCSC), takes the vpcd
// readers for the rest of the test (testenv.LockVPCD) and returns a PC/SC
// context released when the test ends. Without cgo, it reports the missing
// PC/SC through testenv.Missing.
func Establish(t testing.TB) *pcsc.Context {
	t.Helper()
	testenv.PCSC(t)
	testenv.LockVPCD(t)
	if !cgoEnabled {
		testenv.Missing(t, "built without cgo: no PC/SC")
	}
	pc, err := pcsc.Establish()
	if err != nil {
		t.Fatalf("PC/SC: %v", err)
	}
	t.Cleanup(func() { pc.Release() })
	return pc
}

// Insert attaches card to reader 0 until the test ends, after Establish,
// and returns the PC/SC context.
func Insert(t testing.TB, card Card) *pcsc.Context {
	t.Helper()
	pc := Establish(t)
	Attach(t, pc, card, Addr0, Reader0)
	return pc
}

// Attach serves card on the vpcd reader at addr, named reader, and waits
// until pc sees a card there; the cleanup takes the card out and waits
// until pc saw that, failing the test if the card's serving failed. The
// caller holds the vpcd readers (Establish).
func Attach(t testing.TB, pc *pcsc.Context, card Card, addr, reader string) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- card.ServeVPCD(ctx, addr) }()
	wctx, wcancel := context.WithTimeout(ctx, insertTimeout)
	defer wcancel()
	if _, err := pc.WaitForCard(wctx, reader); err != nil {
		cancel()
		t.Fatalf("the virtual card did not appear in %q: %v (vpcd client: %v)", reader, err, drain(done))
	}
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("vpcd client: %v", err)
		}
		rctx, rcancel := context.WithTimeout(context.Background(), removeTimeout)
		defer rcancel()
		if err := pc.WaitForRemoval(rctx, reader); err != nil {
			t.Errorf("waiting for the removal from %q: %v", reader, err)
		}
	})
}

// drain returns the vpcd client's error, or nil if it is not done within a
// second.
func drain(done <-chan error) error {
	select {
	case err := <-done:
		return err
	case <-time.After(time.Second):
		return nil
	}
}
