package main

import (
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/csam-go/csam/internal/clitest"
	"github.com/csam-go/csam/internal/testpki"
)

// TestMain runs the tests, or signmsg itself when the scripts of
// TestScripts invoke the test binary as signmsg.
func TestMain(m *testing.M) { clitest.Main(m, "signmsg", main) }

// TestScripts runs the command-line contract of testdata/*.txtar with a
// test PKI: $ROOT, $CA, $CRL, and $SIGN_KEY/$SIGN_CERT, $AUTH_KEY/$AUTH_CERT
// for the citizen's signature and authentication keys.
func TestScripts(t *testing.T) {
	p := testpki.New(t, testpki.Options{})
	crl := write(t, p.Dir, "citizen.crl", p.GenCRL(t, 24))
	clitest.Run(t, func(env *testscript.Env) error {
		for k, v := range map[string]string{
			"ROOT": p.Root.CertPath, "CA": p.CA.CertPath, "CRL": crl,
			"SIGN_KEY": p.Sign.KeyPath, "SIGN_CERT": p.Sign.CertPath,
			"AUTH_KEY": p.Auth.KeyPath, "AUTH_CERT": p.Auth.CertPath,
		} {
			env.Setenv(k, v)
		}
		return nil
	})
}
