package fileinput

import (
	"crypto/x509"
	"fmt"

	"github.com/csam-go/csam/x509check"
)

// Certificates reads the certificates of each path as
// [x509check.LoadCertificates] does (a file, or a folder's regular
// files), and of standard input for "-" (PEM or DER, at most
// x509check.MaxCertificateFileSize bytes).
func (in *Inputs) Certificates(paths ...string) ([]*x509.Certificate, error) {
	var out []*x509.Certificate
	for _, p := range paths {
		if p != "-" {
			cs, err := x509check.LoadCertificates(p)
			if err != nil {
				return nil, err
			}
			out = append(out, cs...)
			continue
		}
		b, err := in.Read(p, x509check.MaxCertificateFileSize)
		if err != nil {
			return nil, err
		}
		cs, err := x509check.ParseCertificates(b)
		if err != nil {
			return nil, fmt.Errorf("standard input: %w", err)
		}
		out = append(out, cs...)
	}
	return out, nil
}
