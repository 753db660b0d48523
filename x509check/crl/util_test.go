package crl_test

import (
	"errors"

	"github.com/csam-go/csam/x509check/crl"
)

func isScope(err error) bool {
	var se *crl.ScopeError
	return errors.Is(err, errScope) && errors.As(err, &se)
}
