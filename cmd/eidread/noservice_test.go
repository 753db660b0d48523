//go:build cgo

package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// Without pcscd, eidread says to start it or to read a dump, and exits
// with status 3. pcsc-lite finds pcscd through the socket that the
// environment variable PCSCLITE_CSOCK_NAME names, read once per process:
// the test runs itself in a child pointed at a socket that does not exist
// (a running pcscd is left alone).
func TestNoServiceExplains(t *testing.T) {
	if os.Getenv("CSAM_EIDREAD_NO_SERVICE_CHILD") == "1" {
		code, _, stderr := runEidread(t)
		if code != exitNoCard {
			t.Errorf("exit status %d, want %d", code, exitNoCard)
		}
		for _, want := range []string{"PC/SC service not available", "start pcscd", "-dump DIR"} {
			if !strings.Contains(stderr, want) {
				t.Errorf("stderr lacks %q:\n%s", want, stderr)
			}
		}
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestNoServiceExplains$", "-test.v")
	cmd.Env = append(os.Environ(), "CSAM_EIDREAD_NO_SERVICE_CHILD=1",
		"PCSCLITE_CSOCK_NAME="+filepath.Join(t.TempDir(), "no-pcscd.comm"))
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "--- PASS: TestNoServiceExplains") {
		t.Fatalf("child: %v\n%s", err, out)
	}
}
