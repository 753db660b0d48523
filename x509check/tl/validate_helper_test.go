package tl_test

import (
	"context"
	"crypto/x509"

	"github.com/csam-go/csam/x509check"
)

// validate validates cert with a validator made for opts.
func validate(ctx context.Context, cert *x509.Certificate, opts x509check.Options, extra ...*x509.Certificate) (*x509check.Result, error) {
	v, err := x509check.NewValidator(opts)
	if err != nil {
		return nil, err
	}
	return v.Validate(ctx, cert, extra...)
}
