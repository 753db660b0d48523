package main

import (
	"testing"

	"github.com/csam-go/csam/internal/clitest"
)

// TestMain runs the tests, or eidread itself when the scripts of
// TestScripts invoke the test binary as eidread.
func TestMain(m *testing.M) { clitest.Main(m, "eidread", main) }

// TestScripts runs the command-line contract of testdata/*.txtar (a card
// dump; the card in a reader is tested by pcsc_test.go).
func TestScripts(t *testing.T) { clitest.Run(t) }
