// Package doccheck_test checks the doc links and snippets of the journal
// module with the root module's checker.
package doccheck_test

import (
	"path/filepath"
	"testing"

	"github.com/csam-go/csam/internal/doccheck"
)

// TestDocs fails on the doc links and snippet identifiers of the journal
// module that name nothing.
func TestDocs(t *testing.T) {
	dir, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	doccheck.Run(t, doccheck.Module{
		Dir:    dir,
		Path:   "github.com/csam-go/csam/journal",
		Others: map[string]string{"github.com/csam-go/csam": filepath.Dir(dir)},
	})
}
