// Package doccheck finds stale references in the documentation of a module,
// reading source only (go/parser, go/doc/comment; no network). In the doc
// comments of every package outside internal/ (declarations, fields, the
// package's Example functions) it checks
//
//   - doc links ([Name], [Type.Method], [Type.Field], [pkg.Name],
//     [pkg.Type.Method], [*Type]): each must name an exported identifier of
//     the package, or of the package pkg denotes (one it imports, the
//     standard library, or itself), and for the module's packages an entry
//     of go doc (not a member promoted from an embedded type or reached
//     through an alias); a link to a package of the module that the package
//     does not import (go doc shows it as text, or links it elsewhere) and a
//     bracketed [pkg.Name] whose pkg names no package are reported too;
//   - in prose: pkg.Name and pkg.Type.Member for the module's packages,
//     Type.Member for the package's types, unqualified error names (ErrX,
//     XError), test, example, benchmark and fuzz target names, and module
//     paths (./dir, cmd/NAME, examples/NAME);
//   - code blocks: pkg.Name and the keys of pkg.Type{...} literals, then,
//     with [Checker.TypeCheck], a compilation of the snippet.
//
// [Checker.CheckMarkdown] checks a README the same way: its ```go fences,
// the pkg.Name of its text, the paths it names and its relative links.
package doccheck

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/doc"
	"go/doc/comment"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
)

// Problem is one stale reference.
type Problem struct {
	Pos string // file:line of the comment or snippet
	Ref string // the reference as written
	Msg string
}

func (p Problem) String() string { return fmt.Sprintf("%s: %s: %s", p.Pos, p.Ref, p.Msg) }

// Module describes a module whose documentation is checked.
type Module struct {
	Dir  string // module root
	Path string // module path
	// Others maps the paths of other modules whose packages the docs may name
	// (replace directives, nested modules) to their root directories.
	Others map[string]string
}

// Checker holds the indexes of the packages met so far.
type Checker struct {
	mod    Module
	fset   *token.FileSet
	pkgs   map[string]*pkgIndex // by import path; nil entry: not found
	byName map[string][]string  // importable package name -> import paths of the module family
	// Links counts the doc links checked and Snippets the code snippets.
	Links, Snippets int
	// TypeCheck also compiles each snippet that parses against the export
	// data of the packages it names ("go list -export" builds them) and
	// reports the type errors a fragment cannot explain.
	TypeCheck   bool
	TypeChecked int // snippets compiled
	exports     map[string]string
	tests       map[string]bool
	syms        map[string]func(recv, name string) bool
}

// New returns a checker for m.
func New(m Module) (*Checker, error) {
	c := &Checker{mod: m, fset: token.NewFileSet(), pkgs: map[string]*pkgIndex{}, byName: map[string][]string{},
		syms: map[string]func(recv, name string) bool{}}
	roots := map[string]string{m.Path: m.Dir}
	for p, d := range m.Others {
		roots[p] = d
	}
	for modPath, dir := range roots {
		dirs, err := packageDirs(dir)
		if err != nil {
			return nil, err
		}
		for _, d := range dirs {
			rel, _ := filepath.Rel(dir, d)
			ip := modPath
			if rel != "." {
				ip = modPath + "/" + filepath.ToSlash(rel)
			}
			if c.ownerDir(ip) != dir {
				continue // belongs to a nested module
			}
			idx := c.index(ip)
			if idx == nil || idx.name == "main" || isInternal(ip) {
				continue
			}
			c.byName[idx.name] = append(c.byName[idx.name], ip)
		}
	}
	return c, nil
}

// Packages returns the import paths of the module's documented packages:
// every package outside internal/ and testdata/, commands included.
func (c *Checker) Packages() ([]string, error) {
	dirs, err := packageDirs(c.mod.Dir)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, d := range dirs {
		rel, _ := filepath.Rel(c.mod.Dir, d)
		ip := c.mod.Path
		if rel != "." {
			ip += "/" + filepath.ToSlash(rel)
		}
		if isInternal(ip) || c.ownerDir(ip) != c.mod.Dir {
			continue
		}
		out = append(out, ip)
	}
	sort.Strings(out)
	return out, nil
}

func isInternal(ip string) bool {
	for _, e := range strings.Split(ip, "/") {
		if e == "internal" {
			return true
		}
	}
	return false
}

