package errs

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// family maps the import name of each package of the x509check family to
// its directory, relative to this one.
var family = map[string]string{
	"x509check": "../..",
	"path":      "../../path",
	"ocsp":      "../../ocsp",
	"crl":       "../../crl",
	"tl":        "../../tl",
	"qc":        "../../qc",
	"errs":      ".",
}

// maxSentinels bounds the distinct exported sentinel errors of the family:
// the errors callers branch on. Everything else is data on a typed error.
const maxSentinels = 14

// TestSentinelCount counts the exported sentinel errors (variables named
// Err...) of the family, an alias (ErrX = other.ErrX) counting once, and
// fails above maxSentinels.
func TestSentinelCount(t *testing.T) {
	vars := map[string]map[string]ast.Expr{} // package → variable → value
	for name, dir := range family {
		vars[name] = topVars(t, dir)
	}
	var resolve func(pkg, name string, depth int) string
	resolve = func(pkg, name string, depth int) string {
		e, ok := vars[pkg][name]
		if !ok || depth > 8 {
			return pkg + "." + name
		}
		switch x := e.(type) {
		case *ast.Ident:
			return resolve(pkg, x.Name, depth+1)
		case *ast.SelectorExpr:
			if id, ok := x.X.(*ast.Ident); ok {
				target := id.Name
				if target == "pathval" {
					target = "path"
				}
				if _, ok := family[target]; ok {
					return resolve(target, x.Sel.Name, depth+1)
				}
			}
		}
		return pkg + "." + name
	}
	distinct := map[string][]string{}
	var pkgs []string
	for pkg := range family {
		pkgs = append(pkgs, pkg)
	}
	sort.Strings(pkgs)
	for _, pkg := range pkgs {
		if pkg == "errs" {
			continue
		}
		var names []string
		for name := range vars[pkg] {
			if strings.HasPrefix(name, "Err") {
				names = append(names, name)
				v := resolve(pkg, name, 0)
				distinct[v] = append(distinct[v], pkg+"."+name)
			}
		}
		sort.Strings(names)
		t.Logf("%-9s %2d exported sentinels %v", pkg, len(names), names)
	}
	var values []string
	for v, names := range distinct {
		sort.Strings(names)
		values = append(values, v+" "+strings.Join(names, "="))
	}
	sort.Strings(values)
	t.Logf("%d distinct sentinel values:\n\t%s", len(values), strings.Join(values, "\n\t"))
	if len(values) > maxSentinels {
		t.Errorf("%d distinct exported sentinel errors in the x509check family, want at most %d", len(values), maxSentinels)
	}
}

// topVars returns the package-level variables of the non-test Go files of
// dir declared one name to one value.
func topVars(t *testing.T, dir string) map[string]ast.Expr {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no Go files in %s: %v", dir, err)
	}
	out := map[string]ast.Expr{}
	fset := token.NewFileSet()
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		file, err := parser.ParseFile(fset, f, src, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range file.Decls {
			g, ok := d.(*ast.GenDecl)
			if !ok || g.Tok != token.VAR {
				continue
			}
			for _, s := range g.Specs {
				vs := s.(*ast.ValueSpec)
				if len(vs.Names) != len(vs.Values) {
					continue
				}
				for i, n := range vs.Names {
					out[n.Name] = vs.Values[i]
				}
			}
		}
	}
	return out
}
