package crl_test

import (
	"crypto/x509"
	"errors"
	"testing"
	"time"

	"github.com/csam-go/csam/x509check/crl"
)

// A CRL listing one serial 200,000 times (4 MiB, under the download
// bound) is refused quickly: indexing it used to probe one ever longer
// chain of the hash table for each repeat (quadratic: 85 s of CPU for
// 500,000 repeats). Same serial for two certificate issuers of an indirect
// CRL stays accepted; for more than 64 it is refused.
func TestRepeatedSerialRefusedFast(t *testing.T) {
	ca := newGoCA(t, "Hostile CA")
	const n = 200_000
	rep := make([]x509.RevocationListEntry, n)
	for i := range rep {
		rep[i] = entry(0x1234, 1)
	}
	der := ca.makeCRL(t, 1, rep)
	start, ok := cpuTime()
	t0 := time.Now()
	_, err := crl.Parse(der)
	wall := time.Since(t0)
	if !errors.Is(err, crl.ErrMalformed) {
		t.Fatalf("Parse: %v, want ErrMalformed (serial listed twice)", err)
	}
	if end, ok2 := cpuTime(); ok && ok2 && end-start > time.Second {
		t.Fatalf("refusing took %s of CPU", end-start)
	}
	if wall > 2*time.Second {
		t.Fatalf("refusing took %s", wall)
	}

	// One serial under many certificate issuers (indirect CRL).
	issuers := make([]x509.RevocationListEntry, 0, 65)
	for i := range 65 {
		other := newGoCA(t, "Other CA "+string(rune('A'+i%26))+string(rune('a'+i/26)))
		issuers = append(issuers, entry(0x77, 1, certIssuerExt(t, other.cert)))
	}
	if _, err := crl.Parse(ca.makeCRL(t, 2, issuers[:2])); err != nil {
		t.Fatalf("one serial for two certificate issuers: %v", err)
	}
	if _, err := crl.Parse(ca.makeCRL(t, 3, issuers)); !errors.Is(err, crl.ErrMalformed) {
		t.Fatalf("one serial for 65 certificate issuers: %v, want ErrMalformed", err)
	}
}