// packageDirs lists the directories under root holding non-test Go files,
// skipping testdata, hidden directories and nested modules.
func packageDirs(root string) ([]string, error) {
	var out []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			return nil
		}
		name := d.Name()
		if p != root {
			if name == "testdata" || strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") {
				return filepath.SkipDir
			}
			if _, err := os.Stat(filepath.Join(p, "go.mod")); err == nil {
				return filepath.SkipDir
			}
		}
		if len(goFiles(p)) > 0 {
			out = append(out, p)
		}
		return nil
	})
	return out, err
}

func goFiles(dir string) []string {
	ents, _ := os.ReadDir(dir)
	var out []string
	for _, e := range ents {
		n := e.Name()
		if !e.IsDir() && strings.HasSuffix(n, ".go") && !strings.HasSuffix(n, "_test.go") {
			out = append(out, filepath.Join(dir, n))
		}
	}
	return out
}

// ownerDir returns the root of the module (of the family) holding ip, or "".
func (c *Checker) ownerDir(ip string) string {
	best, dir := "", ""
	try := func(mp, d string) {
		if (ip == mp || strings.HasPrefix(ip, mp+"/")) && len(mp) > len(best) {
			best, dir = mp, d
		}
	}
	try(c.mod.Path, c.mod.Dir)
	for mp, d := range c.mod.Others {
		try(mp, d)
	}
	return dir
}

// dirOf locates the source directory of import path ip.
func (c *Checker) dirOf(ip string) string {
	if root := c.ownerDir(ip); root != "" {
		best := c.mod.Path
		if root != c.mod.Dir {
			for mp, d := range c.mod.Others {
				if d == root && (ip == mp || strings.HasPrefix(ip, mp+"/")) {
					best = mp
				}
			}
		}
		return filepath.Join(root, filepath.FromSlash(strings.TrimPrefix(strings.TrimPrefix(ip, best), "/")))
	}
	if std := filepath.Join(goroot(), "src", filepath.FromSlash(ip)); isStd(ip) {
		return std
	}
	cmd := exec.Command("go", "list", "-f", "{{.Dir}}", ip)
	cmd.Dir = c.mod.Dir
	cmd.Env = append(os.Environ(), "GOPROXY=off")
	out, err := cmd.Output()
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(out))
}

// goroot returns the root of the Go installation that runs the tests.
var goroot = sync.OnceValue(func() string {
	out, err := exec.Command("go", "env", "GOROOT").Output()
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(out))
})

func isStd(ip string) bool {
	if goroot() == "" {
		return false
	}
	first := strings.Split(ip, "/")[0]
	if strings.Contains(first, ".") {
		return false
	}
	_, err := os.Stat(filepath.Join(goroot(), "src", filepath.FromSlash(ip)))
	return err == nil
}

// pkgIndex is what a package declares.
type pkgIndex struct {
	path    string
	name    string
	files   []*ast.File
	imports map[string]string // name -> import path, "" if ambiguous
	decls   map[string]bool   // top-level names
	members map[string]map[string]bool
	embeds  map[string][]ast.Expr // type -> embedded types
	aliases map[string]ast.Expr   // alias type -> target
	fileOf  map[string]*ast.File  // type -> declaring file, for its imports
}

func (c *Checker) index(ip string) *pkgIndex {
	if idx, ok := c.pkgs[ip]; ok {
		return idx
	}
	c.pkgs[ip] = nil
	dir := c.dirOf(ip)
	if dir == "" {
		return nil
	}
	idx := &pkgIndex{path: ip, imports: map[string]string{}, decls: map[string]bool{},
		members: map[string]map[string]bool{}, embeds: map[string][]ast.Expr{},
		aliases: map[string]ast.Expr{}, fileOf: map[string]*ast.File{}}
	for _, fn := range goFiles(dir) {
		f, err := parser.ParseFile(c.fset, fn, nil, parser.ParseComments|parser.SkipObjectResolution)
		if err != nil {
			continue
		}
		if idx.name == "" || idx.name == "documentation" {
			idx.name = f.Name.Name
		}
		if f.Name.Name != idx.name {
			continue
		}
		idx.files = append(idx.files, f)
		for _, im := range f.Imports {
			p, _ := strconv.Unquote(im.Path.Value)
			n := path.Base(p)
			if im.Name != nil {
				n = im.Name.Name
			} else if known := c.pkgs[p]; known != nil {
				n = known.name
			}
			if old, ok := idx.imports[n]; ok && old != p {
				idx.imports[n] = ""
			} else {
				idx.imports[n] = p
			}
		}
		idx.collect(f)
	}
	if len(idx.files) == 0 {
		return nil
	}
	c.pkgs[ip] = idx
	return idx
}

