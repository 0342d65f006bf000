// Command apilist prints the exported API of the repository's library
// packages, one line per identifier with its signature, in the manner of the
// Go project's api/*.txt files:
//
//	go run ./scripts/apilist > api/v0.1.txt       # write the listing
//	go run ./scripts/apilist -check api/v0.1.txt  # CI: fail when they differ
//	go run ./scripts/apilist -count               # the totals by kind
//
// With -max-surface N or -max-sentinels N it also fails when the exported
// funcs, methods and types number more than N, or the exported sentinel
// errors: .ci/run holds the API to the budgets CONTRIBUTING.md gives.
//
// Library packages are every package of the root, rediscache and ipintelprom
// modules except commands, internal packages, scripts, examples and
// testdata. The listing is read from the source with go/parser (no type
// checking, so it needs no dependency): a signature is printed as written,
// with parameter names dropped and grouped names expanded.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"go/ast"
	"go/parser"
	"go/printer"
	"go/token"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

const modulePath = "github.com/ipintel/ipintel"

func main() {
	check := flag.String("check", "", "compare with this listing and fail if they differ")
	count := flag.Bool("count", false, "print the number of exported funcs, methods, types, vars and consts (and sentinel errors)")
	maxSurface := flag.Int("max-surface", 0, "fail when the exported funcs, methods and types number more (0: no limit)")
	maxSentinels := flag.Int("max-sentinels", 0, "fail when the exported sentinel errors number more (0: no limit)")
	flag.Parse()
	if *maxSurface < 0 || *maxSentinels < 0 {
		fail(fmt.Errorf("-max-surface and -max-sentinels must be 0 (no limit) or more"))
	}
	root, err := repoRoot()
	if err != nil {
		fail(err)
	}
	lines, err := list(root)
	if err != nil {
		fail(err)
	}
	switch {
	case *check != "":
		want, err := os.ReadFile(*check)
		if err != nil {
			fail(err)
		}
		if diff := compare(strings.Split(strings.TrimSpace(string(want)), "\n"), lines); diff != "" {
			fmt.Fprintf(os.Stderr, "the exported API differs from %s (- listed, + in the code):\n%s"+
				"If the change is deliberate, run: go run ./scripts/apilist > %s\n", *check, diff, *check)
			os.Exit(1)
		}
	case *count:
		fmt.Print(tally(lines))
	default:
		fmt.Println(strings.Join(lines, "\n"))
	}
	t := tally(lines)
	if *maxSurface > 0 && t.surface() > *maxSurface {
		fmt.Fprintf(os.Stderr, "apilist: %d exported funcs, methods and types, over the budget of %d\n", t.surface(), *maxSurface)
		os.Exit(1)
	}
	if *maxSentinels > 0 && t.sentinels > *maxSentinels {
		fmt.Fprintf(os.Stderr, "apilist: %d exported sentinel errors, over the budget of %d\n", t.sentinels, *maxSentinels)
		os.Exit(1)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "apilist:", err)
	os.Exit(2)
}

// repoRoot is the directory of the root module's go.mod, found upwards.
func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if b, err := os.ReadFile(filepath.Join(dir, "go.mod")); err == nil && bytes.HasPrefix(b, []byte("module "+modulePath+"\n")) {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("not inside %s", modulePath)
		}
		dir = parent
	}
}

// skipDir reports whether a directory holds no library package.
func skipDir(rel string) bool {
	for _, part := range strings.Split(filepath.ToSlash(rel), "/") {
		if part == "internal" || part == "testdata" || strings.HasPrefix(part, ".") || strings.HasPrefix(part, "_") {
			return true
		}
	}
	top, _, _ := strings.Cut(filepath.ToSlash(rel), "/")
	return top == "cmd" || top == "scripts" || top == "examples"
}

// list returns the sorted listing of every library package under root.
func list(root string) ([]string, error) {
	var lines []string
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || !d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		if rel != "." && skipDir(rel) {
			return filepath.SkipDir
		}
		pkgLines, err := listDir(path, importPath(rel))
		lines = append(lines, pkgLines...)
		return err
	})
	slices.Sort(lines)
	return slices.Compact(lines), err
}

