package doccheck

import "testing"

// Run checks every documented package of m and the given Markdown files,
// and reports each problem as a test error.
func Run(t testing.TB, m Module, markdown ...string) {
	t.Helper()
	c, err := New(m)
	if err != nil {
		t.Fatal(err)
	}
	c.TypeCheck = true
	pkgs, err := c.Packages()
	if err != nil {
		t.Fatal(err)
	}
	if len(pkgs) == 0 {
		t.Fatalf("no package found under %s", m.Dir)
	}
	var n int
	for _, p := range pkgs {
		for _, pr := range c.CheckPackage(p) {
			t.Error(pr)
			n++
		}
	}
	for _, f := range markdown {
		probs, err := c.CheckMarkdown(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, pr := range probs {
			t.Error(pr)
			n++
		}
	}
	t.Logf("%d packages, %d doc links, %d snippets checked (%d compiled); %d stale references",
		len(pkgs), c.Links, c.Snippets, c.TypeChecked, n)
}
