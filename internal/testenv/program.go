package testenv

import (
	"context"
	"errors"
	"os/exec"
	"path/filepath"
	"runtime"
	"time"
)

// Program builds the main package of the test's folder into the test's
// temporary folder and returns the path of the executable, for tests that
// run the program as a user does (exit status, standard streams).
func Program(t TB) string {
	t.Helper()
	goTool := Tool(t, "go")
	name := "prog"
	if runtime.GOOS == "windows" {
		name += ".exe"
	}
	bin := filepath.Join(t.TempDir(), name)
	if out, err := exec.Command(goTool, "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// RunProgram runs bin with args and fails t unless it exits with status
// want within d; it returns the combined output. A program still running
// after ten times d is killed.
func RunProgram(t TB, bin string, want int, d time.Duration, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*d)
	defer cancel()
	start := time.Now()
	out, err := exec.CommandContext(ctx, bin, args...).CombinedOutput()
	took := time.Since(start)
	code := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("%s %q: %v", filepath.Base(bin), args, err)
	}
	if code != want {
		t.Errorf("%q: exit status %d, want %d; output:\n%s", args, code, want, out)
	}
	if took > d {
		t.Errorf("%q: took %v, want at most %v", args, took, d)
	}
	return string(out)
}
