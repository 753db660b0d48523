// Package certtext renders an X.509 certificate as readable text, in the
// manner of `openssl x509 -text`, with its qualified status: the text of
// github.com/smallstep/certinfo followed by the qualified status section
// of package qc (certinfo does not decode QCStatements).
//
// It is a pretty-printer for people (certcheck -v), kept out of package
// x509check so that a service that validates certificates does not link
// it or its dependencies.
//
//	txt, err := certtext.Text(cert) // certinfo's full text, then the qualified status section
package certtext

import (
	"crypto/x509"
	"fmt"
	"strings"

	"github.com/smallstep/certinfo"

	"github.com/csam-go/csam/x509check/qc"
)

// Text returns cert's text: certinfo's, then qc.Text's qualified status.
// Its errors are those of qc.FromCertificate (undecodable QCStatements)
// and certinfo's, prefixed with "certtext: ".
func Text(cert *x509.Certificate) (string, error) {
	q, err := qc.Text(cert)
	if err != nil {
		return "", fmt.Errorf("certtext: %w", err)
	}
	ci, err := certinfo.CertificateText(cert)
	if err != nil {
		return "", fmt.Errorf("certtext: %w", err)
	}
	if !strings.HasSuffix(ci, "\n") {
		ci += "\n"
	}
	return ci + q, nil
}
