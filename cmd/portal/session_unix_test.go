//go:build unix

package main

import (
	"os/exec"
	"syscall"
)

// noTerminal runs cmd in a new session, without a controlling terminal:
// a program asking for a PIN cannot prompt the person running the tests.
func noTerminal(cmd *exec.Cmd) { cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true} }
