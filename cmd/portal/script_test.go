package main

import (
	"testing"

	"github.com/csam-go/csam/internal/clitest"
)

// TestMain runs the tests, or portal itself when the scripts of
// TestScripts invoke the test binary as portal.
func TestMain(m *testing.M) { clitest.Main(m, "portal", main) }

// TestScripts runs the command-line contract of testdata/*.txtar (the
// server itself is tested by main_test.go and the client tests).
func TestScripts(t *testing.T) { clitest.Run(t) }
