package x509check

import (
	"bytes"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"

	"github.com/csam-go/csam/internal/boundedfile"
	pathval "github.com/csam-go/csam/x509check/path"
)

// ParseCertificates reads certificates from PEM (every CERTIFICATE block)
// or from DER: one certificate or several concatenated, each possibly
// followed by zero padding (as eID card files are). The errors wrap
// ErrBadInput.
func ParseCertificates(data []byte) ([]*x509.Certificate, error) {
	if bytes.Contains(data, []byte("-----BEGIN")) {
		var out []*x509.Certificate
		rest := data
		for {
			var b *pem.Block
			b, rest = pem.Decode(rest)
			if b == nil {
				break
			}
			if b.Type != "CERTIFICATE" && b.Type != "TRUSTED CERTIFICATE" {
				continue
			}
			c, err := parseCertificate(b.Bytes)
			if err != nil {
				return nil, fmt.Errorf("%w: %v", ErrBadInput, err)
			}
			out = append(out, c)
		}
		if len(out) == 0 {
			return nil, fmt.Errorf("%w: no CERTIFICATE block in PEM input", ErrBadInput)
		}
		return out, nil
	}
	var out []*x509.Certificate
	for _, der := range splitDER(data) {
		c, err := parseCertificate(der)
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrBadInput, err)
		}
		out = append(out, c)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%w: no certificate found", ErrBadInput)
	}
	return out, nil
}

// parseCertificate parses with crypto/x509, and reads what it refuses but
// RFC 5280 path validation judges (a negative serial number, a CRL
// distribution point named relative to its CRL issuer) with
// x509check/path; crypto/x509's error is returned when neither reads it.
func parseCertificate(der []byte) (*x509.Certificate, error) {
	c, err := x509.ParseCertificate(der)
	if err == nil {
		return c, nil
	}
	if p, err2 := pathval.ParseCertificate(der); err2 == nil {
		if x, err2 := p.ToX509(); err2 == nil {
			return x, nil
		}
	}
	return nil, err
}

// splitDER cuts data into DER SEQUENCEs, skipping zero padding between
// and after them. Whatever cannot be framed is returned as the last
// element, for the parser to reject.
func splitDER(data []byte) [][]byte {
	var out [][]byte
	for len(data) > 0 {
		if data[0] == 0 {
			data = data[1:]
			continue
		}
		n := derLen(data)
		if n <= 0 || n > len(data) {
			return append(out, data)
		}
		out = append(out, data[:n])
		data = data[n:]
	}
	return out
}

// derLen returns the total length of the DER element at the start of b,
// or -1.
func derLen(b []byte) int {
	if len(b) < 2 || b[0] != 0x30 {
		return -1
	}
	l := int(b[1])
	if l < 0x80 {
		return 2 + l
	}
	k := l & 0x7f
	if k == 0 || k > 4 || len(b) < 2+k {
		return -1
	}
	l = 0
	for _, c := range b[2 : 2+k] {
		l = l<<8 | int(c)
	}
	if l < 0 || l > 1<<28 {
		return -1
	}
	return 2 + k + l
}

// MaxCertificateFileSize bounds each file LoadCertificates reads (PEM
// bundles of roots included); its size is checked before reading.
const MaxCertificateFileSize = 4 << 20

// LoadCertificates reads the certificates of the given files and folders
// (a folder's regular files, non-recursively, in name order; files that
// hold no certificate are skipped in folders but fail when named). Only
// regular files of at most MaxCertificateFileSize bytes are read: a named
// FIFO, device (/dev/zero) or larger file fails before any read. The
// errors wrap ErrBadInput.
func LoadCertificates(paths ...string) ([]*x509.Certificate, error) {
	var out []*x509.Certificate
	for _, p := range paths {
		st, err := os.Stat(p)
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrBadInput, err)
		}
		if !st.IsDir() {
			cs, err := loadFile(p)
			if err != nil {
				return nil, err
			}
			out = append(out, cs...)
			continue
		}
		ents, err := os.ReadDir(p)
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrBadInput, err)
		}
		sort.Slice(ents, func(i, j int) bool { return ents[i].Name() < ents[j].Name() })
		for _, e := range ents {
			if !e.Type().IsRegular() {
				continue
			}
			cs, err := loadFile(filepath.Join(p, e.Name()))
			if err != nil {
				continue
			}
			out = append(out, cs...)
		}
	}
	return out, nil
}

func loadFile(p string) ([]*x509.Certificate, error) {
	b, err := boundedfile.ReadFile(p, MaxCertificateFileSize)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrBadInput, err)
	}
	cs, err := ParseCertificates(b)
	if err != nil {
		return nil, fmt.Errorf("%w (%s)", err, filepath.Base(p))
	}
	return cs, nil
}

// LoadCertificatesFS reads the certificates of the given files and folders
// of fsys (names as fs.FS takes them, "." for its root), as
// LoadCertificates does on disk: a folder's regular files,
// non-recursively, in name order; files that hold no certificate are
// skipped in folders but fail when named. A file over
// MaxCertificateFileSize bytes is refused. The errors wrap ErrBadInput.
func LoadCertificatesFS(fsys fs.FS, names ...string) ([]*x509.Certificate, error) {
	var out []*x509.Certificate
	for _, n := range names {
		st, err := fs.Stat(fsys, n)
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrBadInput, err)
		}
		if !st.IsDir() {
			cs, err := loadFSFile(fsys, n, st)
			if err != nil {
				return nil, err
			}
			out = append(out, cs...)
			continue
		}
		ents, err := fs.ReadDir(fsys, n) // sorted by name
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrBadInput, err)
		}
		for _, e := range ents {
			if !e.Type().IsRegular() {
				continue
			}
			p := path.Join(n, e.Name())
			st, err := fs.Stat(fsys, p)
			if err != nil {
				continue
			}
			if cs, err := loadFSFile(fsys, p, st); err == nil {
				out = append(out, cs...)
			}
		}
	}
	return out, nil
}

func loadFSFile(fsys fs.FS, name string, st fs.FileInfo) ([]*x509.Certificate, error) {
	if st.Size() > MaxCertificateFileSize {
		return nil, fmt.Errorf("%w: %s: %d bytes, over %d", ErrBadInput, name, st.Size(), MaxCertificateFileSize)
	}
	f, err := fsys.Open(name)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBadInput, err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, MaxCertificateFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBadInput, err)
	}
	if len(b) > MaxCertificateFileSize {
		return nil, fmt.Errorf("%w: %s: over %d bytes", ErrBadInput, name, MaxCertificateFileSize)
	}
	cs, err := ParseCertificates(b)
	if err != nil {
		return nil, fmt.Errorf("%w (%s)", err, path.Base(name))
	}
	return cs, nil
}
