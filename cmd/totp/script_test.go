package main

import (
	"testing"

	"github.com/csam-go/csam/internal/clitest"
)

// TestMain runs the tests, or totp itself when the scripts of TestScripts
// invoke the test binary as totp.
func TestMain(m *testing.M) { clitest.Main(m, "totp", main) }

// TestScripts runs the command-line contract of testdata/*.txtar.
func TestScripts(t *testing.T) { clitest.Run(t) }
