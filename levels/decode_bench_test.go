package levels_test

import (
	"strings"
	"testing"

	"github.com/csam-go/csam/levels"
)

// BenchmarkDecodeRequest reads the request of a designated user with an
// inline key, the largest of the documented forms.
func BenchmarkDecodeRequest(b *testing.B) {
	const in = `{"application": "Dimona (sécurisé)", "portal": "securitesociale", "roles": ["designated-user"],
 "designated_by": {"roles": ["access-manager"], "authorised": ["Dimona (sécurisé)"]},
 "key": {"type": "totp-app", "level": "column3", "channels": ["portal"], "state": "active"}}`
	b.ReportAllocs()
	b.SetBytes(int64(len(in)))
	for b.Loop() {
		if _, err := levels.DecodeRequest(strings.NewReader(in), levels.DecodeOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}
