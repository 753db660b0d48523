package main

import (
	"github.com/csam-go/csam/x509check"
	"github.com/csam-go/csam/x509check/tl"
)

// applyTrust sets the validation's roots and intermediates (read from
// files or folders) and, when list is set, makes the trusted list the
// source of trust and qualification: the one place signmsg says how
// x509check takes its anchors.
func applyTrust(o *x509check.Options, roots, inters []string, list *tl.List) error {
	var err error
	if len(roots) > 0 {
		if o.Roots, err = x509check.LoadCertificates(roots...); err != nil {
			return err
		}
	}
	if len(inters) > 0 {
		if o.Intermediates, err = x509check.LoadCertificates(inters...); err != nil {
			return err
		}
	}
	if list != nil {
		(&tl.Source{List: list}).Apply(o)
	}
	return nil
}
