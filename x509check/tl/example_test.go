package tl_test

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"time"

	"github.com/csam-go/csam/x509check"
	"github.com/csam-go/csam/x509check/tl"
)

// Load a signed trusted list with its pinned signer and ask for a
// certificate's qualification.
func Example() {
	// A list signed by a test scheme operator, with a CA/QC service
	// granted since 2017 and withdrawn in June 2022.
	f := exampleFixture()

	list, err := tl.Verify(f.signedList, tl.VerifyOptions{
		Signers: []*x509.Certificate{f.signer}, // pinned: from the EU list of lists
		Time:    time.Date(2023, 3, 1, 0, 0, 0, 0, time.UTC),
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(list.Territory, list.SequenceNumber, len(list.Providers), "provider")

	r, err := list.Qualify(f.chain, time.Date(2023, 3, 1, 0, 0, 0, 0, time.UTC))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("at issuance:", r.AtIssuance.Label(), "by", r.AtIssuance.Service)
	fmt.Println("at validation:", r.AtValidation.Label())
	// Output:
	// BE 12 1 provider
	// at issuance: QC for eSig with QSCD by Test Root CA
	// at validation: not qualified
}

// Make a verified list the validator's source of trust and qualification.
func ExampleSource() {
	f := exampleFixture()
	at := time.Date(2023, 3, 1, 0, 0, 0, 0, time.UTC)
	list, err := tl.Verify(f.signedList, tl.VerifyOptions{Signers: []*x509.Certificate{f.signer}, Time: at})
	if err != nil {
		fmt.Println(err)
		return
	}
	opts := x509check.Options{CurrentTime: at, Revocation: x509check.NoRevocation, Intermediates: f.chain[1:2]}
	(&tl.Source{List: list}).Apply(&opts) // the list's CA/QC services as roots, and its qualification

	// The list withdrew the service after the certificate's issuance: the
	// verdicts at issuance and at validation differ.
	v, err := x509check.NewValidator(opts)
	if err != nil {
		fmt.Println(err)
		return
	}
	res, _ := v.Validate(context.Background(), f.chain[0])
	d := res.Qualified.TrustedList
	fmt.Println("at issuance:", d.AtIssuance.Label, "by", d.AtIssuance.Service)
	fmt.Println("at validation:", d.AtValidation.Label)
	// Output:
	// at issuance: QC for eSig with QSCD by Test Root CA
	// at validation: not qualified
}

// Keep verified lists in a cache shared by the callers that load them:
// the same bytes with the same pinned signers are verified once, and the
// list's validity is checked at every call.
func ExampleCache() {
	f := exampleFixture()
	cache := &tl.Cache{} // the zero value holds up to DefaultCacheSize lists
	opts := tl.VerifyOptions{Signers: []*x509.Certificate{f.signer}, Time: time.Date(2023, 3, 1, 0, 0, 0, 0, time.UTC), Cache: cache}
	first, _ := tl.Verify(f.signedList, opts)
	again, _ := tl.Verify(f.signedList, opts)
	fmt.Println("same list:", first == again)

	opts.Time = time.Date(2023, 8, 1, 0, 0, 0, 0, time.UTC) // after the next update
	_, err := tl.Verify(f.signedList, opts)
	fmt.Println(errors.Is(err, tl.ErrExpired))
	// Output:
	// same list: true
	// true
}