func (idx *pkgIndex) member(typ, name string) {
	if idx.members[typ] == nil {
		idx.members[typ] = map[string]bool{}
	}
	idx.members[typ][name] = true
}

func (idx *pkgIndex) collect(f *ast.File) {
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			if d.Recv == nil || len(d.Recv.List) == 0 {
				idx.decls[d.Name.Name] = true
				continue
			}
			if t := recvName(d.Recv.List[0].Type); t != "" {
				idx.member(t, d.Name.Name)
			}
		case *ast.GenDecl:
			for _, s := range d.Specs {
				switch s := s.(type) {
				case *ast.ValueSpec:
					for _, n := range s.Names {
						idx.decls[n.Name] = true
					}
				case *ast.TypeSpec:
					t := s.Name.Name
					idx.decls[t] = true
					idx.fileOf[t] = f
					if s.Assign != 0 {
						idx.aliases[t] = s.Type
					}
					idx.typeMembers(t, s.Type)
				}
			}
		}
	}
}

func (idx *pkgIndex) typeMembers(t string, e ast.Expr) {
	switch e := e.(type) {
	case *ast.StructType:
		for _, fl := range e.Fields.List {
			if len(fl.Names) == 0 {
				idx.embeds[t] = append(idx.embeds[t], fl.Type)
				if n := recvName(fl.Type); n != "" {
					idx.member(t, n)
				}
				if sel, ok := unstar(fl.Type).(*ast.SelectorExpr); ok {
					idx.member(t, sel.Sel.Name)
				}
			}
			for _, n := range fl.Names {
				idx.member(t, n.Name)
			}
		}
	case *ast.InterfaceType:
		for _, m := range e.Methods.List {
			if len(m.Names) == 0 {
				idx.embeds[t] = append(idx.embeds[t], m.Type)
			}
			for _, n := range m.Names {
				idx.member(t, n.Name)
			}
		}
	}
}

func unstar(e ast.Expr) ast.Expr {
	if s, ok := e.(*ast.StarExpr); ok {
		return s.X
	}
	return e
}

func recvName(e ast.Expr) string {
	e = unstar(e)
	switch x := e.(type) {
	case *ast.IndexExpr:
		e = x.X
	case *ast.IndexListExpr:
		e = x.X
	}
	if id, ok := e.(*ast.Ident); ok {
		return id.Name
	}
	return ""
}

// has reports whether package ip declares name, or typ.name when typ is not
// empty (a method, a field, or a promoted member).
func (c *Checker) has(ip, typ, name string) bool {
	return c.hasDepth(ip, typ, name, 0)
}

func (c *Checker) hasDepth(ip, typ, name string, depth int) bool {
	idx := c.index(ip)
	if idx == nil || depth > 8 {
		return false
	}
	if typ == "" {
		return idx.decls[name]
	}
	if !idx.decls[typ] {
		return false
	}
	if idx.members[typ][name] {
		return true
	}
	var next []ast.Expr
	if a, ok := idx.aliases[typ]; ok {
		next = append(next, a)
	}
	next = append(next, idx.embeds[typ]...)
	for _, e := range next {
		e = unstar(e)
		switch x := e.(type) {
		case *ast.Ident:
			if c.hasDepth(ip, x.Name, name, depth+1) {
				return true
			}
		case *ast.SelectorExpr:
			pk, ok := x.X.(*ast.Ident)
			if !ok {
				continue
			}
			other := importOf(idx.fileOf[typ], pk.Name)
			if other != "" && c.hasDepth(other, x.Sel.Name, name, depth+1) {
				return true
			}
		}
	}
	return false
}

func importOf(f *ast.File, name string) string {
	if f == nil {
		return ""
	}
	for _, im := range f.Imports {
		p, _ := strconv.Unquote(im.Path.Value)
		if (im.Name != nil && im.Name.Name == name) || (im.Name == nil && path.Base(p) == name) {
			return p
		}
	}
	return ""
}

// resolvePkg maps a package name used in the docs of idx to an import path:
// the package itself, its imports, then the module family's packages, then the
// standard library.
func (c *Checker) resolvePkg(idx *pkgIndex, name string) (ip string, imported bool) {
	if idx != nil {
		if p := idx.imports[name]; p != "" {
			return p, true
		}
		if name == idx.name {
			return idx.path, true
		}
	}
	if ps := c.byName[name]; len(ps) == 1 {
		return ps[0], false
	}
	if ip, ok := comment.DefaultLookupPackage(name); ok {
		return ip, true
	}
	return "", false
}

