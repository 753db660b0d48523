package doccheck

import (
	"bufio"
	"bytes"
	"fmt"
	"go/ast"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"io"
	"os"
	"os/exec"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// exportData returns the export data files of the packages the module's
// packages depend on, built by "go list -export" (from the build cache when
// it is warm).
func (c *Checker) exportData(paths ...string) map[string]string {
	if c.exports == nil {
		c.exports = map[string]string{}
		paths = append(paths, "./...")
	}
	var missing []string
	for _, p := range paths {
		if _, ok := c.exports[p]; !ok {
			missing = append(missing, p)
		}
	}
	if len(missing) == 0 {
		return c.exports
	}
	byDir := map[string][]string{}
	for _, p := range missing {
		c.exports[p] = "" // not found, not asked again
		dir := c.ownerDir(p)
		if dir == "" || p == "./..." {
			dir = c.mod.Dir
		}
		byDir[dir] = append(byDir[dir], p)
	}
	for dir, ps := range byDir {
		args := append([]string{"list", "-e", "-export", "-deps", "-f", "{{.ImportPath}}={{.Export}}"}, ps...)
		cmd := exec.Command("go", args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GOPROXY=off")
		out, err := cmd.Output()
		if err != nil {
			continue
		}
		sc := bufio.NewScanner(bytes.NewReader(out))
		for sc.Scan() {
			if ip, file, ok := strings.Cut(sc.Text(), "="); ok && file != "" {
				c.exports[ip] = file
			}
		}
	}
	return c.exports
}

// ignored matches the type errors a snippet makes by being a fragment: names
// it takes from the prose around it, values it leaves unused, elisions.
var ignored = regexp.MustCompile(`^(undefined: [A-Za-z_][A-Za-z0-9_]*$|declared and not used|"[^"]*" imported( as \w+)? and not used|no new variables on left side|missing return|label .* (declared and not used|not defined))`)

// typeCheck compiles a snippet against the export data of the packages it
// names: statements are wrapped in a function, declarations in a file, and
// the imports are those the snippet writes or, failing that, the packages of
// the module family (and the standard library) its qualified names denote.
// Only the errors a fragment cannot explain are reported.
func (c *Checker) typeCheck(idx *pkgIndex, f *ast.File, kind int, src string, pkgOf func(string) string, where string) []Problem {
	var b strings.Builder
	if kind != snippetFile {
		b.WriteString("package snippet\n")
		imports := map[string]string{}
		ast.Inspect(f, func(n ast.Node) bool {
			if sel, ok := n.(*ast.SelectorExpr); ok {
				if id, ok := sel.X.(*ast.Ident); ok {
					if p := pkgOf(id.Name); p != "" {
						imports[id.Name] = p
					}
				}
			}
			return true
		})
		for _, im := range f.Imports {
			p, _ := strconv.Unquote(im.Path.Value)
			imports[c.importName(im, p)] = p
		}
		var names []string
		for n := range imports {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			fmt.Fprintf(&b, "import %s %q\n", n, imports[n])
		}
		if idx != nil && idx.name != "main" {
			fmt.Fprintf(&b, "import . %q\n", idx.path)
		}
		if kind == snippetStmts {
			b.WriteString("func _() {\n")
		}
		body := src
		if kind == snippetDecls || kind == snippetStmts {
			body = stripImports(f, src)
		}
		b.WriteString(body)
		if kind == snippetStmts {
			b.WriteString("\n}\n")
		}
	} else {
		b.WriteString(src)
	}
	fset := token.NewFileSet()
	file, err := parser.ParseFile(fset, "snippet.go", b.String(), 0)
	if err != nil {
		return nil // the fallbacks already checked it
	}
	var paths []string
	for _, im := range file.Imports {
		p, _ := strconv.Unquote(im.Path.Value)
		paths = append(paths, p)
	}
	exports := c.exportData(paths...)
	lookup := func(p string) (io.ReadCloser, error) {
		if fn := exports[p]; fn != "" {
			return os.Open(fn)
		}
		return nil, fmt.Errorf("no export data for %s", p)
	}
	c.TypeChecked++
	if os.Getenv("DOCCHECK_DEBUG") != "" {
		fmt.Fprintf(os.Stderr, "== %s\n%s\n", where, b.String())
	}
	var probs []Problem
	lines := strings.Split(b.String(), "\n")
	conf := types.Config{
		Importer: importer.ForCompiler(fset, "gc", lookup),
		Error: func(err error) {
			te, ok := err.(types.Error)
			if !ok || ignored.MatchString(te.Msg) || te.Soft && strings.Contains(te.Msg, "not used") {
				return
			}
			pos := fset.Position(te.Pos)
			line := ""
			if pos.Line >= 1 && pos.Line <= len(lines) {
				line = strings.TrimSpace(lines[pos.Line-1])
			}
			probs = append(probs, Problem{Pos: where, Ref: line, Msg: te.Msg})
		},
	}
	conf.Check("snippet", fset, []*ast.File{file}, nil)
	return probs
}

// stripImports returns src without the import declarations f found in it,
// so that they are not written twice.
func stripImports(f *ast.File, src string) string {
	if len(f.Imports) == 0 {
		return src
	}
	var out []string
	inBlock := false
	for _, l := range strings.Split(src, "\n") {
		t := strings.TrimSpace(l)
		switch {
		case inBlock:
			if t == ")" {
				inBlock = false
			}
			l = ""
		case t == "import (":
			inBlock = true
			l = ""
		case strings.HasPrefix(t, "import "):
			l = ""
		}
		out = append(out, l)
	}
	return strings.Join(out, "\n")
}
