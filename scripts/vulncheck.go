//go:build ignore

// Command vulncheck reads `govulncheck -format json` on standard input and
// applies the project's policy: a vulnerability that the code calls in a
// required module fails (exit 1); one in the Go standard library is
// reported with the Go release that fixes it (the toolchain is the
// machine's, not the module's), and so are vulnerabilities the code
// imports or requires but does not call.
//
//	govulncheck -db file://DIR -format json ./... | go run scripts/vulncheck.go
package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
)

type frame struct {
	Module   string `json:"module"`
	Version  string `json:"version"`
	Package  string `json:"package"`
	Function string `json:"function"`
}

type message struct {
	Finding *struct {
		OSV          string  `json:"osv"`
		FixedVersion string  `json:"fixed_version"`
		Trace        []frame `json:"trace"`
	} `json:"finding"`
}

type verdict struct {
	module, version, fixed string
	called                 bool
}

func main() {
	dec := json.NewDecoder(os.Stdin)
	found := map[string]*verdict{}
	for {
		var m message
		err := dec.Decode(&m)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "vulncheck: reading govulncheck output:", err)
			os.Exit(2)
		}
		f := m.Finding
		if f == nil || len(f.Trace) == 0 {
			continue
		}
		v := found[f.OSV]
		if v == nil {
			v = &verdict{module: f.Trace[0].Module, version: f.Trace[0].Version, fixed: f.FixedVersion}
			found[f.OSV] = v
		}
		if f.Trace[0].Function != "" {
			v.called = true
		}
	}
	ids := make([]string, 0, len(found))
	for id := range found {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	failed := 0
	for _, id := range ids {
		v := found[id]
		what := "imported or required, not called"
		if v.called {
			what = "called"
		}
		fixed := "fixed in " + v.fixed
		if v.fixed == "" {
			fixed = "no fix yet"
		}
		switch {
		case v.module == "stdlib":
			fmt.Printf("warning: %s in the Go standard library %s (%s): %s; build with that Go release\n", id, v.version, what, fixed)
		case v.called:
			fmt.Printf("error: %s in %s@%s (%s): %s\n", id, v.module, v.version, what, fixed)
			failed++
		default:
			fmt.Printf("note: %s in %s@%s (%s): %s\n", id, v.module, v.version, what, fixed)
		}
	}
	fmt.Printf("govulncheck: %d vulnerabilities found, %d called in required modules\n", len(ids), failed)
	if failed > 0 {
		os.Exit(1)
	}
}
