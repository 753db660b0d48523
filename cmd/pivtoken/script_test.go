package main

import (
	"testing"

	"github.com/csam-go/csam/internal/clitest"
)

// TestMain runs the tests, or pivtoken itself when the scripts of
// TestScripts invoke the test binary as pivtoken.
func TestMain(m *testing.M) { clitest.Main(m, "pivtoken", main) }

// TestScripts runs the command-line contract of testdata/*.txtar (the
// token in pcscd is tested by pcsc_test.go).
func TestScripts(t *testing.T) { clitest.Run(t) }
