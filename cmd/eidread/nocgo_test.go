package main

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/csam-go/csam/internal/testenv"
)

// A build without cgo has no PC/SC: eidread says why and what to do, and
// exits with status 3 (no card read).
func TestNoCgoBuildExplains(t *testing.T) {
	goTool := testenv.Tool(t, "go")
	bin := filepath.Join(t.TempDir(), "eidread")
	build := exec.Command(goTool, "build", "-o", bin, ".")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("CGO_ENABLED=0 go build: %v\n%s", err, out)
	}
	var stderr strings.Builder
	cmd := exec.Command(bin)
	cmd.Stderr = &stderr
	err := cmd.Run()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != exitNoCard {
		t.Fatalf("exit: %v, want status %d; stderr:\n%s", err, exitNoCard, stderr.String())
	}
	for _, want := range []string{"built without cgo", "CGO_ENABLED=1", "-dump DIR"} {
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr.String())
		}
	}
}
