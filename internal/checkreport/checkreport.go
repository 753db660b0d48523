// Package checkreport is the JSON shape in which the programs report
// checks: one object per check, with its status and a detail, so that
// eidread and certcheck print checks alike and a script reads both the same
// way.
//
//	{"name": "identity signature", "status": "passed", "detail": "RSA PKCS#1 v1.5 SHA-256"}
//	{"name": "root", "status": "skipped", "detail": "no trusted roots given"}
package checkreport

// Status is the outcome of a check.
type Status string

// Statuses. A skipped check did not run (it does not apply, or its input is
// missing): it is never reported as passed.
const (
	Passed  Status = "passed"
	Failed  Status = "failed"
	Skipped Status = "skipped"
)

// Check is one check as reported.
type Check struct {
	Name   string `json:"name"`
	Status Status `json:"status"`
	// Detail says how the check passed, or why it failed or did not run.
	Detail string `json:"detail,omitempty"`
}

// Summary counts the checks of each status.
func Summary(cs []Check) (passed, failed, skipped int) {
	for _, c := range cs {
		switch c.Status {
		case Passed:
			passed++
		case Failed:
			failed++
		default:
			skipped++
		}
	}
	return passed, failed, skipped
}