func importPath(rel string) string {
	if rel == "." {
		return modulePath
	}
	return modulePath + "/" + filepath.ToSlash(rel)
}

// listDir lists the exported identifiers of the package in dir, if any.
func listDir(dir, pkgPath string) ([]string, error) {
	fset := token.NewFileSet()
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var files []*ast.File
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, filepath.Join(dir, name), nil, parser.SkipObjectResolution)
		if err != nil {
			return nil, err
		}
		if f.Name.Name == "main" || !buildable(f) {
			continue
		}
		files = append(files, f)
	}
	l := lister{fset: fset, prefix: "pkg " + pkgPath + ", "}
	for _, f := range files {
		for _, decl := range f.Decls {
			l.decl(decl)
		}
	}
	return l.lines, nil
}

// buildable drops files constrained to other systems than linux/amd64's
// family by a //go:build line naming only non-unix systems, so that a
// function defined once per system is listed once.
func buildable(f *ast.File) bool {
	for _, c := range f.Comments {
		for _, line := range c.List {
			if expr, ok := strings.CutPrefix(line.Text, "//go:build "); ok {
				return !strings.HasPrefix(expr, "!unix") && !strings.HasPrefix(expr, "windows") && !strings.HasPrefix(expr, "plan9")
			}
		}
	}
	return true
}

type lister struct {
	fset   *token.FileSet
	prefix string
	lines  []string
}

func (l *lister) add(format string, args ...any) {
	l.lines = append(l.lines, l.prefix+fmt.Sprintf(format, args...))
}

func (l *lister) expr(e ast.Expr) string {
	if e == nil {
		return ""
	}
	var b bytes.Buffer
	printer.Fprint(&b, l.fset, e)
	return strings.Join(strings.Fields(b.String()), " ")
}

func (l *lister) decl(decl ast.Decl) {
	switch d := decl.(type) {
	case *ast.FuncDecl:
		if !d.Name.IsExported() {
			return
		}
		if d.Recv == nil {
			l.add("func %s%s", d.Name.Name, l.signature(d.Type))
			return
		}
		recv := l.expr(d.Recv.List[0].Type)
		base := strings.TrimPrefix(recv, "*")
		base, _, _ = strings.Cut(base, "[")
		if !ast.IsExported(base) {
			return
		}
		l.add("method (%s) %s%s", recv, d.Name.Name, l.signature(d.Type))
	case *ast.GenDecl:
		for _, spec := range d.Specs {
			switch s := spec.(type) {
			case *ast.TypeSpec:
				l.typeSpec(s)
			case *ast.ValueSpec:
				kind := d.Tok.String()
				for i, name := range s.Names {
					if !name.IsExported() {
						continue
					}
					switch {
					case s.Type != nil:
						l.add("%s %s %s", kind, name.Name, l.expr(s.Type))
					case kind == "var" && i < len(s.Values):
						l.add("var %s = %s", name.Name, shorten(l.expr(s.Values[i])))
					default:
						l.add("%s %s", kind, name.Name)
					}
				}
			}
		}
	}
}

func (l *lister) typeSpec(s *ast.TypeSpec) {
	if !s.Name.IsExported() {
		return
	}
	name := s.Name.Name
	if s.TypeParams != nil {
		name += "[" + l.fields(s.TypeParams, true) + "]"
	}
	if s.Assign.IsValid() {
		l.add("type %s = %s", name, l.expr(s.Type))
		return
	}
	switch t := s.Type.(type) {
	case *ast.StructType:
		l.add("type %s struct", name)
		for _, f := range t.Fields.List {
			if len(f.Names) == 0 { // embedded
				if ast.IsExported(strings.TrimPrefix(l.expr(f.Type), "*")) {
					l.add("type %s struct, embedded %s", name, l.expr(f.Type))
				}
				continue
			}
			for _, n := range f.Names {
				if n.IsExported() {
					l.add("type %s struct, %s %s", name, n.Name, l.expr(f.Type))
				}
			}
		}
	case *ast.InterfaceType:
		l.add("type %s interface", name)
		for _, m := range t.Methods.List {
			for _, n := range m.Names {
				if n.IsExported() {
					l.add("type %s interface, %s%s", name, n.Name, l.signature(m.Type.(*ast.FuncType)))
				}
			}
			if len(m.Names) == 0 {
				l.add("type %s interface, embedded %s", name, l.expr(m.Type))
			}
		}
	default:
		l.add("type %s %s", name, l.expr(s.Type))
	}
}

