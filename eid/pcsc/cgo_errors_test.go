//go:build cgo

package pcsc_test

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/csam-go/csam/eid/pcsc"
	"github.com/csam-go/csam/eid/vcard"
	"github.com/csam-go/csam/internal/vpcdtest"
	"github.com/ebfe/scard"
)

// TestSharingViolation: a card held exclusively by another program (here a
// raw PC/SC connection in exclusive mode) gives ErrNoCard with the code
// SCARD_E_SHARING_VIOLATION.
func TestSharingViolation(t *testing.T) {
	pc := vpcdtest.Establish(t)
	card := newCard(t, vcard.Applet18)
	attach(t, pc, card, vpcdAddr, readerName, vcard.VPCDOptions{})
	sc, err := scard.EstablishContext()
	if err != nil {
		t.Fatal(err)
	}
	defer sc.Release()
	other, err := sc.Connect(readerName, scard.ShareExclusive, scard.ProtocolT0)
	if err != nil {
		t.Fatalf("exclusive connection: %v", err)
	}
	_, err = pc.Connect(readerName)
	var pe *pcsc.Error
	if !errors.Is(err, pcsc.ErrNoCard) || !errors.As(err, &pe) || pe.Op != "connect" || pe.Code != 0x8010000B {
		t.Errorf("connect to a card held exclusively: %v, want ErrNoCard, SCARD_E_SHARING_VIOLATION", err)
	}
	if err := other.Disconnect(scard.LeaveCard); err != nil {
		t.Fatal(err)
	}
	c, err := pc.Connect(readerName)
	if err != nil {
		t.Fatalf("connect once released: %v", err)
	}
	c.Close()
}

// TestNoService: without a pcscd to talk to, Establish fails with
// ErrNoService. pcsc-lite finds pcscd by its socket, which the environment
// variable PCSCLITE_CSOCK_NAME names; the test runs itself in a child
// process pointed at a socket that does not exist (the shared pcscd is left
// alone).
func TestNoService(t *testing.T) {
	if os.Getenv("CSAM_PCSC_NO_SERVICE_CHILD") == "1" {
		_, err := pcsc.Establish()
		if !errors.Is(err, pcsc.ErrNoService) {
			t.Fatalf("establish without pcscd: %v, want ErrNoService", err)
		}
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestNoService$", "-test.v")
	cmd.Env = append(os.Environ(), "CSAM_PCSC_NO_SERVICE_CHILD=1",
		"PCSCLITE_CSOCK_NAME="+filepath.Join(t.TempDir(), "no-pcscd.comm"))
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "--- PASS: TestNoService") {
		t.Fatalf("child: %v\n%s", err, out)
	}
}
