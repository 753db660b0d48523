package main

import (
	"github.com/csam-go/csam/internal/fileinput"
	"github.com/csam-go/csam/x509check"
	"github.com/csam-go/csam/x509check/tl"
)

// applyTrust sets the validation's roots and intermediates (read from
// files or folders, or standard input for "-") and, when list is set, makes the trusted list the
// source of trust and qualification: the one place signmsg says how
// x509check takes its anchors.
func applyTrust(in *fileinput.Inputs, o *x509check.Options, roots, inters []string, list *tl.List) error {
	var err error
	if len(roots) > 0 {
		if o.Roots, err = in.Certificates(roots...); err != nil {
			return err
		}
	}
	if len(inters) > 0 {
		if o.Intermediates, err = in.Certificates(inters...); err != nil {
			return err
		}
	}
	if list != nil {
		(&tl.Source{List: list}).Apply(o)
	}
	return nil
}
