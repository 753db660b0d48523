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

// A certificate that is itself a CA/QC service's digital identity is a
// trust anchor, as a root given to the validator is: valid while the
// service is granted, refused once it is withdrawn.
func TestListedCAIsAnAnchor(t *testing.T) {
	now := time.Now().UTC().Truncate(time.Second)
	p := testpki.New(t, testpki.Options{Now: now})
	withdrawn := now.Add(-time.Hour)
	asi := []string{tl.ASIRootCAQC, tl.ASIForESignatures}
	spec := testtl.List{Seq: 1, Issued: now.Add(-time.Hour), NextUpdate: now.Add(30 * 24 * time.Hour),
		Providers: []testtl.Provider{{Name: "Test TSP", Services: []testtl.Service{
			{Cert: p.CA.Cert, Current: testtl.Instance{Status: tl.StatusGranted, Start: now.AddDate(-1, 0, 0), ASI: asi}},
			{Cert: p.Root.Cert, Current: testtl.Instance{Status: tl.StatusWithdrawn, Start: withdrawn, ASI: asi},
				History: []testtl.Instance{{Status: tl.StatusGranted, Start: now.AddDate(-1, 0, 0), ASI: asi}}},
		}}}}
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	signer := testtl.NewSigner(t, key)
	list, err := tl.Verify(signer.Sign(t, spec.XML()), tl.VerifyOptions{Signers: []*x509.Certificate{signer.Cert}, Time: now})
	if err != nil {
		t.Fatal(err)
	}
	opts := x509check.Options{Revocation: x509check.NoRevocation, CurrentTime: now}
	(&tl.Source{List: list}).Apply(&opts)
	res, err := checktest.Validate(context.Background(), p.CA.Cert, opts)
	if err != nil || !res.Valid || len(res.Chain) != 1 || res.Qualified == nil || res.Qualified.Qualified {
		t.Fatalf("granted CA/QC service's certificate: valid %v, %v, %+v", res.Valid, err, res.Qualified)
	}
	res, err = checktest.Validate(context.Background(), p.Root.Cert, opts)
	if res.Valid || !errors.Is(err, x509check.ErrUntrusted) {
		t.Fatalf("withdrawn service's certificate: valid %v, %v", res.Valid, err)
	}
	opts.CurrentTime = withdrawn.Add(-time.Minute)
	if res, err = checktest.Validate(context.Background(), p.Root.Cert, opts); err != nil || !res.Valid {
		t.Fatalf("withdrawn service's certificate before the withdrawal: valid %v, %v", res.Valid, err)
	}
}
