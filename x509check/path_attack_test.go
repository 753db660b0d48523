package x509check_test

// Path attacks of issue 17 (items 7 and 10), built with openssl (SHA-1
// certificates, which crypto/x509 no longer signs) and with Go.

import (
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/cryptobyte"
	casn1 "golang.org/x/crypto/cryptobyte/asn1"

	"github.com/csam-go/csam/internal/checktest"
	"github.com/csam-go/csam/internal/testenv"
	"github.com/csam-go/csam/x509check"
	"github.com/csam-go/csam/x509check/path"
)

// osslPKI makes certificates with the openssl command line in a folder.
type osslPKI struct {
	t       *testing.T
	openssl string
	dir     string
	serial  int
}

func newOsslPKI(t *testing.T) *osslPKI {
	return &osslPKI{t: t, openssl: testenv.Tool(t, "openssl"), dir: t.TempDir(), serial: 100}
}

func (o *osslPKI) run(args ...string) {
	o.t.Helper()
	cmd := exec.Command(o.openssl, args...)
	cmd.Dir = o.dir
	if out, err := cmd.CombinedOutput(); err != nil {
		o.t.Fatalf("openssl %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

func (o *osslPKI) key(name string) string {
	o.run("genrsa", "-out", name+".key", "2048")
	return name + ".key"
}

// selfSigned makes a SHA-1 self-signed CA certificate with key and the
// extra extension lines.
func (o *osslPKI) selfSigned(name, key, subj string, ext ...string) string {
	o.serial++
	args := []string{"req", "-x509", "-new", "-key", key, "-sha1", "-subj", subj, "-set_serial", fmt.Sprint(o.serial),
		"-days", "2", "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"}
	for _, e := range ext {
		args = append(args, "-addext", e)
	}
	o.run(append(args, "-out", name+".pem")...)
	return name + ".pem"
}

// issue makes a certificate for key with the extension lines (an OpenSSL
// extension section), signed with SHA-1 by caCert/caKey.
func (o *osslPKI) issue(name, key, subj, caCert, caKey string, ext ...string) string {
	o.serial++
	o.run("req", "-new", "-key", key, "-subj", subj, "-out", name+".csr")
	cnf := "[v3]\n" + strings.Join(ext, "\n") + "\n"
	if err := os.WriteFile(filepath.Join(o.dir, name+".cnf"), []byte(cnf), 0o600); err != nil {
		o.t.Fatal(err)
	}
	o.run("x509", "-req", "-in", name+".csr", "-CA", caCert, "-CAkey", caKey, "-sha1", "-set_serial", fmt.Sprint(o.serial),
		"-days", "2", "-extfile", name+".cnf", "-extensions", "v3", "-out", name+".pem")
	return name + ".pem"
}

func (o *osslPKI) path(name string) string { return filepath.Join(o.dir, name) }

func (o *osslPKI) cert(name string) *x509.Certificate {
	o.t.Helper()
	cs, err := x509check.LoadCertificates(o.path(name))
	if err != nil {
		o.t.Fatal(err)
	}
	return cs[0]
}

// Item 10: forty self-issued SHA-1 CA certificates sharing one name and
// key (each can sign every other) made the SHA-1 path builder try every
// ordering (about n⁴ signature checks): the search is bounded (see
// x509check/path: 10 candidates per certificate, 1000 per search) and
// refuses in well under a second of CPU time.
func TestSHA1PathBuildingBounded(t *testing.T) {
	o := newOsslPKI(t)
	loopKey, rootKey := o.key("loop"), o.key("root")
	root := o.selfSigned("root", rootKey, "/CN=Unrelated Root")
	var inters []*x509.Certificate
	for i := range 40 {
		inters = append(inters, o.cert(o.selfSigned(fmt.Sprintf("loop%02d", i), loopKey, "/CN=Loop CA")))
	}
	leaf := o.issue("leaf", o.key("leaf"), "/CN=Loop leaf", "loop00.pem", loopKey, "keyUsage=critical,digitalSignature")
	opts := x509check.Options{Roots: []*x509.Certificate{o.cert(root)}, Intermediates: inters,
		AllowSHA1Signatures: true, Revocation: x509check.NoRevocation}
	leafCert := o.cert(leaf)
	done := make(chan error, 1)
	cpu0, ok := testenv.CPUTime()
	go func() {
		_, err := checktest.Validate(t.Context(), leafCert, opts)
		done <- err
	}()
	select {
	case err := <-done:
		// CPU time, which a loaded machine does not stretch as it does
		// the wall clock: the unbounded search took minutes of it.
		cpu1, ok2 := testenv.CPUTime()
		t.Logf("refused after %s of CPU time: %v", cpu1-cpu0, err)
		if ok && ok2 && cpu1-cpu0 > time.Second {
			t.Fatalf("refused after %s of CPU time, want under 1 s", cpu1-cpu0)
		}
		if !errors.Is(err, x509check.ErrUntrusted) || !workLimit(err) {
			t.Fatalf("err = %v, want ErrUntrusted (path building bound)", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("SHA-1 path building still running after 30 s")
	}
}

// Item 7, on the SHA-1 path: a CA's requireExplicitPolicy (enforced by
// crypto/x509 on the SHA-256 path) and its non-critical directoryName
// constraint apply to the SHA-1 path too.
func TestSHA1PathChecks(t *testing.T) {
	o := newOsslPKI(t)
	rootKey, caKey, leafKey := o.key("root"), o.key("ca"), o.key("leaf")
	root := o.selfSigned("root", rootKey, "/C=BE/CN=SHA-1 Root")
	ca := func(name string, ext ...string) string {
		return o.issue(name, caKey, "/C=BE/O=Good/CN=SHA-1 CA "+name, root, rootKey,
			append([]string{"basicConstraints=critical,CA:TRUE", "keyUsage=critical,keyCertSign,cRLSign"}, ext...)...)
	}
	explicitCA := ca("explicit", "policyConstraints=critical,requireExplicitPolicy:0", "certificatePolicies=1.3.6.1.4.1.99999.1")
	constrainedCA := ca("constrained", "nameConstraints=permitted;dirName:good_dn", "[good_dn]", "C=BE", "O=Good")
	plainCA := ca("plain")
	leaf := func(name, subj, ca, caName string, ext ...string) string {
		return o.issue(name, leafKey, subj, ca, caKey, append([]string{"keyUsage=critical,digitalSignature"}, ext...)...)
	}
	tests := []struct {
		name, leaf, ca string
		ok             bool
		detail         string
	}{
		{"requireExplicitPolicy, leaf without policy", leaf("nopol", "/C=BE/O=Good/CN=No Policy", explicitCA, "explicit"), explicitCA, false, "explicit policy required"},
		{"requireExplicitPolicy, leaf with the policy", leaf("pol", "/C=BE/O=Good/CN=Policy", explicitCA, "explicit", "certificatePolicies=1.3.6.1.4.1.99999.1"), explicitCA, true, ""},
		{"requireExplicitPolicy, leaf with another policy", leaf("otherpol", "/C=BE/O=Good/CN=Other Policy", explicitCA, "explicit", "certificatePolicies=1.3.6.1.4.1.99999.2"), explicitCA, false, "explicit policy required"},
		{"directoryName constraint violated", leaf("evil", "/C=BE/O=Evil/CN=Outside", constrainedCA, "constrained"), constrainedCA, false, "name not permitted"},
		{"directoryName constraint met", leaf("good", "/C=BE/O=Good/CN=Inside", constrainedCA, "constrained"), constrainedCA, true, ""},
		{"no constraint", leaf("plainleaf", "/C=BE/O=Any/CN=Plain", plainCA, "plain"), plainCA, true, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := x509check.Options{Roots: []*x509.Certificate{o.cert(root)}, Intermediates: []*x509.Certificate{o.cert(tt.ca)},
				AllowSHA1Signatures: true, Revocation: x509check.NoRevocation}
			res, err := checktest.Validate(t.Context(), o.cert(tt.leaf), opts)
			if tt.ok {
				if err != nil || !res.Valid {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			if res.Valid || !errors.Is(err, x509check.ErrUntrusted) || !strings.Contains(err.Error(), tt.detail) {
				t.Fatalf("valid %v, err %v; want ErrUntrusted (%s)", res.Valid, err, tt.detail)
			}
		})
	}
}

// nameConstraintsExt is a name constraints extension permitting one
// directoryName subtree, critical or not.
func nameConstraintsExt(t *testing.T, permitted pkix.Name, critical bool) pkix.Extension {
	t.Helper()
	dn, err := asn1.Marshal(permitted.ToRDNSequence())
	if err != nil {
		t.Fatal(err)
	}
	var b cryptobyte.Builder
	b.AddASN1(casn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddASN1(casn1.Tag(0).ContextSpecific().Constructed(), func(b *cryptobyte.Builder) {
			b.AddASN1(casn1.SEQUENCE, func(b *cryptobyte.Builder) {
				b.AddASN1(casn1.Tag(4).ContextSpecific().Constructed(), func(b *cryptobyte.Builder) { b.AddBytes(dn) })
			})
		})
	})
	v, err := b.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	return pkix.Extension{Id: asn1.ObjectIdentifier{2, 5, 29, 30}, Critical: critical, Value: v}
}

// Item 7, on the main path: crypto/x509 ignores a non-critical
// directoryName name constraint; the validator enforces it.
func TestDirectoryNameConstraint(t *testing.T) {
	root := issue(t, caTmpl("NC Root"), nil)
	good := pkix.Name{Country: []string{"BE"}, Organization: []string{"Good"}}
	nc := issue(t, caTmpl("NC CA", func(c *x509.Certificate) {
		c.ExtraExtensions = []pkix.Extension{nameConstraintsExt(t, good, false)}
	}), root)
	leaf := func(org string) *x509.Certificate {
		return issue(t, &x509.Certificate{Subject: pkix.Name{Country: []string{"BE"}, Organization: []string{org}, CommonName: org + " leaf"},
			KeyUsage: x509.KeyUsageDigitalSignature}, nc).cert
	}
	opts := x509check.Options{Roots: certPool(root.cert), Revocation: x509check.NoRevocation, CurrentTime: attackNow}
	if res, err := checktest.Validate(t.Context(), leaf("Good"), opts, nc.cert); err != nil || !res.Valid {
		t.Fatalf("inside the permitted subtree: %v", err)
	}
	res, err := checktest.Validate(t.Context(), leaf("Evil"), opts, nc.cert)
	if res.Valid || !errors.Is(err, x509check.ErrUntrusted) || !strings.Contains(err.Error(), "name constraints") {
		t.Fatalf("outside the permitted subtree: valid %v, %v", res.Valid, err)
	}
}

// workLimit reports whether err is a path that stopped at its bounds.
func workLimit(err error) bool {
	var inv *path.InvalidError
	return errors.As(err, &inv) && inv.Reason == path.WorkLimit
}
