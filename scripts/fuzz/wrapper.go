//go:build unix

package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// envWorkerLog names the variable telling the wrapper where to save each
// worker's stderr (the path gets ".<pid>" appended).
const envWorkerLog = "IPINTEL_FUZZ_WORKER_LOG"

// wrapperScript is the go test -exec program. The fuzzing coordinator starts
// its workers as os.Args[0] with -test.fuzzworker, and with stderr on
// /dev/null: a worker's goroutine dump on SIGQUIT would be lost. So the
// wrapper starts the coordinator with argv[0] set to itself; the workers
// then start through the wrapper too, which runs the test binary with
// stderr appended to a file of its own.
const wrapperScript = `#!/usr/bin/env bash
# go test -exec wrapper written by scripts/fuzz: keeps fuzz workers' stderr.
if [ "${1:-}" = -test.fuzzworker ]; then
	exec "$IPINTEL_FUZZ_TESTBIN" "$@" 2>>"$IPINTEL_FUZZ_WORKER_LOG.$$"
fi
export IPINTEL_FUZZ_TESTBIN="$1"
shift
exec -a "$0" "$IPINTEL_FUZZ_TESTBIN" "$@"
`

func writeWrapper(dir string) (string, error) {
	p := filepath.Join(dir, "exec-wrapper")
	return p, os.WriteFile(p, []byte(wrapperScript), 0o755)
}

// proc is a process as ps reports it.
type proc struct {
	pid, ppid int
	args      string
}

// descendants returns the processes below pid.
func descendants(pid int) []proc {
	out, err := exec.Command("ps", "-A", "-o", "pid=,ppid=,args=").Output()
	if err != nil {
		return nil
	}
	var all []proc
	for line := range bytes.Lines(out) {
		f := strings.Fields(string(line))
		if len(f) < 3 {
			continue
		}
		p, err1 := strconv.Atoi(f[0])
		pp, err2 := strconv.Atoi(f[1])
		if err1 == nil && err2 == nil {
			all = append(all, proc{p, pp, strings.Join(f[2:], " ")})
		}
	}
	below := map[int]bool{pid: true}
	var out2 []proc
	for changed := true; changed; {
		changed = false
		for _, p := range all {
			if below[p.ppid] && !below[p.pid] {
				below[p.pid] = true
				out2 = append(out2, p)
				changed = true
			}
		}
	}
	return out2
}

// signalProcs sends sig to the processes below pid whose arguments satisfy
// match, and returns their pids.
func signalProcs(pid int, sig syscall.Signal, match func(args string) bool) []int {
	var pids []int
	for _, p := range descendants(pid) {
		if match(p.args) && syscall.Kill(p.pid, sig) == nil {
			pids = append(pids, p.pid)
		}
	}
	return pids
}

func isWorker(args string) bool { return strings.Contains(args, "-test.fuzzworker") }

func isCoordinator(args string) bool {
	return strings.Contains(args, "-test.fuzz=") && !isWorker(args)
}
