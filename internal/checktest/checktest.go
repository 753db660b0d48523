// Package checktest holds what the tests of x509check and of the packages
// built on it share: validating one certificate with a validator made for
// the options at hand.
package checktest

import (
	"context"
	"crypto/x509"

	"github.com/csam-go/csam/x509check"
)

// Validate validates cert, with extra as untrusted intermediates, with a
// validator made for opts.
func Validate(ctx context.Context, cert *x509.Certificate, opts x509check.Options, extra ...*x509.Certificate) (*x509check.Result, error) {
	v, err := x509check.NewValidator(opts)
	if err != nil {
		return nil, err
	}
	return v.Validate(ctx, cert, extra...)
}