// CheckPackage checks the doc comments of package ip: doc links and code blocks.
func (c *Checker) CheckPackage(ip string) []Problem {
	idx := c.index(ip)
	if idx == nil {
		return []Problem{{Pos: ip, Ref: ip, Msg: "package not found"}}
	}
	var probs []Problem
	p := &comment.Parser{
		LookupPackage: func(name string) (string, bool) {
			ip, imported := c.resolvePkg(idx, name)
			if ip != "" && !imported {
				ip += notImported
			}
			return ip, ip != ""
		},
		LookupSym: func(recv, name string) bool { return true },
	}
	var groups []*ast.CommentGroup
	for _, f := range idx.files {
		groups = append(groups, docComments(f)...)
	}
	groups = append(groups, c.exampleDocs(ip)...)
	for _, cg := range groups {
		pos := c.fset.Position(cg.Pos())
		where := fmt.Sprintf("%s:%d", pos.Filename, pos.Line)
		d := p.Parse(cg.Text())
		for _, pr := range c.checkDoc(idx, d, where) {
			pr.Pos = refLine(pos, c.fset.Position(cg.End()).Line, pr.Ref)
			probs = append(probs, pr)
		}
	}
	return probs
}

// exampleDocs returns the doc comments of the package's Example functions,
// which go doc and pkg.go.dev show with the examples.
func (c *Checker) exampleDocs(ip string) []*ast.CommentGroup {
	dir := c.dirOf(ip)
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil
	}
	var out []*ast.CommentGroup
	for _, e := range ents {
		if !strings.HasSuffix(e.Name(), "_test.go") {
			continue
		}
		f, err := parser.ParseFile(c.fset, filepath.Join(dir, e.Name()), nil, parser.ParseComments|parser.SkipObjectResolution)
		if err != nil {
			continue
		}
		for _, d := range f.Decls {
			if fd, ok := d.(*ast.FuncDecl); ok && fd.Recv == nil && strings.HasPrefix(fd.Name.Name, "Example") && fd.Doc != nil {
				out = append(out, fd.Doc)
			}
		}
	}
	return out
}

// docComments returns the comments go doc shows: the package clause's, the
// declarations', and those of struct fields and interface methods.
func docComments(f *ast.File) []*ast.CommentGroup {
	var out []*ast.CommentGroup
	add := func(cg *ast.CommentGroup) {
		if cg != nil {
			out = append(out, cg)
		}
	}
	add(f.Doc)
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			add(d.Doc)
		case *ast.GenDecl:
			add(d.Doc)
			for _, s := range d.Specs {
				switch s := s.(type) {
				case *ast.ValueSpec:
					add(s.Doc)
					add(s.Comment)
				case *ast.TypeSpec:
					add(s.Doc)
					add(s.Comment)
					ast.Inspect(s.Type, func(n ast.Node) bool {
						if fl, ok := n.(*ast.Field); ok {
							add(fl.Doc)
							add(fl.Comment)
						}
						return true
					})
				}
			}
		}
	}
	return out
}

// unresolved matches what looks like a qualified doc link that the parser
// left as text because it names no known package: [pkg.Name] or [pkg.T.M].
var unresolved = regexp.MustCompile(`\[\*?([a-z][A-Za-z0-9_]*)\.([A-Z][A-Za-z0-9_]*)(\.[A-Z][A-Za-z0-9_]*)?\]`)

// refLine returns file:line of the first line of a comment, from pos to
// line end, that mentions ref, or pos's line.
func refLine(pos token.Position, end int, ref string) string {
	line := pos.Line
	key := strings.TrimPrefix(strings.Trim(ref, "[]"), "*")
	if i := strings.IndexByte(key, '{'); i >= 0 {
		key = key[i+1 : len(key)-1]
	}
	if data, err := os.ReadFile(pos.Filename); err == nil {
		lines := strings.Split(string(data), "\n")
		for l := pos.Line; l <= end && l <= len(lines); l++ {
			if strings.Contains(lines[l-1], key) {
				line = l
				break
			}
		}
	}
	return fmt.Sprintf("%s:%d", pos.Filename, line)
}

