//go:build unix

package main

import (
	"bufio"
	"cmp"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// result is what one target's run came to.
type result struct {
	target      target
	elapsed     time.Duration // fuzzing time, as go test last reported it
	execs       int64
	interesting int      // new interesting inputs, as go test last reported them
	kept        int      // of which copied into testdata/fuzz
	realdata    bool     // seeded from the real data: nothing kept
	failing     []string // failing inputs go test wrote into testdata
	stall       string   // how the target stalled, when it did
	err         error    // any other failure of the run
	log         string
	// shutdownRace: go test failed with a bare "context deadline exceeded"
	// and no input, Go's race at the end of -fuzztime (golang/go#75804,
	// fixed in Go 1.27): not a finding.
	shutdownRace bool
}

func (r result) failed() bool { return len(r.failing) > 0 || r.stall != "" || r.err != nil }

// findings describes what the run found, "-" for nothing.
func (r result) findings() string {
	var f []string
	for _, p := range r.failing {
		f = append(f, "failing input "+p)
	}
	if r.stall != "" {
		f = append(f, r.stall)
	}
	if r.err != nil {
		f = append(f, r.err.Error())
	}
	if len(f) == 0 {
		if r.shutdownRace {
			return "- (go test ended with Go's -fuzztime shutdown race, golang/go#75804)"
		}
		return "-"
	}
	return strings.Join(f, "; ")
}

func (r result) summary() string {
	return fmt.Sprintf("%v, %d execs, %d new interesting (%d kept), findings: %s",
		r.elapsed, r.execs, r.interesting, r.kept, r.findings())
}

var (
	// fuzz: elapsed: 3s, execs: 9182 (3060/sec), new interesting: 2 (total: 19)
	statusLine = regexp.MustCompile(`^fuzz: elapsed: (\S+), execs: (\d+) \(\d+/sec\), new interesting: (\d+)`)
	// fuzz: elapsed: 0s, gathering baseline coverage: 3/17 completed
	baselineLine = regexp.MustCompile(`^fuzz: elapsed: (\S+), gathering baseline coverage: (\d+)/\d+`)
	failingLine  = regexp.MustCompile(`Failing input written to (\S+)`)
)

// progress is the state of a run as its output tells it; the stall watcher
// reads it.
type progress struct {
	mu       sync.Mutex
	started  bool      // fuzzing output has begun (compiling is over)
	mark     int64     // execs, or baseline inputs done
	movedAt  time.Time // when mark last changed
	r        *result
	stalling bool
	// sawDeadline: go test printed a bare "context deadline exceeded".
	sawDeadline bool
}

func (p *progress) line(s string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	var mark int64
	switch {
	case statusLine.MatchString(s):
		m := statusLine.FindStringSubmatch(s)
		p.r.elapsed, _ = time.ParseDuration(m[1])
		p.r.execs, _ = strconv.ParseInt(m[2], 10, 64)
		p.r.interesting, _ = strconv.Atoi(m[3])
		mark = p.r.execs + 1 // past the baseline
	case baselineLine.MatchString(s):
		m := baselineLine.FindStringSubmatch(s)
		n, _ := strconv.ParseInt(m[2], 10, 64)
		mark = -1 - n // below any exec count
	case failingLine.MatchString(s):
		p.r.failing = append(p.r.failing, filepath.Join(p.r.target.dir, failingLine.FindStringSubmatch(s)[1]))
		return
	case strings.TrimSpace(s) == "context deadline exceeded":
		p.sawDeadline = true
		return
	default:
		return
	}
	if !p.started || mark != p.mark {
		p.started, p.mark, p.movedAt = true, mark, time.Now()
	}
}

// stalled reports, once, whether fuzzing has not moved for d.
func (p *progress) stalled(d time.Duration) (time.Duration, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.started || p.stalling {
		return 0, false
	}
	if since := time.Since(p.movedAt); since > d {
		p.stalling = true
		return since, true
	}
	return 0, false
}

// fuzzOne fuzzes one target and collects its result.
func fuzzOne(ctx context.Context, cfg config, wrapper string, t target) result {
	r := result{target: t, log: filepath.Join(cfg.out, slug(t)+".log")}
	before := corpus(t.gocache)

	logf, err := os.Create(r.log)
	if err != nil {
		r.err = err
		return r
	}
	defer logf.Close()
	workerLog := filepath.Join(cfg.out, slug(t)+".worker")
	cmd := exec.Command("go", "test", "-exec", wrapper, "-run", "^$",
		"-fuzz", "^"+t.name+"$", "-fuzztime", cfg.fuzzTime.String(),
		"-fuzzminimizetime", cfg.minimize, "-parallel", strconv.Itoa(cfg.parallel), t.pkg)
	cmd.Dir = t.module
	cmd.Env = cfg.env(workerLog)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true} // so that all of it can be stopped
	pr, pw := io.Pipe()
	cmd.Stdout, cmd.Stderr = pw, pw
	fmt.Fprintf(logf, "$ (cd %s && %s)\n", t.module, strings.Join(cmd.Args, " "))
	if err := cmd.Start(); err != nil {
		r.err = err
		return r
	}
	p := &progress{r: &r}
	scanned := make(chan struct{})
	go func() {
		defer close(scanned)
		sc := bufio.NewScanner(pr)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for sc.Scan() {
			fmt.Fprintln(logf, sc.Text())
			p.line(sc.Text())
		}
		_, _ = io.Copy(logf, pr) // a line too long for the scanner
	}()
	waited := make(chan error, 1)
	exited := make(chan struct{})
	go func() {
		waited <- cmd.Wait()
		close(exited)
		pw.Close()
	}()

	// Compiling on a busy machine and minimising add to -fuzztime; past
	// this, the run is stuck in a way the stall watcher did not see.
	deadline := time.After(cfg.fuzzTime + 15*time.Minute)
	tick := time.NewTicker(5 * time.Second)
	defer tick.Stop()
	var waitErr error
	var stacksDone chan struct{}
	interrupted := ctx.Done()
loop:
	for {
		select {
		case waitErr = <-waited:
			break loop
		case <-tick.C:
			if since, ok := p.stalled(cfg.stall); ok {
				r.stall = fmt.Sprintf("stalled: execs did not move for %v", since.Round(time.Second))
				stacksDone = make(chan struct{})
				go func() { captureStacks(cmd.Process.Pid, logf, exited); close(stacksDone) }()
			}
		case <-deadline:
			r.err = fmt.Errorf("still running %v after -fuzztime", 15*time.Minute)
			_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		case <-interrupted:
			_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGINT)
			interrupted = nil // once
		}
	}
	<-scanned
	if stacksDone != nil {
		<-stacksDone
	}
	if waitErr != nil && r.stall == "" && len(r.failing) == 0 && r.err == nil {
		// Go's coordinator can fail a run that reached -fuzztime with a
		// bare "context deadline exceeded" and no input (golang/go#75804).
		if p.sawDeadline && r.elapsed >= cfg.fuzzTime {
			r.shutdownRace = true
		} else {
			r.err = fmt.Errorf("go test failed (%v): see %s", waitErr, r.log)
		}
	}
	if r.stall != "" {
		r.stall += "; stacks in " + strings.Join(append([]string{r.log}, workerLogs(workerLog)...), ", ")
	}
	// An input grown from the real data is derived from it, and nothing
	// derived from ../shared may enter the repository.
	r.realdata = t.realdata && cfg.realdata != ""
	if cfg.keep != 0 && !r.realdata {
		r.kept, err = keepNew(t, before, cfg.keep)
		if err != nil && r.err == nil {
			r.err = err
		}
	}
	return r
}

