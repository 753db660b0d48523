// Package apibudget holds the test that keeps the exported error
// vocabulary of the module small: at most [maxSentinels] distinct
// exported sentinel errors across every importable package of the
// repository (both modules), an alias of another package's sentinel
// counted once with the value it names. It also bounds the exported names
// of the x509check packages ([maxExported]).
package apibudget

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// maxSentinels is the budget of issue 15: about forty sentinels, each one a
// caller would test.
const maxSentinels = 40

// familyBudgets bounds the distinct sentinels of a family of packages (the
// packages whose import path has the key as a prefix): the x509check family
// keeps the verdicts callers branch on, everything else being data on its
// typed errors.
var familyBudgets = map[string]int{
	"github.com/csam-go/csam/x509check": 14,
}

// modules maps each module's folder, relative to the repository root, to
// its module path.
var modules = map[string]string{
	".":       "github.com/csam-go/csam",
	"journal": "github.com/csam-go/csam/journal",
}

type sentinel struct {
	pkg, name string // where it is declared
	origin    string // the value it names: "importpath.Name"
}

// sentinels lists the exported package-level variables named Err… in the
// non-test files of the importable packages below root: not a main
// package, no internal or testdata folder on the way.
func sentinels(t *testing.T, root string) []sentinel {
	t.Helper()
	var out []sentinel
	fset := token.NewFileSet()
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() || path == root {
			return nil
		}
		rel, _ := filepath.Rel(root, path)
		base := d.Name()
		if base == "internal" || base == "testdata" || strings.HasPrefix(base, ".") || strings.HasPrefix(base, "_") {
			return filepath.SkipDir
		}
		if _, err := os.Stat(filepath.Join(path, "go.mod")); err == nil {
			if _, ok := modules[filepath.ToSlash(rel)]; !ok {
				return filepath.SkipDir
			}
		}
		pkgPath := importPath(filepath.ToSlash(rel))
		entries, err := os.ReadDir(path)
		if err != nil {
			return err
		}
		for _, e := range entries {
			n := e.Name()
			if e.IsDir() || !strings.HasSuffix(n, ".go") || strings.HasSuffix(n, "_test.go") {
				continue
			}
			f, err := parser.ParseFile(fset, filepath.Join(path, n), nil, parser.SkipObjectResolution)
			if err != nil {
				return err
			}
			if f.Name.Name == "main" {
				return nil
			}
			imports := map[string]string{}
			for _, im := range f.Imports {
				p, _ := strconv.Unquote(im.Path.Value)
				name := p[strings.LastIndex(p, "/")+1:]
				if im.Name != nil {
					name = im.Name.Name
				}
				imports[name] = p
			}
			for _, decl := range f.Decls {
				g, ok := decl.(*ast.GenDecl)
				if !ok || g.Tok != token.VAR {
					continue
				}
				for _, spec := range g.Specs {
					vs := spec.(*ast.ValueSpec)
					for i, id := range vs.Names {
						if !id.IsExported() || !strings.HasPrefix(id.Name, "Err") {
							continue
						}
						origin := pkgPath + "." + id.Name
						if i < len(vs.Values) {
							switch v := vs.Values[i].(type) {
							case *ast.SelectorExpr:
								if x, ok := v.X.(*ast.Ident); ok && imports[x.Name] != "" {
									origin = imports[x.Name] + "." + v.Sel.Name
								}
							case *ast.Ident:
								origin = pkgPath + "." + v.Name
							}
						}
						out = append(out, sentinel{pkg: pkgPath, name: id.Name, origin: origin})
					}
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// importPath turns a folder relative to the repository root into the
// import path of its package.
func importPath(rel string) string {
	best := ""
	for dir := range modules {
		if dir == "." || rel == dir || strings.HasPrefix(rel, dir+"/") {
			if len(dir) > len(best) || best == "" {
				best = dir
			}
		}
	}
	if best == "." {
		return modules["."] + "/" + rel
	}
	return modules[best] + strings.TrimPrefix(rel, best)
}

// resolve follows aliases to the value a sentinel finally names.
func resolve(all []sentinel) map[string]string {
	byName := map[string]string{}
	for _, s := range all {
		byName[s.pkg+"."+s.name] = s.origin
	}
	final := map[string]string{}
	for _, s := range all {
		o := s.origin
		for range 10 {
			next, ok := byName[o]
			if !ok || next == o {
				break
			}
			o = next
		}
		final[s.pkg+"."+s.name] = o
	}
	return final
}

func TestSentinelBudget(t *testing.T) {
	all := sentinels(t, filepath.Join("..", ".."))
	final := resolve(all)
	distinct := map[string][]string{}
	perPkg := map[string]map[string]bool{}
	for name, origin := range final {
		distinct[origin] = append(distinct[origin], name)
		pkg := name[:strings.LastIndex(name, ".")]
		if perPkg[pkg] == nil {
			perPkg[pkg] = map[string]bool{}
		}
		perPkg[pkg][origin] = true
	}
	pkgs := make([]string, 0, len(perPkg))
	for p := range perPkg {
		pkgs = append(pkgs, p)
	}
	sort.Strings(pkgs)
	for _, p := range pkgs {
		t.Logf("%-50s %3d", strings.TrimPrefix(p, "github.com/csam-go/csam/"), len(perPkg[p]))
	}
	t.Logf("exported sentinel names: %d, distinct values: %d (budget %d)", len(all), len(distinct), maxSentinels)
	if len(distinct) > maxSentinels {
		t.Errorf("%d distinct exported sentinel errors, budget %d: turn the ones no caller branches on into data on a typed error", len(distinct), maxSentinels)
	}
	for prefix, budget := range familyBudgets {
		values := map[string]bool{}
		for name, origin := range final {
			if strings.HasPrefix(name, prefix+".") || strings.HasPrefix(name, prefix+"/") {
				values[origin] = true
			}
		}
		t.Logf("%s family: %d distinct values (budget %d)", strings.TrimPrefix(prefix, "github.com/csam-go/csam/"), len(values), budget)
		if len(values) > budget {
			t.Errorf("%s family: %d distinct exported sentinel errors, budget %d", prefix, len(values), budget)
		}
	}
}

// TestImportPath checks the folder-to-package mapping the count relies on.
func TestImportPath(t *testing.T) {
	for rel, want := range map[string]string{
		"x509check/crl":   "github.com/csam-go/csam/x509check/crl",
		"journal":         "github.com/csam-go/csam/journal",
		"journal/receipt": "github.com/csam-go/csam/journal/receipt",
		"journalx":        "github.com/csam-go/csam/journalx",
	} {
		if got := importPath(rel); got != want {
			t.Errorf("importPath(%q) = %q, want %q", rel, got, want)
		}
	}
}
