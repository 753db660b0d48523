// Package a has good and bad links.
//
// Good: [T], [*T], [T.M], [T.F], [Alias], [b.Opts.Field], [b.Inner.M],
// [io.Reader], [io.Reader.Read], [a.T]; Gone is a word.
//
// Declared but without a go doc entry (promoted, aliased): [Alias.M],
// [b.Opts.M], [b.Opts.Depth].
//
// Bad: [Missing], [T.Missing], [b.Missing], [*Missing], [nopkg.X] and a
// mention of b.Removed in prose, of T.Nope and b.Opts.Gone (but T.F,
// b.Opts.Field and T.M are fine), of TestGone (ExampleT exists).
//
//	b.New(b.Opts{Field: 1, Nope: 2})
//	x := b.Vanished()
//	t := T{}
//	t.M()
package a

import (
	"io"

	"example.com/mod/b"
)

// T uses [io.Reader].
type T struct {
	F int // F has a [BadField] link.
}

// M is a method.
func (T) M() {}

// Alias is a type alias; [Alias.M] is not an entry of go doc.
type Alias = T

var _ io.Reader
var _ = b.New
