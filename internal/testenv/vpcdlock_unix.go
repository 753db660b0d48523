//go:build unix

package testenv

import (
	"os"
	"path/filepath"
	"syscall"
)

// LockVPCD gives t exclusive use of the vpcd readers of the test pcscd
// ("Virtual PCD 00 00" on TCP 35963, "Virtual PCD 00 01" on 35964) until
// it ends, across the test binaries that go test runs in parallel: it
// takes an exclusive lock on a file in the temporary directory, waiting
// for another package's test to release it. Call it (after PCSC) in every
// test that attaches a virtual card.
func LockVPCD(t TB) {
	t.Helper()
	p := filepath.Join(os.TempDir(), "csam-vpcd.lock")
	f, err := os.OpenFile(p, os.O_CREATE|os.O_RDWR, 0o666)
	if err != nil {
		t.Fatalf("vpcd lock: %v", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		f.Close()
		t.Fatalf("vpcd lock: %v", err)
	}
	t.Cleanup(func() {
		_ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	})
}
