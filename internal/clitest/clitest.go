// Package clitest runs a program's command-line contract tests: the
// testscript files (github.com/rogpeppe/go-internal/testscript) in the
// testdata folder of its package, in which the program is a command, as age
// tests cmd/age.
//
//	func TestMain(m *testing.M) { clitest.Main(m, "certcheck", main) }
//
//	func TestScripts(t *testing.T) { clitest.Run(t) }
//
// In the scripts, $REPO is the repository root and $TESTDATA its testdata
// folder, and the command
//
//	exit N PROG [ARGS...]
//
// runs PROG and fails unless it exits with status N (0 included); the
// stdout and stderr assertions that follow read what it printed.
package clitest

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
)

// Main is the test binary's TestMain: invoked as name (which Run's scripts
// do), the binary runs the program's main instead of the tests.
func Main(m testscript.TestingM, name string, main func()) {
	testscript.Main(m, map[string]func(){name: main})
}

// Run runs the scripts testdata/*.txtar of the test's package; each setup
// function then prepares a script's environment (variables naming a test
// PKI the test made, ...).
func Run(t *testing.T, setup ...func(*testscript.Env) error) {
	repo, err := repoRoot()
	if err != nil {
		t.Fatal(err)
	}
	testscript.Run(t, testscript.Params{
		Dir: "testdata",
		Setup: func(env *testscript.Env) error {
			env.Setenv("REPO", repo)
			env.Setenv("TESTDATA", filepath.Join(repo, "testdata"))
			for _, f := range setup {
				if err := f(env); err != nil {
					return err
				}
			}
			return nil
		},
		Cmds:                map[string]func(*testscript.TestScript, bool, []string){"exit": exitCmd},
		RequireExplicitExec: true,
	})
}

// exitCmd is the scripts' "exit N PROG [ARGS...]".
func exitCmd(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: exit N PROG [ARGS...]")
	}
	want, err := strconv.Atoi(args[0])
	if err != nil {
		ts.Fatalf("exit: status %q: %v", args[0], err)
	}
	if err := checkStatus(ts.Exec(args[1], args[2:]...), want); err != nil {
		ts.Fatalf("%s: %v", args[1], err)
	}
}

// checkStatus reports whether err, returned by running a program, is the
// exit status want.
func checkStatus(err error, want int) error {
	got := 0
	if err != nil {
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			return err
		}
		got = ee.ExitCode()
	}
	if got != want {
		return fmt.Errorf("exited with status %d, want %d", got, want)
	}
	return nil
}

// repoRoot is the nearest folder above the working directory that holds
// testdata/README.md: the repository, from the root module or a nested one.
func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "testdata", "README.md")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("clitest: no testdata/README.md above the working directory")
		}
		dir = parent
	}
}
