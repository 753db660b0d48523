//go:build !unix

package main

import "os/exec"

// noTerminal does nothing where sessions are a Unix notion.
func noTerminal(*exec.Cmd) {}
