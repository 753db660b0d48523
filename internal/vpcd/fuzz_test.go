package vpcd

import (
	"encoding/binary"
	"io"
	"net"
	"testing"
	"time"
)

// FuzzFrames feeds arbitrary bytes to the frame loop as if vpcd sent
// them: it must not panic, must answer every complete frame that is not a
// power control, and must stop when the stream ends.
func FuzzFrames(f *testing.F) {
	frame := func(p ...byte) []byte {
		return append(binary.BigEndian.AppendUint16(nil, uint16(len(p))), p...)
	}
	f.Add(frame(getATR))
	f.Add(append(frame(powerOn), frame(0x80, 0xE4, 0x00, 0x00, 0x1C)...))
	f.Add(append(frame(reset), frame(0x00, 0xA4, 0x08, 0x0C, 0x02, 0xDF, 0x01)...))
	f.Add([]byte{0x00})
	f.Add([]byte{0xFF, 0xFF, 0x00})
	f.Add(frame())
	f.Add(frame(7))
	f.Fuzz(func(t *testing.T, in []byte) {
		server, client := net.Pipe()
		done := make(chan error, 1)
		go func() { done <- serveConn(server, nil, newEchoCard(), false) }()
		go func() {
			_, _ = client.Write(in)
			_ = client.Close()
		}()
		go func() { _, _ = io.Copy(io.Discard, client) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			t.Fatal("frame loop did not stop at the end of the stream")
		}
		server.Close()
	})
}
