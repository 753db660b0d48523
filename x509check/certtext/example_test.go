package certtext_test

import (
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"os"
	"strings"

	"github.com/csam-go/csam/x509check/certtext"
)

// Print a certificate's text with its qualified status.
func Example() {
	b, err := os.ReadFile("../../testdata/realdata/belgium-pki/belgiumrca6.pem")
	if err != nil {
		fmt.Println(err)
		return
	}
	blk, _ := pem.Decode(b)
	if blk == nil {
		fmt.Println("no PEM block")
		return
	}
	cert, err := x509.ParseCertificate(blk.Bytes)
	if err != nil {
		fmt.Println(err)
		return
	}
	text, err := certtext.Text(cert)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, line := range strings.Split(text, "\n") {
		if strings.Contains(line, "Subject:") || strings.Contains(line, "QCStatements:") || strings.Contains(line, "Qualified:") {
			fmt.Println(strings.TrimSpace(line))
		}
	}
	// Output:
	// Subject: C=BE,L=Brussels,O=Kingdom of Belgium - Federal Government,OU=FPS Home Affairs - BIK-GCI (NTRBE-0362475538),OU=FPS Policy and Support - BOSA (NTRBE-0671516647),CN=Belgium Root CA6
	// QCStatements: absent
	// Qualified: no (no QcCompliance)
}
