//go:build linux

package vpcd

import (
	"net"
	"syscall"
)

// setQuickAck turns on TCP_QUICKACK. Linux clears it again by itself, so
// it is set before every read.
func setQuickAck(c *net.TCPConn) {
	rc, err := c.SyscallConn()
	if err != nil {
		return
	}
	_ = rc.Control(func(fd uintptr) {
		_ = syscall.SetsockoptInt(int(fd), syscall.IPPROTO_TCP, syscall.TCP_QUICKACK, 1)
	})
}
