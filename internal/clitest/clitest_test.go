package clitest

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// The scripts of this package exercise the exit command itself with a toy
// program: it exits with the status its first argument names, after
// printing its arguments and standard input.
func TestMain(m *testing.M) {
	Main(m, "toy", func() {
		fmt.Println(os.Args[1:])
		b, _ := io.ReadAll(os.Stdin)
		fmt.Fprintf(os.Stderr, "stdin %q\n", b)
		code := 0
		if len(os.Args) > 1 {
			fmt.Sscan(os.Args[1], &code)
		}
		os.Exit(code)
	})
}

func TestScripts(t *testing.T) { Run(t) }

func TestCheckStatus(t *testing.T) {
	for _, tc := range []struct {
		name string
		err  error
		want int
		ok   bool
	}{
		{"success wanted", nil, 0, true},
		{"success, 1 wanted", nil, 1, false},
		{"status 2 wanted", toyRun(t, 2), 2, true},
		{"status 2, 1 wanted", toyRun(t, 2), 1, false},
		{"status 2, 0 wanted", toyRun(t, 2), 0, false},
		{"not run", errors.New("no such program"), 0, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := checkStatus(tc.err, tc.want); (err == nil) != tc.ok {
				t.Errorf("checkStatus(%v, %d) = %v, want ok %v", tc.err, tc.want, err, tc.ok)
			}
		})
	}
}

// toyRun runs the toy program (this test binary under the name toy) with
// exit status code and returns what exec returns.
func toyRun(t *testing.T, code int) error {
	t.Helper()
	toy := filepath.Join(t.TempDir(), "toy")
	if err := os.Symlink(os.Args[0], toy); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(toy, fmt.Sprint(code))
	cmd.Stdin = strings.NewReader("")
	err := cmd.Run()
	var ee *exec.ExitError
	if !errors.As(err, &ee) {
		t.Fatalf("toy %d: %v, want an exit error", code, err)
	}
	return err
}
