package x509check

import (
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"os"
	"regexp"
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
