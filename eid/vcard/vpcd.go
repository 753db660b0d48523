package vcard

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
	vpcdPowerOff = 0
	vpcdPowerOn  = 1
	vpcdReset    = 2
	vpcdGetATR   = 4
)

// VPCDOptions tune ServeVPCDWith.
type VPCDOptions struct {
	// NoQuickAck leaves TCP_QUICKACK off. vpcd sends the length and the
	// payload of a frame in two writes; with delayed acknowledgements each
	// APDU then waits for the peer's delayed-ACK timer (about 40 ms).
	// Only useful to measure that effect.
	NoQuickAck bool
}

// ServeVPCD attaches the card to a vpcd reader (vsmartcard's virtual
// reader driver for pcscd): it connects to addr (e.g. "127.0.0.1:35963",
// reader "Virtual PCD 00 00") and answers vpcd's frames until ctx is done,
// the card is removed (Remove, RemoveAfter) or vpcd closes the connection.
// Closing the connection is a card removal for pcscd. It returns nil when
// ctx is done or the card was removed.
func (c *Card) ServeVPCD(ctx context.Context, addr string) error {
	return c.ServeVPCDWith(ctx, addr, VPCDOptions{})
}

// ServeVPCDWith is ServeVPCD with options.
func (c *Card) ServeVPCDWith(ctx context.Context, addr string, o VPCDOptions) error {
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return fmt.Errorf("vcard: connecting to vpcd: %w", err)
	}
	tcp, _ := conn.(*net.TCPConn)
	if tcp != nil {
		_ = tcp.SetNoDelay(true)
	}
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		// Close the connection when ctx is done or the card is removed.
		defer wg.Done()
		for {
			removed, ch := c.removedChan()
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
	err = c.serveConn(conn, tcp, !o.NoQuickAck)
	close(done)
	wg.Wait()
	conn.Close()
	if removed, _ := c.removedChan(); removed || ctx.Err() != nil {
		return nil
	}
	if errors.Is(err, io.EOF) {
		return errors.New("vcard: vpcd closed the connection")
	}
	return err
}

func (c *Card) serveConn(conn net.Conn, tcp *net.TCPConn, quickAck bool) error {
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
		if n == 1 {
			switch buf[0] {
			case vpcdPowerOff, vpcdPowerOn, vpcdReset:
				c.Reset()
				continue
			case vpcdGetATR:
				resp = c.ATR()
			default:
				continue
			}
		} else {
			r, err := c.Transmit(context.Background(), buf)
			if err != nil {
				return err // removed: leave without answering
			}
			resp = r
		}
		out := make([]byte, 2+len(resp))
		binary.BigEndian.PutUint16(out, uint16(len(resp)))
		copy(out[2:], resp)
		if _, err := conn.Write(out); err != nil {
			return err
		}
	}
}
