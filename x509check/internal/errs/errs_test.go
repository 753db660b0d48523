package errs

import (
	"context"
	"errors"
	"fmt"
	"testing"
)

func TestSourceError(t *testing.T) {
	detail := fmt.Errorf("wrapped: %w", context.DeadlineExceeded)
	tests := []struct {
		name string
		err  error
		code string
		is   []error // targets errors.Is must match
		not  []error // targets it must not match
	}{
		{"stale", Source("ocsp", CodeStaleResponse, "nextUpdate %s", "yesterday"), CodeStaleResponse,
			[]error{RevocationUnavailable, &SourceError{Code: CodeStaleResponse}, &SourceError{Source: "ocsp", Code: CodeStaleResponse}},
			[]error{Revoked, BadInput, &SourceError{Code: CodeFetch}, &SourceError{Source: "crl", Code: CodeStaleResponse}, &SourceError{}}},
		{"wrapped cause", Wrap("crl", CodeTimeout, detail), CodeTimeout,
			[]error{RevocationUnavailable, context.DeadlineExceeded, &SourceError{Code: CodeTimeout}},
			[]error{&SourceError{Code: CodeTimeout, Err: detail}}},
		{"under a verdict", fmt.Errorf("%w: %w", RevocationUnavailable, errors.Join(Source("ocsp", CodeFetch, "down"))), "revocation-unavailable",
			[]error{RevocationUnavailable, &SourceError{Code: CodeFetch}}, nil},
		{"sentinel", fmt.Errorf("%w: detail", Untrusted), "untrusted", []error{Untrusted}, []error{RevocationUnavailable}},
		{"other", errors.New("plain"), "error", nil, []error{RevocationUnavailable}},
		{"nil", nil, "error", nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Code(tt.err); got != tt.code {
				t.Errorf("Code = %q, want %q", got, tt.code)
			}
			for _, target := range tt.is {
				if !errors.Is(tt.err, target) {
					t.Errorf("errors.Is(%v, %v) = false", tt.err, target)
				}
			}
			for _, target := range tt.not {
				if errors.Is(tt.err, target) {
					t.Errorf("errors.Is(%v, %v) = true", tt.err, target)
				}
			}
		})
	}
}

func TestSourceErrorMessage(t *testing.T) {
	for _, tt := range []struct {
		err  error
		want string
	}{
		{Source("crl", CodeBadSignature, "key %d", 2), "crl: signature invalid or refused: key 2"},
		{&SourceError{Code: CodeNoSource}, "x509check: no revocation source to consult"},
		{&SourceError{Source: "ocsp", Code: "new-code"}, "ocsp: new-code"},
	} {
		if got := tt.err.Error(); got != tt.want {
			t.Errorf("Error() = %q, want %q", got, tt.want)
		}
	}
}
