package cliversion

import (
	"bytes"
	"flag"
	"os"
	"runtime/debug"
	"testing"
)

func TestFromBuildInfo(t *testing.T) {
	for _, tc := range []struct {
		name string
		bi   *debug.BuildInfo
		ok   bool
		want string
	}{
		{"no build info", nil, false, Devel},
		{"empty version", &debug.BuildInfo{}, true, Devel},
		{"devel", &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}}, true, "(devel)"},
		{"tagged", &debug.BuildInfo{Main: debug.Module{Version: "v1.2.3"}}, true, "v1.2.3"},
		{"pseudo", &debug.BuildInfo{Main: debug.Module{Version: "v0.0.0-20261203070000-abcdef123456"}}, true, "v0.0.0-20261203070000-abcdef123456"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := fromBuildInfo(tc.bi, tc.ok); got != tc.want {
				t.Errorf("fromBuildInfo = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestFlagAndPrint(t *testing.T) {
	fs := flag.NewFlagSet("tool", flag.ContinueOnError)
	v := Flag(fs)
	if err := fs.Parse([]string{"-version"}); err != nil || !*v {
		t.Fatalf("Parse(-version) = %v, flag %v", err, *v)
	}
	var b bytes.Buffer
	Print(&b, "tool")
	// A test binary carries no main module version.
	if got, want := b.String(), "tool "+Version()+"\n"; got != want || Version() == "" {
		t.Errorf("Print wrote %q, want %q", got, want)
	}
}

func ExamplePrint() {
	fs := flag.NewFlagSet("certcheck", flag.ContinueOnError)
	showVersion := Flag(fs)
	_ = fs.Parse([]string{"-version"})
	if *showVersion {
		Print(os.Stdout, "certcheck")
	}
	// Output: certcheck (devel)
}
