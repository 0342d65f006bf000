//go:build unix

package lookup

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The built command, reading addresses from a stdin that stays open, is
// stopped by a real signal while it waits for the next line: the answer
// already printed is whole, and the exit status is 128 + the signal.
func TestSignalWhileWaitingOnStdin(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	bin := filepath.Join(t.TempDir(), "ipintel") // the whole command, run as "ipintel lookup"
	if out, err := exec.Command("go", "build", "-o", bin, "../..").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	for _, tc := range []struct {
		sig  syscall.Signal
		code int
	}{{syscall.SIGINT, 130}, {syscall.SIGTERM, 143}} {
		t.Run(tc.sig.String(), func(t *testing.T) {
			cmd := exec.Command(bin, "lookup", "-")
			var stderr strings.Builder
			cmd.Stderr = &stderr
			in, err := cmd.StdinPipe()
			if err != nil {
				t.Fatal(err)
			}
			out, err := cmd.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			defer cmd.Process.Kill()
			fmt.Fprintln(in, "185.220.101.1")

			// Read the first answer (an indented object ending in "}\n").
			objs := make(chan string, 1)
			go func() {
				var b strings.Builder
				r := bufio.NewReader(out)
				for {
					line, err := r.ReadString('\n')
					b.WriteString(line)
					if line == "}\n" || err != nil {
						objs <- b.String()
						if err != nil {
							return
						}
						io.Copy(&b, r)
						objs <- b.String()
						return
					}
				}
			}()
			var first string
			select {
			case first = <-objs:
			case <-time.After(30 * time.Second):
				t.Fatalf("no answer; stderr: %s", stderr.String())
			}
			var m map[string]any
			if err := json.Unmarshal([]byte(first), &m); err != nil || m["query"] == nil {
				t.Fatalf("first answer %q: %v", first, err)
			}
			cmd.Process.Signal(tc.sig)
			err = cmd.Wait()
			var ee *exec.ExitError
			if err != nil && !errors.As(err, &ee) {
				t.Fatal(err)
			}
			if code := cmd.ProcessState.ExitCode(); code != tc.code {
				t.Errorf("exit status %d, want %d; stderr: %s", code, tc.code, stderr.String())
			}
			if all := <-objs; all != first {
				t.Errorf("output after the signal: %q", strings.TrimPrefix(all, first))
			}
		})
	}
}
