package tl_test

import (
	"crypto/x509"
	"fmt"
	"time"

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
