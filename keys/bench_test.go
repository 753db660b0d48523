package keys_test

import (
	"bytes"
	"testing"

	"github.com/csam-go/csam/keys"
)

// BenchmarkLoadJSON loads the example definition file into a fresh
// registry.
func BenchmarkLoadJSON(b *testing.B) {
	data := futureKeysFile(b)
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := keys.NewRegistry().LoadJSON(bytes.NewReader(data)); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLookupPresented is the per-request path: find the key type and
// present it to an access decision.
func BenchmarkLookupPresented(b *testing.B) {
	reg := keys.NewRegistry()
	b.ReportAllocs()
	for b.Loop() {
		k, ok := reg.Lookup(keys.IDTOTPApp)
		if !ok {
			b.Fatal("not found")
		}
		_ = k.Presented()
	}
}

func BenchmarkCheckPassword(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if err := (keys.PasswordPolicy{}).Check("Tr0ub4dor&3-horse!"); err != nil {
			b.Fatal(err)
		}
	}
}
