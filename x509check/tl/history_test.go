package tl_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"errors"
	"testing"
	"time"

	"github.com/csam-go/csam/internal/checktest"
	"github.com/csam-go/csam/internal/testpki"
	"github.com/csam-go/csam/internal/testtl"
	"github.com/csam-go/csam/x509check"
	"github.com/csam-go/csam/x509check/tl"
)

// A validation time before the list's issue date is judged from the
// services' history (ETSI TS 119 615 historical validation) instead of
// refused: trusted when the service was granted then, refused when its
// history starts later.
func TestHistoricalValidation(t *testing.T) {
	now := time.Now().UTC().Truncate(time.Second)
	past := now.AddDate(0, 0, -100)
	p := testpki.New(t, testpki.Options{Now: past})
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	signer := testtl.NewSigner(t, key)
	asi := []string{tl.ASIRootCAQC, tl.ASIForESignatures}
	list := func(since time.Time) *tl.List {
		spec := testtl.List{Seq: 2, Issued: now.Add(-time.Hour), NextUpdate: now.Add(30 * 24 * time.Hour),
			Providers: []testtl.Provider{{Name: "Test eID TSP", Services: []testtl.Service{{
				Cert: p.Root.Cert, Current: testtl.Instance{Status: tl.StatusGranted, Start: since, ASI: asi}}}}}}
		l, err := tl.Verify(signer.Sign(t, spec.XML()), tl.VerifyOptions{Signers: []*x509.Certificate{signer.Cert}, Time: past})
		if err != nil {
			t.Fatalf("list issued after the validation time: %v", err)
		}
		return l
	}
	for _, tt := range []struct {
		name  string
		since time.Time
		ok    bool
	}{
		{"granted a year before", now.AddDate(-1, 0, 0), true},
		{"granted only 50 days ago", now.AddDate(0, 0, -50), false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			opts := x509check.Options{Intermediates: []*x509.Certificate{p.CA.Cert}, Revocation: x509check.NoRevocation, CurrentTime: past}
			(&tl.Source{List: list(tt.since)}).Apply(&opts)
			res, err := checktest.Validate(context.Background(), p.Sign.Cert, opts)
			if tt.ok && (err != nil || !res.Valid || res.Qualified == nil || !res.Qualified.Qualified) {
				t.Fatalf("valid %v, %v, %+v", res.Valid, err, res.Qualified)
			}
			if !tt.ok && (res.Valid || !errors.Is(err, x509check.ErrUntrusted)) {
				t.Fatalf("valid %v, %v; want ErrUntrusted", res.Valid, err)
			}
		})
	}
}
