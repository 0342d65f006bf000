//go:build unix

package batch

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"
)

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

func TestMain(m *testing.M) {
	code := m.Run()
	if binPath != "" {
		os.RemoveAll(filepath.Dir(binPath))
	}
	os.Exit(code)
}

// batchBinary builds this command once for the tests that run it as a real
// process.
func batchBinary(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "batch-test")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "batch")
		out, err := exec.Command("go", "build", "-o", binPath, "../..").CombinedOutput() // the whole ipintel command
		if err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

// proc is the command running with a pipe on stdin and its stdout read
// line by line.
type proc struct {
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	lines  chan string // stdout, line by line; closed at EOF
	tail   *bytes.Buffer
	stderr bytes.Buffer
}

func start(t *testing.T, args ...string) *proc {
	t.Helper()
	p := &proc{cmd: exec.Command(batchBinary(t), append([]string{"batch"}, args...)...), lines: make(chan string, 1<<16), tail: new(bytes.Buffer)}
	p.cmd.Stderr = &p.stderr
	var err error
	if p.stdin, err = p.cmd.StdinPipe(); err != nil {
		t.Fatal(err)
	}
	stdout, err := p.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		defer close(p.lines)
		r := bufio.NewReader(stdout)
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				p.tail.WriteString(line) // an incomplete last line, if any
				return
			}
			p.lines <- line
		}
	}()
	t.Cleanup(func() { p.cmd.Process.Kill(); p.cmd.Wait() })
	return p
}

// next waits for the next output line.
func (p *proc) next(t *testing.T) string {
	t.Helper()
	select {
	case l, ok := <-p.lines:
		if !ok {
			t.Fatalf("stdout ended; stderr: %s", p.stderr.String())
		}
		return l
	case <-time.After(30 * time.Second):
		t.Fatalf("no output line within 30s; stderr: %s", p.stderr.String())
	}
	return ""
}

// finish waits for the process and the rest of its output.
func (p *proc) finish(t *testing.T) (code int, rest []string) {
	t.Helper()
	for l := range p.lines {
		rest = append(rest, l)
	}
	err := p.cmd.Wait()
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		t.Fatal(err)
	}
	return p.cmd.ProcessState.ExitCode(), rest
}

var summaryLines = regexp.MustCompile(`(\d+) lines in .*interrupted`)

// A signal while the program waits on stdin stops it at once: the lines
// answered are out (they were shown as they came), the summary is
// printed, the exit status is 128 + the signal.
func TestSignalWhileWaitingOnStdin(t *testing.T) {
	for _, tc := range []struct {
		sig  syscall.Signal
		code int
	}{{syscall.SIGINT, 130}, {syscall.SIGTERM, 143}} {
		t.Run(tc.sig.String(), func(t *testing.T) {
			p := start(t, "-progress", "off")
			fmt.Fprintln(p.stdin, "185.220.101.1")
			first := p.next(t) // answered while stdin stays open: the output streams
			fmt.Fprintln(p.stdin, "1.1.1.1")
			second := p.next(t)
			p.cmd.Process.Signal(tc.sig) // stdin is still open and idle
			code, rest := p.finish(t)
			if code != tc.code {
				t.Errorf("exit status %d, want %d; stderr: %s", code, tc.code, p.stderr.String())
			}
			if len(rest) != 0 || p.tail.Len() != 0 {
				t.Errorf("unexpected output after the signal: %q %q", rest, p.tail.String())
			}
			for i, l := range []string{first, second} {
				var m map[string]any
				if err := json.Unmarshal([]byte(l), &m); err != nil || m["input"] == nil {
					t.Errorf("line %d %q: %v", i, l, err)
				}
			}
			if m := summaryLines.FindStringSubmatch(p.stderr.String()); m == nil || m[1] != "2" {
				t.Errorf("summary: %q", p.stderr.String())
			}
		})
	}
}

// A signal in the middle of a fast stream: the output ends with a whole
// line, every line is valid, and the summary counts exactly the lines
// written.
func TestSignalMidStream(t *testing.T) {
	for _, tc := range []struct {
		sig    syscall.Signal
		code   int
		format string
	}{{syscall.SIGTERM, 143, "jsonl"}, {syscall.SIGINT, 130, "csv"}} {
		t.Run(tc.sig.String()+"/"+tc.format, func(t *testing.T) {
			p := start(t, "-progress", "off", "-format", tc.format)
			go func() { // an endless input, written as fast as it is read
				w := bufio.NewWriter(p.stdin)
				for i := 0; ; i++ {
					if _, err := fmt.Fprintf(w, "45.%d.%d.%d\n", i>>16&255, i>>8&255, i&255); err != nil {
						return // the process is gone
					}
				}
			}()
			var got []string
			for range 3000 { // well into the stream: several windows answered
				got = append(got, p.next(t))
			}
			p.cmd.Process.Signal(tc.sig)
			code, rest := p.finish(t)
			got = append(got, rest...)
			if code != tc.code {
				t.Errorf("exit status %d, want %d; stderr: %s", code, tc.code, p.stderr.String())
			}
			if p.tail.Len() != 0 {
				t.Errorf("output ends mid-line: %q", p.tail.String())
			}
			results := got
			if tc.format == "csv" {
				results = got[1:] // the header
			}
			for i, l := range results {
				if tc.format == "jsonl" && !json.Valid([]byte(l)) {
					t.Fatalf("line %d is not JSON: %q", i, l)
				}
			}
			m := summaryLines.FindStringSubmatch(p.stderr.String())
			if m == nil {
				t.Fatalf("no summary: %q", p.stderr.String())
			}
			if n, _ := strconv.Atoi(m[1]); n != len(results) {
				t.Errorf("summary says %d lines, %d were written", n, len(results))
			}
			t.Logf("%d lines written before %v", len(results), tc.sig)
		})
	}
}
