//go:build unix

package main

import (
	"testing"

	"github.com/csam-go/csam/internal/clitest"
)

// TestScripts runs the command-line contract of testdata/*.txtar (the
// TestMain of hostile_test.go makes certcheck a command of the scripts).
func TestScripts(t *testing.T) { clitest.Run(t) }