func (c *Checker) checkDoc(idx *pkgIndex, d *comment.Doc, where string) []Problem {
	var probs []Problem
	var text func(ts []comment.Text)
	text = func(ts []comment.Text) {
		for _, t := range ts {
			switch t := t.(type) {
			case *comment.DocLink:
				c.Links++
				if pr, ok := c.checkLink(idx, t); !ok {
					pr.Pos = where
					probs = append(probs, pr)
				}
			case *comment.Link:
				text(t.Text)
			case comment.Plain:
				probs = append(probs, c.checkProse(idx, string(t), where)...)
			case comment.Italic:
				probs = append(probs, c.checkProse(idx, string(t), where)...)
			}
		}
	}
	var block func(bs []comment.Block)
	block = func(bs []comment.Block) {
		for _, b := range bs {
			switch b := b.(type) {
			case *comment.Paragraph:
				text(b.Text)
			case *comment.Heading:
				text(b.Text)
			case *comment.List:
				for _, it := range b.Items {
					block(it.Content)
				}
			case *comment.Code:
				c.Snippets++
				probs = append(probs, c.CheckSnippet(idx, b.Text, where)...)
				probs = append(probs, c.checkTestNames(idx, b.Text, where)...)
				probs = append(probs, c.checkPaths(b.Text, where)...)
			}
		}
	}
	block(d.Content)
	return probs
}

// checkProse checks the text of a doc comment: bracketed names the parser
// did not take as links, and pkg.Name mentions of the module's packages.
func (c *Checker) checkProse(idx *pkgIndex, s, where string) []Problem {
	var probs []Problem
	for _, m := range unresolved.FindAllStringSubmatch(s, -1) {
		probs = append(probs, Problem{Pos: where, Ref: m[0], Msg: "names no known package"})
	}
	probs = append(probs, c.checkSnippetText(idx, s, where)...)
	probs = append(probs, c.checkErrorNames(idx, s, where)...)
	probs = append(probs, c.checkMembers(idx, s, where)...)
	probs = append(probs, c.checkTestNames(idx, s, where)...)
	return append(probs, c.checkPaths(s, where)...)
}

// errorName matches an unqualified error name in prose: ErrX or XError.
var errorName = regexp.MustCompile(`(^|[^.\w])\*?(Err[A-Z]\w*|[A-Z]\w*Error)\b`)

// checkErrorNames checks the unqualified error names of a doc comment's text:
// each must be declared by the package, by one of its imports, or by a
// package the text names with a qualified identifier.
func (c *Checker) checkErrorNames(idx *pkgIndex, s, where string) []Problem {
	if idx == nil {
		return nil
	}
	var probs []Problem
	for _, m := range errorName.FindAllStringSubmatch(s, -1) {
		name := m[2]
		if c.has(idx.path, "", name) {
			continue
		}
		found := false
		for _, q := range qualified.FindAllStringSubmatch(s, -1) {
			// "x509check.ErrExpired, ErrRevoked": a list after a qualified name
			if ip, _ := c.resolvePkg(idx, q[1]); ip != "" && c.has(ip, "", name) {
				found = true
				break
			}
		}
		for _, ip := range idx.imports {
			if ip != "" && c.has(ip, "", name) {
				found = true
				break
			}
		}
		if !found {
			probs = append(probs, Problem{Pos: where, Ref: name, Msg: "no such identifier in " + idx.path + " or its imports"})
		}
	}
	return probs
}

// pathRef matches a path of the module written in text: ./dir/..., or a
// command folder (cmd/NAME, examples/NAME).
var pathRef = regexp.MustCompile("(?:^|[\\s`'\"])(\\./[a-z][\\w./-]*|(?:examples|cmd)/[\\w.-]+)")

// checkPaths checks that the module paths a text names exist, relative to
// the module root or to the root of a module of the family.
func (c *Checker) checkPaths(s, where string) []Problem {
	var probs []Problem
	for _, m := range pathRef.FindAllStringSubmatch(s, -1) {
		p := strings.TrimRight(m[1], ".,;:/")
		if p == "." || p == "./..." || strings.HasSuffix(p, "/...") {
			p = strings.TrimSuffix(p, "/...")
		}
		if p == "." || p == "" {
			continue
		}
		ok := false
		for _, root := range append([]string{c.mod.Dir}, mapValues(c.mod.Others)...) {
			if _, err := os.Stat(filepath.Join(root, filepath.FromSlash(p))); err == nil {
				ok = true
				break
			}
		}
		if !ok {
			probs = append(probs, Problem{Pos: where, Ref: m[1], Msg: "no such path in the module"})
		}
	}
	return probs
}

