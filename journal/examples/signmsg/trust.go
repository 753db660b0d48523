package main

import (
	"github.com/csam-go/csam/x509check"
	"github.com/csam-go/csam/x509check/tl"
)

// applyTrust sets the validation's roots and intermediates (files or
// folders) and, when list is set, makes the trusted list the source of
// trust and qualification: the one place signmsg says how x509check takes
// its anchors.
func applyTrust(o *x509check.Options, roots, inters []string, list *tl.List) error {
	o.RootPaths, o.IntermediatePaths = roots, inters
	if list != nil {
		(&x509check.TrustedList{List: list}).Apply(o)
	}
	return nil
}
