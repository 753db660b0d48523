// Package cliversion gives the programs their -version flag: the version
// of the main module as the build recorded it, "(devel)" when it is
// unknown (a build from a working tree, or without module information).
//
//	showVersion := cliversion.Flag(fs)
//	if err := fs.Parse(args); err != nil { ... }
//	if *showVersion {
//		cliversion.Print(stdout, "certcheck")
//		return 0
//	}
package cliversion

import (
	"flag"
	"fmt"
	"io"
	"runtime/debug"
)

// Devel is the version reported when the build information has none.
const Devel = "(devel)"

// Version returns the main module's version from the build information
// (runtime/debug.ReadBuildInfo), or Devel.
func Version() string {
	return fromBuildInfo(debug.ReadBuildInfo())
}

func fromBuildInfo(bi *debug.BuildInfo, ok bool) string {
	if !ok || bi == nil || bi.Main.Version == "" {
		return Devel
	}
	return bi.Main.Version
}

// Flag defines the -version flag on fs.
func Flag(fs *flag.FlagSet) *bool {
	return fs.Bool("version", false, "print the version and exit")
}

// Print writes "NAME VERSION" and a newline to w.
func Print(w io.Writer, name string) {
	fmt.Fprintln(w, name, Version())
}