func mapValues(m map[string]string) []string {
	var out []string
	for _, v := range m {
		out = append(out, v)
	}
	sort.Strings(out)
	return out
}

// notImported marks the import path of a doc link whose package name the
// documented package does not import.
const notImported = "\x00not imported"

func (c *Checker) checkLink(idx *pkgIndex, l *comment.DocLink) (Problem, bool) {
	var ok bool
	ref := "[" + l.Name + "]"
	if l.Recv != "" {
		ref = "[" + l.Recv + "." + l.Name + "]"
	}
	ip := l.ImportPath
	if ip != "" {
		ip, ok = strings.CutSuffix(ip, notImported)
		n := path.Base(ip)
		if other := c.index(ip); other != nil {
			n = other.name
		}
		target := strings.Trim(ref, "[]")
		ref = "[" + n + "." + target + "]"
		if ok {
			return Problem{Ref: ref, Msg: "go doc does not link it to " + ip + ": the package does not import it, or imports two packages named " +
				n + " (write [" + ip + "." + target + "])"}, false
		}
	} else {
		ip = idx.path
	}
	if c.index(ip) == nil {
		return Problem{Ref: ref, Msg: "package " + ip + " not found"}, false
	}
	if !c.has(ip, l.Recv, l.Name) {
		return Problem{Ref: ref, Msg: "no such exported identifier in " + ip}, false
	}
	if sym := c.docSyms(ip); sym != nil && !sym(l.Recv, l.Name) {
		return Problem{Ref: ref, Msg: "declared, but go doc has no entry for it in " + ip + " (a promoted or aliased member: name the type that declares it)"}, false
	}
	return Problem{}, true
}

// docSyms returns go/doc's lookup of the symbols package ip documents (the
// entries a link can point at), for the packages of the module family.
func (c *Checker) docSyms(ip string) func(recv, name string) bool {
	if sym, ok := c.syms[ip]; ok {
		return sym
	}
	c.syms[ip] = nil
	idx := c.index(ip)
	if idx == nil || c.ownerDir(ip) == "" {
		return nil
	}
	dp, err := doc.NewFromFiles(c.fset, idx.files, ip, doc.PreserveAST)
	if err != nil {
		return nil
	}
	c.syms[ip] = dp.Parser().LookupSym
	return c.syms[ip]
}

// CheckSnippet checks a Go code snippet read in the context of package idx
// (nil for a README): every pkg.Name naming a package of the module family,
// an import of the snippet or of idx must exist, and so must the field keys
// of pkg.Type{...} literals.
func (c *Checker) CheckSnippet(idx *pkgIndex, src, where string) []Problem {
	f, kind := parseSnippet(src)
	if f == nil {
		return c.checkSnippetText(idx, src, where)
	}
	imports := map[string]string{}
	for _, im := range f.Imports {
		p, _ := strconv.Unquote(im.Path.Value)
		if c.index(p) == nil && c.ownerDir(p) != "" {
			return []Problem{{Pos: where, Ref: strconv.Quote(p), Msg: "imports a package that does not exist"}}
		}
		imports[c.importName(im, p)] = p
	}
	local := map[string]bool{}
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.AssignStmt:
			if n.Tok == token.DEFINE {
				for _, l := range n.Lhs {
					if id, ok := l.(*ast.Ident); ok {
						local[id.Name] = true
					}
				}
			}
		case *ast.ValueSpec:
			for _, id := range n.Names {
				local[id.Name] = true
			}
		case *ast.Field:
			for _, id := range n.Names {
				local[id.Name] = true
			}
		case *ast.RangeStmt:
			for _, e := range []ast.Expr{n.Key, n.Value} {
				if id, ok := e.(*ast.Ident); ok {
					local[id.Name] = true
				}
			}
		}
		return true
	})
	pkgOf := func(name string) string {
		if p, ok := imports[name]; ok {
			return p
		}
		if local[name] {
			return ""
		}
		if idx != nil && name == idx.name {
			return idx.path
		}
		p, _ := c.resolvePkg(idx, name)
		if p == "" || (c.ownerDir(p) == "" && len(imports) == 0 && !c.isStdName(name)) {
			return ""
		}
		return p
	}
	var probs []Problem
	report := func(ref, msg string) {
		probs = append(probs, Problem{Pos: where, Ref: ref, Msg: msg})
	}
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.SelectorExpr:
			id, ok := n.X.(*ast.Ident)
			if !ok {
				return true
			}
			p := pkgOf(id.Name)
			if p == "" || c.index(p) == nil {
				return true
			}
			if !c.has(p, "", n.Sel.Name) {
				report(id.Name+"."+n.Sel.Name, "no such exported identifier in "+p)
			}
		case *ast.CompositeLit:
			sel, ok := n.Type.(*ast.SelectorExpr)
			if !ok {
				return true
			}
			id, ok := sel.X.(*ast.Ident)
			if !ok {
				return true
			}
			p := pkgOf(id.Name)
			if p == "" || c.index(p) == nil || !c.has(p, "", sel.Sel.Name) {
				return true
			}
			for _, e := range n.Elts {
				kv, ok := e.(*ast.KeyValueExpr)
				if !ok {
					continue
				}
				if k, ok := kv.Key.(*ast.Ident); ok && !c.has(p, sel.Sel.Name, k.Name) {
					report(id.Name+"."+sel.Sel.Name+"{"+k.Name+"}", "no such field in "+p)
				}
			}
		}
		return true
	})
	if len(probs) > 0 || !c.TypeCheck {
		return probs
	}
	return c.typeCheck(idx, f, kind, src, pkgOf, where)
}

