package vcard_test

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/csam-go/csam/internal/testenv"
)

// The virtual card builds its PKI with internal/testpki, which must stay
// free of package testing: the card is linked into programs
// (cmd/vcard), not only into tests.
func TestNoTestingDependency(t *testing.T) {
	gobin := testenv.Tool(t, "go")
	out, err := exec.Command(gobin, "list", "-deps", "github.com/csam-go/csam/eid/vcard").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	deps := strings.Fields(string(out))
	if len(deps) < 10 {
		t.Fatalf("go list -deps gave %d packages", len(deps))
	}
	for _, d := range deps {
		if d == "testing" {
			t.Error("package vcard depends on package testing")
		}
	}
}
