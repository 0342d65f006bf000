package ipintel_test

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestREADMECodeCompiles builds every ```go block of README.md, so that
// what a reader copies compiles. A block is built as follows:
//
//   - a block with a package clause is a whole file, built as is;
//   - otherwise its leading import declarations stay at file level, and the
//     rest goes at file level too when it declares something at column 0
//     (func, type, var, const), or else into the body of a function — a
//     fragment of statements, in which ctx (a context.Context) is defined.
//
// Every block is its own package main in a scratch module that requires
// this module and its nested modules ([readmeModules]) through replace
// directives; the blocks are only built, not run (they name data files the
// reader supplies).
func TestREADMECodeCompiles(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go build")
	}
	root, err := filepath.Abs(".")
	if err != nil {
		t.Fatal(err)
	}
	readme, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	blocks := goBlocks(string(readme))
	if len(blocks) == 0 {
		t.Fatal("README.md has no ```go block")
	}
	dir := t.TempDir()
	// The scratch module requires this module and every nested module the
	// README may import, each replaced by its directory here.
	var gomod strings.Builder
	gomod.WriteString("module readmecheck\n\ngo 1.25.0\n\n")
	fmt.Fprintf(&gomod, "require github.com/ipintel/ipintel v0.0.0\n\nreplace github.com/ipintel/ipintel => %s\n", root)
	sum, err := os.ReadFile(filepath.Join(root, "go.sum"))
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range readmeModules {
		modDir := filepath.Join(root, m)
		if _, err := os.Stat(filepath.Join(modDir, "go.mod")); err != nil {
			continue
		}
		path := "github.com/ipintel/ipintel/" + m
		fmt.Fprintf(&gomod, "\nrequire %s v0.0.0\n\nreplace %s => %s\n", path, path, modDir)
		b, err := os.ReadFile(filepath.Join(modDir, "go.sum"))
		if err != nil {
			t.Fatal(err)
		}
		sum = append(sum, b...)
	}
	write(t, filepath.Join(dir, "go.mod"), gomod.String())
	write(t, filepath.Join(dir, "go.sum"), string(sum))
	for i, b := range blocks {
		pkg := filepath.Join(dir, fmt.Sprintf("block%d", i+1))
		if err := os.Mkdir(pkg, 0o755); err != nil {
			t.Fatal(err)
		}
		write(t, filepath.Join(pkg, "main.go"), wrapBlock(b.code))
		t.Logf("block %d (README.md line %d)", i+1, b.line)
	}
	cmd := exec.Command("go", "build", "-o", os.DevNull, "./...")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=mod")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		msg := out.String()
		for i, b := range blocks {
			msg = strings.ReplaceAll(msg, fmt.Sprintf("block%d/", i+1), fmt.Sprintf("README.md block at line %d: ", b.line))
		}
		t.Fatalf("README code does not compile:\n%s", msg)
	}
}

// readmeModules are the nested modules a README block may import.
var readmeModules = []string{"ipintelprom", "rediscache"}

type codeBlock struct {
	line int // of the opening fence
	code string
}

func goBlocks(md string) []codeBlock {
	var out []codeBlock
	lines := strings.Split(md, "\n")
	for i := 0; i < len(lines); i++ {
		if strings.TrimSpace(lines[i]) != "```go" {
			continue
		}
		start := i
		var b strings.Builder
		for i++; i < len(lines) && strings.TrimSpace(lines[i]) != "```"; i++ {
			b.WriteString(lines[i])
			b.WriteByte('\n')
		}
		out = append(out, codeBlock{line: start + 1, code: b.String()})
	}
	return out
}

var (
	packageClause = regexp.MustCompile(`(?m)^package \w+`)
	topLevelDecl  = regexp.MustCompile(`(?m)^(func|type|var|const) `)
	importDecl    = regexp.MustCompile(`(?s)^\s*(import \([^)]*\)|import "[^"]*"\s*)+`)
)

// wrapBlock turns a README block into a Go file (see TestREADMECodeCompiles).
func wrapBlock(code string) string {
	if packageClause.MatchString(code) {
		return code
	}
	imports := importDecl.FindString(code)
	rest := code[len(imports):]
	var b strings.Builder
	b.WriteString("package main\n\n")
	b.WriteString(imports)
	b.WriteString("\n\nimport readmeContext \"context\"\n\nvar ctx readmeContext.Context = readmeContext.Background()\n\nfunc main() { _ = ctx }\n\n")
	if topLevelDecl.MatchString(rest) {
		b.WriteString(rest)
	} else {
		b.WriteString("func init() {\n")
		b.WriteString(rest)
		b.WriteString("}\n")
	}
	return b.String()
}

func write(t *testing.T, path, s string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
}
