package apibudget

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

// maxExported bounds the exported names of the library packages (issue
// 15: `go doc -short` lists what a user needs and little else), counted by
// exportedNames. A new name needs a caller outside its package; raise a
// bound only with that caller in the same change.
var maxExported = map[string]int{
	"x509check":          96,
	"x509check/crl":      68,
	"x509check/tl":       93,
	"x509check/qc":       34,
	"x509check/path":     45,
	"x509check/ocsp":     20,
	"x509check/certtext": 1,

	"eid":             160,
	"eid/pcsc":        32,
	"eid/vcard":       54,
	"piv":             105,
	"piv/vtoken":      38,
	"totp":            67,
	"totp/redisstore": 6,
	"totp/storetest":  10,
	"keys":            117,
	"keys/keystest":   3,
	"levels":          112,
	"tlsauth":         5,
	"sign":            30,
}

// exportedNames counts what package documentation lists for the package
// in dir (non-test files): exported package-level constants, variables,
// types and functions, exported methods of exported types and exported
// methods of exported interfaces. Struct fields are not counted. It also
// returns the number of lines of those files.
func exportedNames(t *testing.T, dir string) (names, lines int) {
	t.Helper()
	fset := token.NewFileSet()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		n := e.Name()
		if e.IsDir() || !strings.HasSuffix(n, ".go") || strings.HasSuffix(n, "_test.go") {
			continue
		}
		src, err := os.ReadFile(filepath.Join(dir, n))
		if err != nil {
			t.Fatal(err)
		}
		lines += strings.Count(string(src), "\n")
		f, err := parser.ParseFile(fset, n, src, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			switch d := d.(type) {
			case *ast.FuncDecl:
				if d.Name.IsExported() && (d.Recv == nil || exportedReceiver(d.Recv.List[0].Type)) {
					names++
				}
			case *ast.GenDecl:
				for _, s := range d.Specs {
					switch s := s.(type) {
					case *ast.ValueSpec:
						for _, id := range s.Names {
							if id.IsExported() {
								names++
							}
						}
					case *ast.TypeSpec:
						if !s.Name.IsExported() {
							continue
						}
						names++
						if it, ok := s.Type.(*ast.InterfaceType); ok {
							for _, m := range it.Methods.List {
								for _, id := range m.Names {
									if id.IsExported() {
										names++
									}
								}
							}
						}
					}
				}
			}
		}
	}
	return names, lines
}

// exportedReceiver reports whether a method's receiver type is exported.
func exportedReceiver(x ast.Expr) bool {
	for {
		switch v := x.(type) {
		case *ast.StarExpr:
			x = v.X
		case *ast.IndexExpr:
			x = v.X
		case *ast.IndexListExpr:
			x = v.X
		case *ast.Ident:
			return v.IsExported()
		default:
			return false
		}
	}
}

func TestExportedBudget(t *testing.T) {
	pkgs := make([]string, 0, len(maxExported))
	for p := range maxExported {
		pkgs = append(pkgs, p)
	}
	sort.Strings(pkgs)
	for _, pkg := range pkgs {
		max := maxExported[pkg]
		n, lines := exportedNames(t, filepath.Join("..", "..", filepath.FromSlash(pkg)))
		t.Logf("%-20s %3d exported names, %5d lines, %2d per 1,000 lines (budget %d)", pkg, n, lines, n*1000/max1(lines), max)
		if n > max {
			t.Errorf("%s exports %d names, budget %d: unexport what no caller outside the package needs", pkg, n, max)
		}
	}
}

func max1(n int) int {
	if n < 1 {
		return 1
	}
	return n
}

// TestExportedNames checks the count on a package written for it.
func TestExportedNames(t *testing.T) {
	dir := t.TempDir()
	src := `package p

const A, b = 1, 2

var (
	C = 3
	d = 4
)

type E struct{ F, g int }

func (E) H()  {}
func (*E) i() {}

type j struct{}

func (j) K() {}

type L interface {
	M()
	n()
}

type O[T any] struct{}

func (O[T]) P() {}

func Q() {}
func r() {}
`
	if err := os.WriteFile(filepath.Join(dir, "p.go"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "p_test.go"), []byte("package p\n\nfunc S() {}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	// A, C, E, E.H, L, L.M, O, O.P, Q
	if n, _ := exportedNames(t, dir); n != 9 {
		t.Errorf("exportedNames = %d, want 9", n)
	}
}
