package doccheck_test

import (
	"path/filepath"
	"testing"

	"github.com/csam-go/csam/internal/doccheck"
)

// TestDocs fails on the doc links and snippet identifiers of the root module
// and its README that name nothing.
func TestDocs(t *testing.T) {
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	doccheck.Run(t, doccheck.Module{
		Dir:    root,
		Path:   "github.com/csam-go/csam",
		Others: map[string]string{"github.com/csam-go/csam/journal": filepath.Join(root, "journal")},
	}, filepath.Join(root, "README.md"))
}