func (c *Checker) isStdName(name string) bool {
	_, ok := comment.DefaultLookupPackage(name)
	return ok
}

// The kinds of snippet parseSnippet tells apart.
const (
	snippetFile = iota
	snippetDecls
	snippetStmts
)

// parseSnippet parses src as a file, as declarations, or as statements.
func parseSnippet(src string) (*ast.File, int) {
	fset := token.NewFileSet()
	tries := []string{src, "package p\n" + src, "package p\nfunc _() {\n" + src + "\n}"}
	for kind, t := range tries {
		f, err := parser.ParseFile(fset, "snippet.go", t, parser.SkipObjectResolution)
		if err == nil {
			return f, kind
		}
	}
	return nil, 0
}

// importName is the name an import declares.
func (c *Checker) importName(im *ast.ImportSpec, p string) string {
	if im.Name != nil {
		return im.Name.Name
	}
	if other := c.index(p); other != nil {
		return other.name
	}
	return path.Base(p)
}

var qualified = regexp.MustCompile(`\b([a-z][a-z0-9]*)\.([A-Z][A-Za-z0-9_]*)(?:\.([A-Z][A-Za-z0-9_]*))?`)

// checkSnippetText is the fallback for snippets that do not parse (elisions),
// and the check of prose: it checks the pkg.Name and pkg.Type.Member
// occurrences whose pkg is a package of the module.
func (c *Checker) checkSnippetText(idx *pkgIndex, src, where string) []Problem {
	var probs []Problem
	for _, m := range qualified.FindAllStringSubmatch(src, -1) {
		p, _ := c.resolvePkg(idx, m[1])
		if p == "" || c.ownerDir(p) == "" {
			continue
		}
		if !c.has(p, "", m[2]) {
			probs = append(probs, Problem{Pos: where, Ref: m[1] + "." + m[2], Msg: "no such exported identifier in " + p})
		} else if m[3] != "" && c.isType(p, m[2]) && !c.has(p, m[2], m[3]) {
			probs = append(probs, Problem{Pos: where, Ref: m[0], Msg: "no such method or field in " + p})
		}
	}
	return probs
}

// isType reports whether package ip declares the type name.
func (c *Checker) isType(ip, name string) bool {
	idx := c.index(ip)
	return idx != nil && idx.fileOf[name] != nil
}

// member matches Type.Member in prose.
var member = regexp.MustCompile(`(^|[^.\w])\*?([A-Z][A-Za-z0-9_]*)\.([A-Z][A-Za-z0-9_]*)\b`)

// checkMembers checks the Type.Member mentions of a doc comment's text whose
// Type is a type of the package.
func (c *Checker) checkMembers(idx *pkgIndex, s, where string) []Problem {
	if idx == nil {
		return nil
	}
	var probs []Problem
	for _, m := range member.FindAllStringSubmatch(s, -1) {
		if c.isType(idx.path, m[2]) && !c.has(idx.path, m[2], m[3]) && !c.importHas(idx, m[2], m[3]) {
			probs = append(probs, Problem{Pos: where, Ref: m[2] + "." + m[3], Msg: "no such method or field in " + idx.path})
		}
	}
	return probs
}

