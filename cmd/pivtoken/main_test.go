package main

import (
	"context"
	"strings"
	"testing"
)

func TestUsage(t *testing.T) {
	for _, args := range [][]string{
		{},
		{"nosuch"},
		{"list", "extra"},
		{"status", "-nosuchflag"},
		{"enroll", "-slot", "9a"},
		{"enroll", "-slot", "77", "-ca", ".", "-mgm-key", "default"},
		{"enroll", "-slot", "9a", "-ca", ".", "-mgm-key", "abc"},
		{"enroll", "-slot", "9a", "-ca", ".", "-mgm-key", "default", "-alg", "RSA-512"},
		{"enroll", "-slot", "9a", "-ca", t.TempDir(), "-mgm-key", "default"},
		{"attest"},
		{"attest", "-slot", "9a", "-roots", "/nonexistent.pem"},
		{"sign", "-slot", "zz"},
		{"login"},
		{"login", "http://example.invalid/"},
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			var stdout, stderr strings.Builder
			if code := run(context.Background(), args, strings.NewReader(""), &stdout, &stderr); code != exitUsage {
				t.Fatalf("exit %d, want %d\n%s", code, exitUsage, stderr.String())
			}
		})
	}
}
