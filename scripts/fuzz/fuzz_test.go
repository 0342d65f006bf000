//go:build unix

package main

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestFuzzFuncs(t *testing.T) {
	src := `package x_test

import (
	"testing"

	"example.com/internal/realdata"
)

func FuzzPlain(f *testing.F) { f.Fuzz(func(t *testing.T, b []byte) {}) }

func FuzzSeeded(f *testing.F) {
	if root := realdata.Root(); root != "" {
		f.Add([]byte(root))
	}
}

func FuzzNotATarget(t *testing.T) {}
func fuzzLower(f *testing.F)      {}
func (s S) FuzzMethod(f *testing.F) {}
`
	p := filepath.Join(t.TempDir(), "x_test.go")
	if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	got, err := fuzzFuncs(p)
	if err != nil {
		t.Fatal(err)
	}
	want := []fuzzFunc{{"FuzzPlain", false}, {"FuzzSeeded", true}}
	if !slices.Equal(got, want) {
		t.Errorf("fuzzFuncs = %v, want %v", got, want)
	}
}

func TestProgressLines(t *testing.T) {
	r := result{target: target{dir: "source/mmdb", name: "FuzzOpen"}}
	p := &progress{r: &r}
	for _, line := range []string{
		"fuzz: elapsed: 0s, gathering baseline coverage: 0/66 completed",
		"fuzz: elapsed: 3s, gathering baseline coverage: 66/66 completed, now fuzzing with 1 workers",
		"fuzz: elapsed: 1m27s, execs: 11333 (0/sec), new interesting: 7 (total: 85)",
		"    Failing input written to testdata/fuzz/FuzzOpen/6d4a8911cf51fd3d",
	} {
		p.line(line)
	}
	if r.elapsed != 87*time.Second || r.execs != 11333 || r.interesting != 7 {
		t.Errorf("elapsed %v, execs %d, interesting %d; want 1m27s, 11333, 7", r.elapsed, r.execs, r.interesting)
	}
	if want := []string{"source/mmdb/testdata/fuzz/FuzzOpen/6d4a8911cf51fd3d"}; !slices.Equal(r.failing, want) {
		t.Errorf("failing = %v, want %v", r.failing, want)
	}
	if !p.started {
		t.Error("fuzzing output seen, but not started")
	}
	// The same count again is no progress: a stall is measured from the
	// last change.
	p.movedAt = time.Now().Add(-2 * time.Minute)
	p.line("fuzz: elapsed: 3m27s, execs: 11333 (0/sec), new interesting: 7 (total: 85)")
	if since, ok := p.stalled(time.Minute); !ok || since < 2*time.Minute {
		t.Errorf("stalled = %v, %v; want a stall of 2 minutes", since, ok)
	}
	if _, ok := p.stalled(time.Minute); ok {
		t.Error("a stall reported twice")
	}
}

func TestValidMinimize(t *testing.T) {
	for s, want := range map[string]bool{"10s": true, "500x": true, "0s": true, "1m30s": true, "x": false, "-1s": false, "5y": false, "": false} {
		if got := validMinimize(s); got != want {
			t.Errorf("validMinimize(%q) = %v, want %v", s, got, want)
		}
	}
}

func TestFormatTable(t *testing.T) {
	rs := []result{
		{target: target{dir: ".", pkg: "github.com/ipintel/ipintel", name: "FuzzLookup"}, elapsed: 120 * time.Second, execs: 5, interesting: 2, kept: 2},
		{target: target{dir: "source/mmdb", name: "FuzzOpen"}, realdata: true, stall: "stalled | x"},
	}
	got := formatTable(rs)
	for _, want := range []string{
		"| ipintel.FuzzLookup | 2m0s | 5 | 2 | 2 | - |",
		`| source/mmdb.FuzzOpen | 0s | 0 | 0 | none (real-data seeds) | stalled \| x |`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("table lacks %q:\n%s", want, got)
		}
	}
}

func TestShutdownRaceIsNoFinding(t *testing.T) {
	r := result{elapsed: 2 * time.Minute}
	p := &progress{r: &r}
	p.line("    context deadline exceeded")
	if !p.sawDeadline {
		t.Fatal("the bare deadline line was not noticed")
	}
	r.shutdownRace = true
	if r.failed() || !strings.Contains(r.findings(), "golang/go#75804") {
		t.Errorf("failed %v, findings %q: want no finding, with a note", r.failed(), r.findings())
	}
}
