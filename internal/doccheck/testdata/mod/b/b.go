// Package b is imported by package a ([a.T]).
package b

// Opts configures [New].
type Opts struct {
	Field int
	Inner
}

// Inner is embedded in [Opts].
type Inner struct{ Depth int }

// M is promoted to Opts; [Opts.M] is not an entry of go doc.
func (Inner) M() {}

// New returns nothing.
func New(Opts) {}