// importHas reports whether an import of idx declares typ.name, as
// crypto/x509's Certificate.CheckSignatureFrom.
func (c *Checker) importHas(idx *pkgIndex, typ, name string) bool {
	for _, ip := range idx.imports {
		if ip != "" && c.has(ip, typ, name) {
			return true
		}
	}
	return false
}

// testFunc matches the name of a test, example, benchmark or fuzz target.
var testFunc = regexp.MustCompile(`(?:^|[^.\w])((?:Test|Example|Benchmark|Fuzz)(?:[A-Z_]\w*)?)\b`)

// testFuncs returns the names of the test functions of the module family.
func (c *Checker) testFuncs() map[string]bool {
	if c.tests != nil {
		return c.tests
	}
	c.tests = map[string]bool{}
	decl := regexp.MustCompile(`(?m)^func ((?:Test|Example|Benchmark|Fuzz)\w*)\(`)
	for _, root := range append([]string{c.mod.Dir}, mapValues(c.mod.Others)...) {
		_ = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(p, "_test.go") {
				return nil
			}
			data, err := os.ReadFile(p)
			if err != nil {
				return nil
			}
			for _, m := range decl.FindAllStringSubmatch(string(data), -1) {
				c.tests[m[1]] = true
			}
			return nil
		})
	}
	return c.tests
}

// checkTestNames checks that the tests, examples, benchmarks and fuzz
// targets a text names exist.
// A name written qualified (fstest.TestFS, keystest.TestKeyType), declared by
// the text itself (a snippet's func TestX) or by the package is not checked.
func (c *Checker) checkTestNames(idx *pkgIndex, s, where string) []Problem {
	var probs []Problem
	for _, m := range testFunc.FindAllStringSubmatch(s, -1) {
		name := m[1]
		switch name {
		case "Test", "Example", "Benchmark", "Fuzz":
			continue
		}
		if strings.Contains(s, "func "+name+"(") || idx != nil && c.has(idx.path, "", name) {
			continue
		}
		if !c.testFuncs()[name] {
			probs = append(probs, Problem{Pos: where, Ref: name, Msg: "no such test function in the module"})
		}
	}
	return probs
}

// fence matches a ```go block of a Markdown file.
var fence = regexp.MustCompile("(?ms)^```go[ \t]*\n(.*?)^```")

// mdLink matches the target of a Markdown link.
var mdLink = regexp.MustCompile(`\]\(([^)\s]+)\)`)

// CheckMarkdown checks the ```go fences of a Markdown file, the pkg.Name
// references of its text, the module paths it names (./dir, cmd/NAME) and
// the targets of its relative links.
func (c *Checker) CheckMarkdown(file string) ([]Problem, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	var probs []Problem
	for _, m := range fence.FindAllSubmatchIndex(data, -1) {
		line := 1 + bytes.Count(data[:m[2]], []byte("\n"))
		end := line + bytes.Count(data[m[2]:m[3]], []byte("\n"))
		where := fmt.Sprintf("%s:%d", file, line)
		c.Snippets++
		for _, pr := range c.CheckSnippet(nil, string(data[m[2]:m[3]]), where) {
			pr.Pos = refLine(token.Position{Filename: file, Line: line}, end, pr.Ref)
			probs = append(probs, pr)
		}
	}
	inGo := false
	for i, line := range strings.Split(string(data), "\n") {
		where := fmt.Sprintf("%s:%d", file, i+1)
		if t := strings.TrimSpace(line); strings.HasPrefix(t, "```") {
			inGo = !inGo && strings.HasPrefix(t, "```go")
			continue
		}
		if !inGo {
			probs = append(probs, c.checkSnippetText(nil, line, where)...)
		}
		probs = append(probs, c.checkPaths(line, where)...)
		probs = append(probs, c.checkTestNames(nil, line, where)...)
		for _, m := range mdLink.FindAllStringSubmatch(line, -1) {
			target := m[1]
			if strings.Contains(target, "://") || strings.HasPrefix(target, "#") || strings.HasPrefix(target, "mailto:") {
				continue
			}
			target, _, _ = strings.Cut(target, "#")
			if _, err := os.Stat(filepath.Join(filepath.Dir(file), filepath.FromSlash(target))); err != nil {
				probs = append(probs, Problem{Pos: where, Ref: m[0], Msg: "links to a missing file"})
			}
		}
	}
	return probs, nil
}