// captureStacks makes the stalled run's workers, then (if still running)
// its coordinator, print their goroutine stacks and exit: the workers'
// land in their own logs (see wrapperScript), the coordinator's in the
// run's log.
func captureStacks(pid int, logf io.Writer, exited <-chan struct{}) {
	workers := signalProcs(pid, syscall.SIGQUIT, isWorker)
	fmt.Fprintf(logf, "scripts/fuzz: stalled; SIGQUIT sent to workers %v\n", workers)
	wait := func() bool { // whether the run is still going after 10 s
		select {
		case <-exited:
			return false
		case <-time.After(10 * time.Second):
			return true
		}
	}
	if !wait() {
		return
	}
	coord := signalProcs(pid, syscall.SIGQUIT, isCoordinator)
	fmt.Fprintf(logf, "scripts/fuzz: SIGQUIT sent to coordinator %v\n", coord)
	if wait() {
		_ = syscall.Kill(-pid, syscall.SIGKILL) // our go test's process group
	}
}

func workerLogs(prefix string) []string {
	m, _ := filepath.Glob(prefix + ".*")
	var out []string
	for _, f := range m {
		if fi, err := os.Stat(f); err == nil && fi.Size() > 0 {
			out = append(out, f)
		}
	}
	return out
}

// corpus lists the entries of a corpus directory.
func corpus(dir string) map[string]bool {
	ents, _ := os.ReadDir(dir)
	m := make(map[string]bool, len(ents))
	for _, e := range ents {
		m[e.Name()] = true
	}
	return m
}

// keepNew copies up to limit (all when negative) of the entries go test
// added to the target's GOCACHE corpus during the run into the package's
// testdata/fuzz/FuzzX, smallest first.
func keepNew(t target, before map[string]bool, limit int) (int, error) {
	dst := filepath.Join(t.pkgDir, "testdata", "fuzz", t.name)
	have := corpus(dst)
	type entry struct {
		name string
		data []byte
	}
	var fresh []entry
	for name := range corpus(t.gocache) {
		if before[name] || have[name] {
			continue
		}
		b, err := os.ReadFile(filepath.Join(t.gocache, name))
		if err != nil {
			return 0, err
		}
		fresh = append(fresh, entry{name, b})
	}
	slices.SortFunc(fresh, func(a, b entry) int {
		return cmp.Or(cmp.Compare(len(a.data), len(b.data)), cmp.Compare(a.name, b.name))
	})
	if limit >= 0 && len(fresh) > limit {
		fresh = fresh[:limit]
	}
	if len(fresh) > 0 {
		if err := os.MkdirAll(dst, 0o755); err != nil {
			return 0, err
		}
	}
	for i, e := range fresh {
		if err := os.WriteFile(filepath.Join(dst, e.name), e.data, 0o644); err != nil {
			return i, err
		}
	}
	return len(fresh), nil
}
