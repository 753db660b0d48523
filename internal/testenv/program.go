package testenv

import (
	"context"
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
// want having used at most d of CPU time; it returns the combined output.
// The bound is on the program's CPU time (user and system), not on the
// wall clock, which also counts the waits for a core on a busy machine. A
// program still running after a minute, or ten times d if longer, is
// killed (a program blocked on its input uses no CPU: that catches it).
func RunProgram(t TB, bin string, want int, d time.Duration, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), max(10*d, time.Minute))
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	out, err := cmd.CombinedOutput()
	if cmd.ProcessState == nil {
		t.Fatalf("%s %q: %v", filepath.Base(bin), args, err)
	}
	if ctx.Err() != nil {
		t.Fatalf("%q: still running after %v, killed; output:\n%s", args, max(10*d, time.Minute), out)
	}
	if code := cmd.ProcessState.ExitCode(); code != want {
		t.Errorf("%q: exit status %d, want %d; output:\n%s", args, code, want, out)
	}
	if cpu := cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime(); cpu > d {
		t.Errorf("%q: used %v of CPU, want at most %v", args, cpu, d)
	}
	return string(out)
}
