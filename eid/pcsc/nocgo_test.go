//go:build !cgo

package pcsc_test

import (
	"errors"
	"testing"

	"github.com/csam-go/csam/eid/pcsc"
)

func TestNoCgo(t *testing.T) {
	_, err := pcsc.Establish()
	if !errors.Is(err, pcsc.ErrNoCgo) {
		t.Fatalf("Establish without cgo: %v, want ErrNoCgo", err)
	}
}
