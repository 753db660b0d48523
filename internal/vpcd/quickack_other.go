//go:build !linux

package vpcd

import "net"

func setQuickAck(*net.TCPConn) {}
