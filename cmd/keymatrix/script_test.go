package main

import (
	"testing"

	"github.com/csam-go/csam/internal/clitest"
)

// TestMain runs the tests, or keymatrix itself when the scripts of
// TestScripts invoke the test binary as keymatrix.
func TestMain(m *testing.M) { clitest.Main(m, "keymatrix", main) }

// TestScripts runs the command-line contract of testdata/*.txtar.
func TestScripts(t *testing.T) { clitest.Run(t) }
