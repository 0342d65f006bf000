//go:build unix

// Command fuzz runs a fuzzing campaign over every Fuzz target of every
// module of the repository (the root module and the modules go.work uses):
//
//	go run ./scripts/fuzz                 # every target, 10 minutes each
//	go run ./scripts/fuzz -short          # 1 minute each
//	go run ./scripts/fuzz -run mmdb -time 3m -j 1
//	go run ./scripts/fuzz -list
//
// It runs at most -j targets at once (default: the number of cores), each
// with -parallel fuzzing workers (default 1), bounds minimisation with
// -minimize, sets IPINTEL_REALDATA when ../shared/realdata is beside the
// repository so the targets seed from the real data, and prints a table:
// target, fuzzing time, execs, new interesting inputs, corpus entries
// kept, findings.
//
// A finding is a failing input (go test writes it under the package's
// testdata/fuzz/FuzzX/), any other failure of the run, or a stall: execs
// not moving for -stall (default 1m). On a stall the workers get SIGQUIT
// and their goroutine stacks are saved (see [wrapperScript] for how), then
// the coordinator gets SIGQUIT too.
//
// New interesting inputs, which go test keeps only in GOCACHE, are copied
// into the package's testdata/fuzz/FuzzX/, at most -keep of them (default
// 20, smallest first: a short run finds hundreds), so they can be
// committed and replayed by plain go test; none of a target seeded from
// the real data, whose inputs are derived from it. A bare "context
// deadline exceeded" at the end of -fuzztime is Go's own race
// (golang/go#75804), noted but not a finding. See scripts/README.md.
//
// It is a Go program rather than a shell script because it reads go test's
// progress lines as they come, times stalls, signals the right processes
// and runs targets side by side; a script would need several tools whose
// flags differ between systems to do the same.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

type config struct {
	fuzzTime time.Duration
	minimize string // a duration or an exec count ("500x")
	stall    time.Duration
	jobs     int
	parallel int
	keep     int
	out      string
	root     string
	realdata string
}

