//go:build unix

package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os/exec"
	"path"
	"path/filepath"
	"strings"
)

// target is one fuzz test: FuzzX in a package.
type target struct {
	module  string // the module's directory, where go test runs
	pkg     string // import path
	pkgDir  string // absolute directory of the package
	dir     string // the package's directory relative to the repository root
	name    string // FuzzX
	gocache string // where go test keeps the target's generated corpus
	// realdata: the target's body mentions the realdata package, so its
	// inputs may be derived from ../shared/realdata, which must never be
	// copied into the repository.
	realdata bool
}

// String names the target by its directory ("source/mmdb.FuzzOpen"); the
// root package by its name.
func (t target) String() string {
	if t.dir == "." {
		return path.Base(t.pkg) + "." + t.name
	}
	return t.dir + "." + t.name
}

// modules returns the directories of the workspace's modules: those go.work
// uses, or the root module alone without a go.work.
func modules(root string) ([]string, error) {
	out, err := exec.Command("go", "env", "GOWORK").Output()
	if err != nil || strings.TrimSpace(string(out)) == "" || strings.TrimSpace(string(out)) == "off" {
		return []string{root}, nil
	}
	cmd := exec.Command("go", "work", "edit", "-json")
	cmd.Dir = root
	if out, err = cmd.Output(); err != nil {
		return nil, fmt.Errorf("go work edit -json: %w", err)
	}
	var w struct{ Use []struct{ DiskPath string } }
	if err := json.Unmarshal(out, &w); err != nil {
		return nil, fmt.Errorf("go work edit -json: %w", err)
	}
	var dirs []string
	for _, u := range w.Use {
		dirs = append(dirs, filepath.Join(root, u.DiskPath))
	}
	return dirs, nil
}

// discover lists every fuzz target of every module, in module and package
// order.
func discover(root string) ([]target, error) {
	mods, err := modules(root)
	if err != nil {
		return nil, err
	}
	out, err := exec.Command("go", "env", "GOCACHE").Output()
	if err != nil {
		return nil, fmt.Errorf("go env GOCACHE: %w", err)
	}
	gocache := strings.TrimSpace(string(out))
	var targets []target
	for _, mod := range mods {
		cmd := exec.Command("go", "list", "-f", "{{.ImportPath}}\t{{.Dir}}\t{{join .TestGoFiles \" \"}} {{join .XTestGoFiles \" \"}}", "./...")
		cmd.Dir = mod
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			return nil, fmt.Errorf("go list in %s: %w: %s", mod, err, stderr.Bytes())
		}
		sc := bufio.NewScanner(bytes.NewReader(out))
		for sc.Scan() {
			f := strings.SplitN(sc.Text(), "\t", 3)
			if len(f) != 3 {
				continue
			}
			pkg, dir := f[0], f[1]
			rel, err := filepath.Rel(root, dir)
			if err != nil {
				return nil, err
			}
			for _, file := range strings.Fields(f[2]) {
				fns, err := fuzzFuncs(filepath.Join(dir, file))
				if err != nil {
					return nil, err
				}
				for _, fn := range fns {
					targets = append(targets, target{
						module: mod, pkg: pkg, pkgDir: dir, dir: filepath.ToSlash(rel), name: fn.name,
						gocache: filepath.Join(gocache, "fuzz", pkg, fn.name), realdata: fn.realdata,
					})
				}
			}
		}
	}
	return targets, nil
}

type fuzzFunc struct {
	name     string
	realdata bool // its body uses the realdata package
}

// fuzzFuncs returns the fuzz tests declared in a test file: top-level
// functions FuzzXxx(f *testing.F).
func fuzzFuncs(path string) ([]fuzzFunc, error) {
	f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.SkipObjectResolution)
	if err != nil {
		return nil, err
	}
	var fns []fuzzFunc
	for _, d := range f.Decls {
		fn, ok := d.(*ast.FuncDecl)
		if !ok || fn.Recv != nil || fn.Body == nil || !strings.HasPrefix(fn.Name.Name, "Fuzz") || len(fn.Type.Params.List) != 1 {
			continue
		}
		if !isSel(fn.Type.Params.List[0].Type, "testing", "F", true) {
			continue
		}
		usesRealdata := false
		ast.Inspect(fn.Body, func(n ast.Node) bool {
			if sel, ok := n.(*ast.SelectorExpr); ok && isSel(sel, "realdata", "", false) {
				usesRealdata = true
			}
			return !usesRealdata
		})
		fns = append(fns, fuzzFunc{fn.Name.Name, usesRealdata})
	}
	return fns, nil
}

// isSel reports whether e is pkg.name (any name when name is ""), or a
// pointer to it when star is set.
func isSel(e ast.Expr, pkg, name string, star bool) bool {
	if star {
		s, ok := e.(*ast.StarExpr)
		if !ok {
			return false
		}
		e = s.X
	}
	sel, ok := e.(*ast.SelectorExpr)
	if !ok || (name != "" && sel.Sel.Name != name) {
		return false
	}
	x, ok := sel.X.(*ast.Ident)
	return ok && x.Name == pkg
}
