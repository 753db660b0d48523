package x509check_test

import (
	"bytes"
	"errors"
	"os"
	"testing"
	"testing/fstest"

	"github.com/csam-go/csam/internal/testenv"
	"github.com/csam-go/csam/x509check"
)

// LoadCertificatesFS reads files and folders of an fs.FS as
// LoadCertificates does on disk.
func TestLoadCertificatesFS(t *testing.T) {
	read := func(elem ...string) []byte {
		b, err := os.ReadFile(testenv.RealData(t, elem...))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	fsys := fstest.MapFS{
		"roots/b-ca6.pem":   {Data: read("belgium-pki", "belgiumrca6.pem")},
		"roots/a-ca4.pem":   {Data: read("belgium-pki", "belgiumrca4b.pem")},
		"roots/notes.txt":   {Data: []byte("not a certificate")},
		"roots/sub/ca3.pem": {Data: read("belgium-pki", "belgiumrca3.pem")},
		"card/ca.tlv":       {Data: read("eid-specimen", "alice", "Alice_CACertificate.tlv")},
		"big.pem":           {Data: bytes.Repeat([]byte{'A'}, x509check.MaxCertificateFileSize+1)},
		"both.pem":          {Data: append(read("belgium-pki", "belgiumrca2.pem"), read("belgium-pki", "citizenca-202002.pem")...)},
		"empty/.keep":       {Data: nil},
	}
	for _, tt := range []struct {
		name  string
		names []string
		want  []string // common names, in order
		err   error
	}{
		{"folder: regular files in name order, not recursive, non-certificates skipped", []string{"roots"}, []string{"Belgium Root CA4", "Belgium Root CA6"}, nil},
		{"file with two PEM certificates", []string{"both.pem"}, []string{"Belgium Root CA2", "Citizen CA"}, nil},
		{"zero-padded DER card file", []string{"card/ca.tlv"}, []string{"eID test Citizen CA"}, nil},
		{"several names", []string{"card/ca.tlv", "roots/sub"}, []string{"eID test Citizen CA", "Belgium Root CA3"}, nil},
		{"a folder without certificates", []string{"empty"}, nil, nil},
		{"missing", []string{"nothing.pem"}, nil, x509check.ErrBadInput},
		{"a named file that is no certificate", []string{"roots/notes.txt"}, nil, x509check.ErrBadInput},
		{"over MaxCertificateFileSize", []string{"big.pem"}, nil, x509check.ErrBadInput},
		{"invalid name", []string{"../roots"}, nil, x509check.ErrBadInput},
	} {
		t.Run(tt.name, func(t *testing.T) {
			cs, err := x509check.LoadCertificatesFS(fsys, tt.names...)
			if tt.err != nil {
				if !errors.Is(err, tt.err) || cs != nil {
					t.Fatalf("err = %v (%d certificates), want %v", err, len(cs), tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, c := range cs {
				got = append(got, c.Subject.CommonName)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("got %q, want %q", got, tt.want)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Fatalf("got %q, want %q", got, tt.want)
				}
			}
		})
	}
}

// FuzzLoadCertificatesFS: any file content loads or fails with
// ErrBadInput, never panics, and what loads comes from the input. Run it
// with a short minimization time, or it spends its time minimizing the
// multi-KiB seeds: go test -run='^$' -fuzz=FuzzLoadCertificatesFS
// -fuzztime=20s -fuzzminimizetime=2s ./x509check
func FuzzLoadCertificatesFS(f *testing.F) {
	for _, n := range []string{"belgiumrca6.pem", "citizenca-brca2.crt"} {
		if b, err := os.ReadFile("../testdata/realdata/belgium-pki/" + n); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte("-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n"))
	f.Add([]byte{0x30, 0x82, 0xff, 0xff, 0})
	f.Fuzz(func(t *testing.T, data []byte) {
		fsys := fstest.MapFS{"d/f": {Data: data}}
		for _, name := range []string{"d/f", "d"} {
			cs, err := x509check.LoadCertificatesFS(fsys, name)
			if err != nil && !errors.Is(err, x509check.ErrBadInput) {
				t.Fatalf("%s: error %v does not wrap ErrBadInput", name, err)
			}
			for _, c := range cs {
				if len(c.Raw) > len(data) {
					t.Fatalf("%s: a certificate of %d bytes from %d bytes", name, len(c.Raw), len(data))
				}
			}
		}
	})
}
