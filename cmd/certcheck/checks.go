package main

import (
	"errors"
	"fmt"
	"strings"

	"github.com/csam-go/csam/internal/checkreport"
	"github.com/csam-go/csam/x509check"
)

// Names of the checks certcheck reports, in the order it reports them.
const (
	checkPath       = "path"
	checkUsage      = "usage"
	checkRevocation = "revocation"
)

// usageErrors are the errors of the usage check; revocationErrors those of
// the revocation check. Every other error of a validation is the path's,
// so that no error goes unreported in a check.
var (
	usageErrors      = []error{x509check.ErrWrongUsage}
	revocationErrors = []error{x509check.ErrRevoked, x509check.ErrSuspended, x509check.ErrUnknown, x509check.ErrRevocationUnavailable}
)

func isAny(err error, targets []error) bool {
	for _, t := range targets {
		if errors.Is(err, t) {
			return true
		}
	}
	return false
}

// reportChecks turns a validation result into the checks certcheck prints,
// in the shape eidread prints its own (internal/checkreport): the path to
// a trust anchor within its validity, the key usage, and the revocation
// status. A check that did not run is "skipped" with the reason, never
// "passed".
func reportChecks(res *x509check.Result, usage string) []checkreport.Check {
	var pathErrs, usageErrs, revErrs []string
	for _, e := range res.Errors {
		switch {
		case isAny(e, usageErrors):
			usageErrs = append(usageErrs, e.Error())
		case isAny(e, revocationErrors):
			revErrs = append(revErrs, e.Error())
		default:
			pathErrs = append(pathErrs, e.Error())
		}
	}
	path := checkreport.Check{Name: checkPath, Status: checkreport.Passed}
	switch {
	case len(pathErrs) > 0:
		path.Status, path.Detail = checkreport.Failed, strings.Join(pathErrs, "; ")
	case len(res.Chain) == 0:
		path.Status, path.Detail = checkreport.Failed, "no path to a trust anchor"
	default:
		path.Detail = fmt.Sprintf("%d certificates to %s", len(res.Chain), x509check.SubjectString(res.Chain[len(res.Chain)-1]))
	}

	use := checkreport.Check{Name: checkUsage, Status: checkreport.Passed, Detail: usage}
	switch {
	case len(usageErrs) > 0:
		use.Status, use.Detail = checkreport.Failed, strings.Join(usageErrs, "; ")
	case len(res.Chain) == 0:
		use.Status, use.Detail = checkreport.Skipped, "no path: the usage along it was not checked"
	}

	rev := checkreport.Check{Name: checkRevocation, Detail: res.Revocation.String()}
	switch {
	case len(revErrs) > 0:
		rev.Status, rev.Detail = checkreport.Failed, strings.Join(revErrs, "; ")
	case res.Revocation == x509check.StatusGood:
		rev.Status = checkreport.Passed
	case res.Revocation == x509check.StatusNotChecked && (path.Status != checkreport.Passed || use.Status != checkreport.Passed):
		rev.Status, rev.Detail = checkreport.Skipped, "not checked: an earlier check failed"
	case res.Revocation == x509check.StatusNotChecked:
		rev.Status, rev.Detail = checkreport.Skipped, "not checked (revocation policy none)"
	case res.Revocation == x509check.StatusUndetermined && res.Valid:
		rev.Status, rev.Detail = checkreport.Skipped, "undetermined, accepted by the soft-fail policy"
	default:
		rev.Status = checkreport.Failed
	}
	return []checkreport.Check{path, use, rev}
}
