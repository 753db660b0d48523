//go:build !cgo

package main

import (
	"context"
	"strings"
	"testing"
)

// TestNoCgo: without cgo there is no PC/SC, and the exit status says no
// token.
func TestNoCgo(t *testing.T) {
	var stdout, stderr strings.Builder
	if code := run(context.Background(), []string{"list"}, strings.NewReader(""), &stdout, &stderr); code != exitNoToken {
		t.Fatalf("exit %d, want %d\n%s", code, exitNoToken, stderr.String())
	}
	if !strings.Contains(stderr.String(), "cgo") {
		t.Errorf("stderr does not explain: %s", stderr.String())
	}
}
