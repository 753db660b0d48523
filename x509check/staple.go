package x509check

import "context"

type staplesKey struct{}

// WithOCSPResponses returns a context carrying DER OCSP responses for the
// validations made with it: responses stapled to one call (by a TLS peer,
// in a signed document, ...), where ocsp.Options.Responses are fixed for a
// checker. They come first, pass every check a fetched response does,
// and are recorded with the source address "stapled". They are not cached
// beyond the call.
func WithOCSPResponses(ctx context.Context, ders ...[]byte) context.Context {
	if len(ders) == 0 {
		return ctx
	}
	prev, _ := ctx.Value(staplesKey{}).([][]byte)
	all := append(append([][]byte(nil), prev...), ders...)
	return context.WithValue(ctx, staplesKey{}, all)
}

// stapled returns the responses WithOCSPResponses put in ctx.
func stapled(ctx context.Context) [][]byte {
	s, _ := ctx.Value(staplesKey{}).([][]byte)
	return s
}
