package x509check

import (
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"os"
	"regexp"
	"strings"
	"testing"
)

// The embedded Belgian roots are byte for byte the public files of
// testdata/realdata/belgium-pki: their SHA-256 is the one
// testdata/README.md gives, with the origin of each file.
func TestEmbeddedBelgianRootsChecksums(t *testing.T) {
	readme, err := os.ReadFile("../testdata/README.md")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{}
	row := regexp.MustCompile("(?m)^\\| `realdata/belgium-pki/([^`]+)` \\|.*\\| `([0-9a-f]{64})` \\|$")
	for _, m := range row.FindAllStringSubmatch(string(readme), -1) {
		want[m[1]] = m[2]
	}
	ents, err := fs.ReadDir(belgianRootFiles, "belgianroots")
	if err != nil {
		t.Fatal(err)
	}
	if len(ents) != 5 {
		t.Fatalf("%d embedded roots, want 5", len(ents))
	}
	for _, e := range ents {
		b, err := fs.ReadFile(belgianRootFiles, "belgianroots/"+e.Name())
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(b)
		if got := hex.EncodeToString(sum[:]); want[e.Name()] == "" || got != want[e.Name()] {
			t.Errorf("%s: SHA-256 %s, testdata/README.md says %q", e.Name(), got, want[e.Name()])
		}
	}
}

// TestBelgianAnchorPins checks the set of Belgian anchor pins a validator
// computes once: the built-in roots, the extra pins in any case and with
// surrounding space, the eid authorities of the accepted list only.
func TestBelgianAnchorPins(t *testing.T) {
	extra := "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
	eid := "1111111111111111111111111111111111111111111111111111111111111111"
	notEID := "2222222222222222222222222222222222222222222222222222222222222222"
	idx := acceptedIndex{eid: {Name: "Specimen", EID: true}, notEID: {Name: "QTSP", Qualified: true}}
	pins := belgianAnchorPins([]string{"  " + strings.ToUpper(extra) + "\n"}, idx)
	tests := []struct {
		pin  string
		want bool
	}{
		{pinBelgiumRootCA2, true}, {pinBelgiumRootCA3, true}, {pinBelgiumRootCA4, true}, {pinBelgiumRootCA6, true},
		{extra, true}, {eid, true}, {notEID, false}, {strings.ToUpper(pinBelgiumRootCA4), false}, {"", false},
	}
	for _, tt := range tests {
		if got := pins[tt.pin]; got != tt.want {
			t.Errorf("pin %q: anchor %v, want %v", tt.pin, got, tt.want)
		}
	}
}