// signature prints a func type without parameter names: (int, string) error.
func (l *lister) signature(t *ast.FuncType) string {
	sig := "(" + l.fields(t.Params, false) + ")"
	if t.Results == nil || len(t.Results.List) == 0 {
		return sig
	}
	res := l.fields(t.Results, false)
	if len(t.Results.List) == 1 && len(t.Results.List[0].Names) <= 1 {
		return sig + " " + res
	}
	return sig + " (" + res + ")"
}

// fields prints a field list's types, one per name; with names, as type
// parameters are written.
func (l *lister) fields(fl *ast.FieldList, withNames bool) string {
	if fl == nil {
		return ""
	}
	var parts []string
	for _, f := range fl.List {
		typ := l.expr(f.Type)
		n := max(1, len(f.Names))
		for i := 0; i < n; i++ {
			if withNames && len(f.Names) > 0 {
				parts = append(parts, f.Names[i].Name+" "+typ)
			} else {
				parts = append(parts, typ)
			}
		}
	}
	return strings.Join(parts, ", ")
}

// shorten keeps a var's initialiser to its first 80 characters: enough to
// tell errors.New("…") from a table.
func shorten(s string) string {
	if len(s) > 80 {
		return s[:77] + "..."
	}
	return s
}

// compare returns a diff of two sorted listings, or "" when they are equal.
func compare(want, got []string) string {
	var b strings.Builder
	i, j := 0, 0
	for i < len(want) || j < len(got) {
		switch {
		case j >= len(got) || (i < len(want) && want[i] < got[j]):
			fmt.Fprintf(&b, "- %s\n", want[i])
			i++
		case i >= len(want) || got[j] < want[i]:
			fmt.Fprintf(&b, "+ %s\n", got[j])
			j++
		default:
			i++
			j++
		}
	}
	return b.String()
}

// totals counts the listing by kind: the review's measure is funcs, methods
// and types (struct fields and interface methods not counted), and exported
// sentinel errors (vars named Err…).
type totals struct {
	perPkg                                         map[string]int // funcs, methods and types
	funcs, methods, types, vars, consts, sentinels int
}

func (t totals) surface() int { return t.funcs + t.methods + t.types }

func tally(lines []string) totals {
	t := totals{perPkg: map[string]int{}}
	for _, line := range lines {
		pkg, decl, _ := strings.Cut(strings.TrimPrefix(line, "pkg "), ", ")
		kind, rest, _ := strings.Cut(decl, " ")
		switch kind {
		case "type":
			if strings.Contains(rest, " struct, ") || strings.Contains(rest, " interface, ") {
				continue
			}
			t.types++
		case "func":
			t.funcs++
		case "method":
			t.methods++
		case "var":
			t.vars++
			if strings.HasPrefix(rest, "Err") {
				t.sentinels++
			}
			continue
		case "const":
			t.consts++
			continue
		default:
			continue
		}
		t.perPkg[pkg]++
	}
	return t
}

func (t totals) String() string {
	var b strings.Builder
	for _, pkg := range slices.Sorted(maps.Keys(t.perPkg)) {
		fmt.Fprintf(&b, "%4d %s\n", t.perPkg[pkg], pkg)
	}
	fmt.Fprintf(&b, "funcs %d, methods %d, types %d: %d; vars %d (sentinel errors %d), consts %d\n",
		t.funcs, t.methods, t.types, t.surface(), t.vars, t.sentinels, t.consts)
	return b.String()
}
