package qc_test

import (
	"encoding/asn1"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/csam-go/csam/x509check/qc"
)

// FuzzDecodeStatements: the decoder never panics, fails only with
// ErrMalformed, and what it accepts is a sequence of statements that
// encoding/asn1 reads with the same identifiers.
func FuzzDecodeStatements(f *testing.F) {
	for _, s := range allStatements(f) {
		f.Add(mustMarshal(f, []stmt{s}))
	}
	f.Add(mustMarshal(f, allStatements(f)))
	f.Add([]byte{0x30, 0x0a, 0x30, 0x08, 0x06, 0x06, 0x04, 0x00, 0x8e, 0x46, 0x01, 0x01}) // QcCompliance, as on the specimen card
	if b, err := os.ReadFile(filepath.Join("testdata", "openssl-qcstatements.cnf")); err == nil {
		f.Add(b) // not DER: must be refused
	}
	f.Fuzz(func(t *testing.T, der []byte) {
		s, err := qc.DecodeStatements(der)
		if err != nil {
			if !errors.Is(err, qc.ErrMalformed) {
				t.Fatalf("error %v is not ErrMalformed", err)
			}
			return
		}
		var generic []struct {
			ID   asn1.ObjectIdentifier
			Info asn1.RawValue `asn1:"optional"`
		}
		rest, gerr := asn1.Unmarshal(der, &generic)
		if gerr != nil || len(rest) != 0 {
			t.Fatalf("accepted what encoding/asn1 refuses: %v", gerr)
		}
		if len(generic) != len(s.IDs) {
			t.Fatalf("%d statements, encoding/asn1 sees %d", len(s.IDs), len(generic))
		}
		for i := range generic {
			if !generic[i].ID.Equal(s.IDs[i]) {
				t.Fatalf("statement %d: %v, encoding/asn1 sees %v", i, s.IDs[i], generic[i].ID)
			}
		}
		st := qc.FromStatements(s)
		_ = st.String()
		if st.Qualified != s.Compliance || (st.EU && len(s.Legislation) != 0) {
			t.Fatalf("inconsistent status %+v", st)
		}
	})
}
