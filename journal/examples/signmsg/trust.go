package main

import (
	"crypto/x509"

	"github.com/csam-go/csam/x509check"
	"github.com/csam-go/csam/x509check/tl"
)

// applyTrust sets the validation's roots and intermediates (read from
// files or folders) and, when list is set, makes the trusted list the
// source of trust and qualification: the one place signmsg says how
// x509check takes its anchors.
func applyTrust(o *x509check.Options, roots, inters []string, list *tl.List) error {
	var rc, ic []*x509.Certificate
	var err error
	if len(roots) > 0 {
		if rc, err = x509check.LoadCertificates(roots...); err != nil {
			return err
		}
	}
	if len(inters) > 0 {
		if ic, err = x509check.LoadCertificates(inters...); err != nil {
			return err
		}
	}
	setCerts(&o.Roots, rc)
	setCerts(&o.Intermediates, ic)
	if list != nil {
		(&x509check.TrustedList{List: list}).Apply(o)
	}
	return nil
}

// setCerts sets a field of x509check.Options that takes certificates, as
// a pool or as a slice.
func setCerts(field any, certs []*x509.Certificate) {
	if len(certs) == 0 {
		return
	}
	switch f := field.(type) {
	case **x509.CertPool:
		*f = x509.NewCertPool()
		for _, c := range certs {
			(*f).AddCert(c)
		}
	case *[]*x509.Certificate:
		*f = certs
	}
}
