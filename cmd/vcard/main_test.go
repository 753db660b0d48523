package main

import (
	"context"
	"crypto/x509"
	"encoding/pem"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// closedAddr returns a loopback address where nothing listens.
func closedAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

// TestExportAndNoVPCD exports the PKI, then fails to reach vpcd (nothing
// listens): exit status 1 with -once.
func TestExportAndNoVPCD(t *testing.T) {
	dir := t.TempDir()
	var stderr strings.Builder
	code := run(context.Background(), []string{"-profile", "1.8", "-seed", "t", "-pin", "5678", "-export", dir, "-addr", closedAddr(t), "-once"}, &stderr)
	if code != 1 {
		t.Fatalf("exit %d, want 1\n%s", code, stderr.String())
	}
	if !strings.Contains(stderr.String(), "vpcd") {
		t.Errorf("stderr does not explain the vpcd failure:\n%s", stderr.String())
	}
	b, err := os.ReadFile(filepath.Join(dir, "root.pem"))
	if err != nil {
		t.Fatal(err)
	}
	blk, _ := pem.Decode(b)
	if blk == nil {
		t.Fatal("root.pem is not PEM")
	}
	root, err := x509.ParseCertificate(blk.Bytes)
	if err != nil || !root.IsCA {
		t.Fatalf("root.pem: %v", err)
	}
	if strings.Contains(stderr.String(), "5678") {
		t.Error("the PIN was logged")
	}
}

func TestPIVProfile(t *testing.T) {
	for _, tc := range []struct {
		args []string
		code int
	}{
		{[]string{"-profile", "piv", "-seed", "x"}, 2},
		{[]string{"-profile", "piv", "-dump", "d"}, 2},
		{[]string{"-profile", "piv", "-pin", "12"}, 2},
		{[]string{"-profile", "piv", "-pin", "24681357", "-addr", closedAddr(t), "-once"}, 1},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			var stderr strings.Builder
			if code := run(context.Background(), tc.args, &stderr); code != tc.code {
				t.Fatalf("exit %d, want %d\n%s", code, tc.code, stderr.String())
			}
			if strings.Contains(stderr.String(), "24681357") {
				t.Error("the PIN was logged")
			}
		})
	}
	dir := t.TempDir()
	var stderr strings.Builder
	if code := run(context.Background(), []string{"-profile", "piv", "-export", dir, "-addr", closedAddr(t), "-once"}, &stderr); code != 1 {
		t.Fatalf("exit %d, want 1\n%s", code, stderr.String())
	}
	for _, f := range []string{"attestation-root.pem", "attestation-root.key", "issuer.pem", "issuer.key"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Error(err)
		}
	}
}
