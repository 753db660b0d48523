package doccheck

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestFixture runs the checker on a module with known good and bad
// references and compares what it reports.
func TestFixture(t *testing.T) {
	dir, err := filepath.Abs("testdata/mod")
	if err != nil {
		t.Fatal(err)
	}
	c, err := New(Module{Dir: dir, Path: "example.com/mod"})
	if err != nil {
		t.Fatal(err)
	}
	c.TypeCheck = true
	pkgs, err := c.Packages()
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"example.com/mod/a", "example.com/mod/b"}; !slices.Equal(pkgs, want) {
		t.Fatalf("Packages() = %v, want %v", pkgs, want)
	}
	var got []string
	for _, p := range pkgs {
		for _, pr := range c.CheckPackage(p) {
			got = append(got, pr.Ref)
			if !strings.Contains(pr.Pos, ".go:") {
				t.Errorf("%v: position without a line", pr)
			}
		}
	}
	md, err := c.CheckMarkdown(filepath.Join(dir, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, pr := range md {
		got = append(got, pr.Ref)
		t.Log(pr)
	}
	want := []string{
		"[Missing]", "[T.Missing]", "[b.Missing]", "[Missing]", "[nopkg.X]", "b.Removed",
		"b.Opts{Nope}", "b.Vanished",
		"[BadField]", "[T.Gone]", "[a.T]",
		"[Alias.M]", "[Alias.M]", "[b.Opts.M]", "[b.Opts.Depth]", "[Opts.M]", "T.Nope", "b.Opts.Gone", "TestGone",
		"b.Gone", "b.Removed",
		"b.New(b.Opts{}, 2)", "o.M(ctx)",
		"](cmd/tool)", "./examples/tool",
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("problems:\n got %q\nwant %q", got, want)
	}
}
