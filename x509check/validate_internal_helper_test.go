package x509check

import (
	"context"
	"crypto/x509"
)

// validate validates cert with a validator made for opts.
func validate(ctx context.Context, cert *x509.Certificate, opts Options, extra ...*x509.Certificate) (*Result, error) {
	v, err := NewValidator(opts)
	if err != nil {
		return nil, err
	}
	return v.Validate(ctx, cert, extra...)
}
