package eid_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/csam-go/csam/eid"
	"github.com/csam-go/csam/internal/testenv"
)

// TestSignaturesAgainstOpenSSL checks the identity and address signature
// verdicts on the specimen card against openssl dgst, intact and tampered.
func TestSignaturesAgainstOpenSSL(t *testing.T) {
	openssl := testenv.Tool(t, "openssl")
	for _, tamper := range []bool{false, true} {
		dir := specimenDump(t)
		if tamper {
			p := filepath.Join(dir, eid.FileAddress.String())
			b, _ := os.ReadFile(p)
			b[5] ^= 0x20
			if err := os.WriteFile(p, b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		d, err := eid.OpenDump(dir)
		if err != nil {
			t.Fatal(err)
		}
		c, err := eid.ReadContents(context.Background(), d, nil)
		if err != nil {
			t.Fatal(err)
		}
		in, err := eid.Verify(context.Background(), d, c, nil)
		if err != nil {
			t.Fatal(err)
		}
		// The RRN public key and the signed data as files for openssl.
		tmp := t.TempDir()
		pub := filepath.Join(tmp, "rrn.pem")
		out, err := exec.Command(openssl, "x509", "-inform", "DER", "-in", filepath.Join(dir, eid.FileRRNCert.String()),
			"-pubkey", "-noout", "-out", pub).CombinedOutput()
		if err != nil {
			t.Fatalf("openssl x509: %v\n%s", err, out)
		}
		idSig := c.Raw[eid.FileIdentitySignature]
		addrData := append(trimZeros(c.Raw[eid.FileAddress]), idSig...)
		for _, tc := range []struct {
			name string
			data []byte
			sig  eid.FileID
			ours eid.Check
		}{
			{"identity", c.Raw[eid.FileIdentity], eid.FileIdentitySignature, in.IdentitySignature},
			{"address", addrData, eid.FileAddressSignature, in.AddressSignature},
		} {
			data := filepath.Join(tmp, tc.name+".data")
			if err := os.WriteFile(data, tc.data, 0o644); err != nil {
				t.Fatal(err)
			}
			out, err := exec.Command(openssl, "dgst", "-sha1", "-verify", pub, "-signature",
				filepath.Join(dir, tc.sig.String()), data).CombinedOutput()
			opensslOK := err == nil
			if opensslOK != tc.ours.OK() {
				t.Errorf("tampered %v, %s signature: openssl says %v (%s), we say %v", tamper, tc.name, opensslOK, out, tc.ours)
			}
			if want := !(tamper && tc.name == "address"); opensslOK != want {
				t.Errorf("tampered %v, %s signature: openssl verdict %v", tamper, tc.name, opensslOK)
			}
		}
	}
}

func trimZeros(b []byte) []byte {
	n := len(b)
	for n > 0 && b[n-1] == 0 {
		n--
	}
	return append([]byte(nil), b[:n]...)
}
