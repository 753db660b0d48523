//go:build cgo

package piv_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/csam-go/csam/internal/testenv"
	"github.com/csam-go/csam/internal/vpcdtest"
	"github.com/csam-go/csam/piv"
	"github.com/csam-go/csam/piv/vtoken"
)

const (
	reader0 = vpcdtest.Reader0
	reader1 = vpcdtest.Reader1
)

// setup locks the vpcd readers and serves a fresh token in reader 0.
func setup(t *testing.T, o vtoken.Options) *vtoken.Token {
	t.Helper()
	tok := newToken(t, o)
	vpcdtest.Insert(t, tok)
	return tok
}

func pinFunc(pin string, calls *int) piv.PINFunc {
	return func(ctx context.Context, slot piv.Slot) (string, error) {
		if calls != nil {
			*calls++
		}
		return pin, nil
	}
}

func open(t *testing.T, o piv.Options) *piv.Token {
	t.Helper()
	tk, err := piv.Open(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tk.Close() })
	return tk
}

// run runs a command, failing the test with its output on error.
func run(t testing.TB, dir string, name string, args ...string) string {
	t.Helper()
	cmd := exec.Command(testenv.Tool(t, name), args...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s %v: %v\n%s", name, args, err, out)
	}
	return string(out)
}

// opensslCA makes a CA directory for `openssl ca` and returns it.
func opensslCA(t testing.TB) string {
	t.Helper()
	dir := t.TempDir()
	cnf := `[ca]
default_ca = test
[test]
dir = .
database = index.txt
new_certs_dir = .
serial = serial
certificate = ca.pem
private_key = ca.key
default_md = sha256
default_days = 365
policy = anything
copy_extensions = none
x509_extensions = leaf
unique_subject = no
[anything]
commonName = supplied
organizationName = optional
[leaf]
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = clientAuth
`
	for name, content := range map[string]string{"ca.cnf": cnf, "index.txt": "", "serial": "1000\n"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	run(t, dir, "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
		"-keyout", "ca.key", "-out", "ca.pem", "-days", "30", "-subj", "/CN=csam test openssl CA")
	return dir
}
