//go:build !linux

package vcard

import "net"

// setQuickAck does nothing: TCP_QUICKACK exists on Linux only.
func setQuickAck(*net.TCPConn) {}
