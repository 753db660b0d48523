package qc_test

import (
	"encoding/hex"
	"errors"
	"fmt"

	"github.com/csam-go/csam/x509check/qc"
)

// The QCStatements extension of the specimen eID card's signing
// certificate holds QcCompliance alone.
func ExampleDecodeStatements() {
	der, _ := hex.DecodeString("300a3008060604008e460101")
	s, err := qc.DecodeStatements(der)
	if err != nil {
		fmt.Println(err)
		return
	}
	st := qc.FromStatements(s)
	fmt.Println("qualified:", st.Qualified, "EU:", st.EU, "QSCD:", st.QSCD)
	fmt.Println("types:", st.Types, "implied:", st.TypeImplied)
	// Output:
	// qualified: true EU: true QSCD: false
	// types: [esign] implied: true
}

// A qualified certificate whose key is in a QSCD: QcCompliance and QcSSCD.
func ExampleStatus_String() {
	der, _ := hex.DecodeString("3014" + "3008060604008e460101" + "3008060604008e460104")
	s, err := qc.DecodeStatements(der)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Print(qc.FromStatements(s))
	// Output:
	//     Qualified certificate status (ETSI EN 319 412-5, EN 319 411-2):
	//         QCStatements: 2 statement(s)
	//         Qualified: yes, EU qualified certificate (QcCompliance)
	//         QSCD: yes, private key in a qualified signature/seal creation device (QcSSCD)
	//         Type: esign (implied: QcCompliance without QcType)
	//         Qualified policy: none
}

// Malformed input gives a *DecodeError matching ErrMalformed.
func ExampleDecodeStatements_malformed() {
	der, _ := hex.DecodeString("300c300a060604008e4601030500") // QcRetentionPeriod with NULL
	_, err := qc.DecodeStatements(der)
	fmt.Println(errors.Is(err, qc.ErrMalformed))
	fmt.Println(err)
	// Output:
	// true
	// qc: malformed QcRetentionPeriod statement: retention period is not a non-negative INTEGER
}
