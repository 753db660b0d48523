package main

// The trusted-list source of certcheck: -trusted-list FILE with
// -tl-signer PEM.

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/csam-go/csam/x509check"
	"github.com/csam-go/csam/x509check/tl"
)

// describeList is the one-line summary of the list in use.
func describeList(l *tl.List) string {
	s := fmt.Sprintf("%s sequence %d, issued %s", l.Territory, l.SequenceNumber, l.IssueDate.Format(time.RFC3339))
	if !l.NextUpdate.IsZero() {
		s += ", next update " + l.NextUpdate.Format(time.RFC3339)
	}
	return s
}

// printQualification prints the list's verdicts.
func printQualification(w io.Writer, r *x509check.TrustedListDecision) {
	for _, x := range []struct {
		when string
		q    x509check.TrustedListVerdict
	}{{"at issuance", r.AtIssuance}, {"at validation", r.AtValidation}} {
		fmt.Fprintf(w, "qualification %s (%s): %s\n", x.when, x.q.Time.Format(time.RFC3339), x.q.Label)
		if x.q.Service != "" {
			fmt.Fprintf(w, "  service: %s (%s)", x.q.Service, x.q.Provider)
			if x.q.Status != "" {
				fmt.Fprintf(w, ", %s since %s", lastSegment(x.q.Status), x.q.StatusStart.Format(time.RFC3339))
			}
			fmt.Fprintln(w)
		}
		if len(x.q.Qualifiers) > 0 {
			var short []string
			for _, u := range x.q.Qualifiers {
				short = append(short, lastSegment(u))
			}
			fmt.Fprintf(w, "  qualifiers: %s\n", strings.Join(short, ", "))
		}
		fmt.Fprintf(w, "  reason: %s\n", x.q.Reason)
	}
	fmt.Fprintf(w, "trusted-list decision: trusted %v, qualified %v (%s)\n", r.Trusted, r.Qualified, r.Reason)
}

func lastSegment(uri string) string {
	return uri[strings.LastIndexByte(uri, '/')+1:]
}
