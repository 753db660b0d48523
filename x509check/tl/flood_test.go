package tl_test

import (
	"bytes"
	"crypto/x509"
	"errors"
	"runtime"
	"testing"
	"time"

	"github.com/csam-go/csam/internal/testenv"
	"github.com/csam-go/csam/x509check/tl"
)

// allocated returns the bytes f allocates.
func allocated(f func()) uint64 {
	var a, b runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&a)
	f()
	runtime.ReadMemStats(&b)
	return b.TotalAlloc - a.TotalAlloc
}

// Issue 17, item 11: a trusted list flooded with empty elements (8 MiB of
// <a/> inside the signed root) used 1 GB before the digest check failed.
// Verify and Parse now refuse it quickly (under a second of CPU time),
// allocating about as much as they do per byte of the real list.
func TestFloodedListBounded(t *testing.T) {
	data, signer := realList(t)
	opts := tl.VerifyOptions{Signers: []*x509.Certificate{signer}, Time: inRealValidity}
	realBytes := allocated(func() {
		if _, err := tl.Verify(data, opts); err != nil {
			t.Fatal(err)
		}
	})
	i := bytes.Index(data, []byte("<SchemeInformation"))
	if i < 0 {
		t.Fatal("no SchemeInformation in the real list")
	}
	flood := append(append(append([]byte{}, data[:i]...), bytes.Repeat([]byte("<a/>"), 2<<20)...), data[i:]...)
	for _, f := range []struct {
		name string
		fn   func([]byte) error
	}{
		{"Verify", func(b []byte) error { _, err := tl.Verify(b, opts); return err }},
		{"Parse", func(b []byte) error { _, err := tl.Parse(b); return err }},
	} {
		t.Run(f.name, func(t *testing.T) {
			var err error
			var cpu0, cpu1 time.Duration
			var ok, ok2 bool
			n := allocated(func() {
				cpu0, ok = testenv.CPUTime()
				err = f.fn(flood)
				cpu1, ok2 = testenv.CPUTime()
			})
			if !errors.Is(err, tl.ErrMalformed) {
				t.Fatalf("err = %v, want ErrMalformed", err)
			}
			// Quickly: under a second of CPU time, which a loaded machine
			// does not stretch as it does the wall clock.
			cpu := cpu1 - cpu0
			perByte, realPerByte := float64(n)/float64(len(flood)), float64(realBytes)/float64(len(data))
			t.Logf("flood: %d bytes in, %d allocated (%.1f/byte, real list %.1f/byte), %s of CPU time", len(flood), n, perByte, realPerByte, cpu)
			if perByte > realPerByte || ok && ok2 && cpu > time.Second {
				t.Fatalf("flood: %.1f bytes allocated per input byte (real list %.1f), %s of CPU time", perByte, realPerByte, cpu)
			}
		})
	}
}
