package main

import (
	"testing"

	"github.com/csam-go/csam/internal/clitest"
)

// TestMain runs the tests, or vcard itself when the scripts of TestScripts
// invoke the test binary as vcard.
func TestMain(m *testing.M) { clitest.Main(m, "vcard", main) }

// TestScripts runs the command-line contract of testdata/*.txtar (the card
// in pcscd is tested by the eidread, pivtoken and portal card tests).
func TestScripts(t *testing.T) { clitest.Run(t) }