func main() {
	var cfg config
	flag.DurationVar(&cfg.fuzzTime, "time", 10*time.Minute, "how long to fuzz each target")
	short := flag.Bool("short", false, "fuzz each target for 1 minute (overrides -time)")
	run := flag.String("run", "", "fuzz only the targets matching this regexp (matched against \"dir.FuzzName\", e.g. \"source/mmdb.FuzzOpen\")")
	flag.IntVar(&cfg.jobs, "j", runtime.NumCPU(), "targets fuzzed at once")
	flag.IntVar(&cfg.parallel, "parallel", 1, "fuzzing workers per target (go test -parallel)")
	flag.StringVar(&cfg.minimize, "minimize", "10s", "bound on minimising each input, a duration or an exec count such as 500x (go test -fuzzminimizetime)")
	flag.DurationVar(&cfg.stall, "stall", time.Minute, "a target whose execs do not move for this long is a finding")
	flag.IntVar(&cfg.keep, "keep", 20, "copy at most this many new interesting inputs per target, smallest first, from GOCACHE into testdata/fuzz (-1: all)")
	flag.StringVar(&cfg.out, "out", "", "directory for logs and saved stacks (default: a new temporary directory)")
	list := flag.Bool("list", false, "list the targets and exit")
	flag.Parse()
	if *short {
		cfg.fuzzTime = time.Minute
	}
	if cfg.jobs < 1 || cfg.parallel < 1 {
		fatalf("-j and -parallel must be at least 1")
	}
	if !validMinimize(cfg.minimize) {
		fatalf("-minimize %q: want a duration (10s) or an exec count (500x)", cfg.minimize)
	}
	pick, err := regexp.Compile(*run)
	if err != nil {
		fatalf("-run: %v", err)
	}

	if cfg.root, err = repoRoot(); err != nil {
		fatalf("%v", err)
	}
	targets, err := discover(cfg.root)
	if err != nil {
		fatalf("%v", err)
	}
	var picked []target
	for _, t := range targets {
		if pick.MatchString(t.String()) {
			picked = append(picked, t)
		}
	}
	if *list {
		for _, t := range picked {
			if t.realdata {
				fmt.Println(t, "(seeds from the real data when present)")
			} else {
				fmt.Println(t)
			}
		}
		return
	}
	if len(picked) == 0 {
		fatalf("no fuzz targets match %q", *run)
	}

	cfg.realdata = realdataDir(cfg.root)
	if cfg.out == "" {
		if cfg.out, err = os.MkdirTemp("", "ipintel-fuzz-"); err != nil {
			fatalf("%v", err)
		}
	} else if err := os.MkdirAll(cfg.out, 0o755); err != nil {
		fatalf("%v", err)
	}
	wrapper, err := writeWrapper(cfg.out)
	if err != nil {
		fatalf("%v", err)
	}
	seeds := "without real-data seeds (../shared/realdata not found)"
	if cfg.realdata != "" {
		seeds = "with real-data seeds from " + cfg.realdata
	}
	fmt.Printf("fuzzing %d targets for %v each, %d at a time, %d worker(s) each, %s; logs in %s\n",
		len(picked), cfg.fuzzTime, cfg.jobs, cfg.parallel, seeds, cfg.out)

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	results := make([]result, len(picked))
	sem := make(chan struct{}, cfg.jobs)
	var wg sync.WaitGroup
	for i, t := range picked {
		wg.Add(1)
		go func() {
			defer wg.Done()
			select {
			case sem <- struct{}{}:
			case <-ctx.Done():
				results[i] = result{target: t, err: ctx.Err()}
				return
			}
			defer func() { <-sem }()
			fmt.Printf("start %s\n", t)
			results[i] = fuzzOne(ctx, cfg, wrapper, t)
			fmt.Printf("done  %s: %s\n", t, results[i].summary())
		}()
	}
	wg.Wait()

	table := formatTable(results)
	fmt.Print("\n" + table)
	if err := os.WriteFile(filepath.Join(cfg.out, "summary.txt"), []byte(table), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, err)
	}
	for _, r := range results {
		if r.failed() {
			os.Exit(1)
		}
	}
}

func fatalf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "fuzz: "+format+"\n", args...)
	os.Exit(2)
}

// repoRoot is the nearest directory at or above the working directory with
// a go.work, else with a go.mod.
func repoRoot() (string, error) {
	wd, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for _, marker := range []string{"go.work", "go.mod"} {
		for dir := wd; ; dir = filepath.Dir(dir) {
			if _, err := os.Stat(filepath.Join(dir, marker)); err == nil {
				return dir, nil
			}
			if filepath.Dir(dir) == dir {
				break
			}
		}
	}
	return "", errors.New("not inside a Go module")
}

// realdataDir is $IPINTEL_REALDATA, else shared/realdata beside the
// repository, else "" (the targets then seed from testdata only).
func realdataDir(root string) string {
	if d := os.Getenv("IPINTEL_REALDATA"); d != "" {
		return d
	}
	d := filepath.Join(filepath.Dir(root), "shared", "realdata")
	if fi, err := os.Stat(d); err == nil && fi.IsDir() {
		return d
	}
	return ""
}

// env is the environment for go test: the real data, and where the exec
// wrapper saves each worker's stderr.
func (c config) env(workerLog string) []string {
	env := append(os.Environ(), envWorkerLog+"="+workerLog)
	if c.realdata != "" {
		env = append(env, "IPINTEL_REALDATA="+c.realdata)
	}
	return env
}

// validMinimize reports whether s is what -fuzzminimizetime accepts.
func validMinimize(s string) bool {
	if n, ok := strings.CutSuffix(s, "x"); ok {
		_, err := strconv.ParseUint(n, 10, 32)
		return err == nil
	}
	d, err := time.ParseDuration(s)
	return err == nil && d >= 0
}

// slug turns a target into a file name.
func slug(t target) string {
	return strings.NewReplacer("/", "_", ".", "_").Replace(t.dir) + "-" + t.name
}
