//go:build !cgo

package pcsc_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/csam-go/csam/eid/pcsc"
)

func TestNoCgo(t *testing.T) {
	_, err := pcsc.Establish()
	if !errors.Is(err, pcsc.ErrNoService) || !strings.Contains(err.Error(), "CGO_ENABLED=1") {
		t.Fatalf("Establish without cgo: %v, want ErrNoService and how to rebuild", err)
	}
}
