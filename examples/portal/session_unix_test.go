//go:build unix

package main

import (
	"os/exec"
	"syscall"
)

// noTerminal runs cmd in a new session, without a controlling terminal:
// a program asking for a PIN on the terminal reads its standard input.
func noTerminal(cmd *exec.Cmd) { cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true} }
