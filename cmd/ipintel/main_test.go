package main

import (
	"io"
	"os"
	"strings"
	"testing"
)

// "ipintel help lookup" prints the command's flags on standard output and
// succeeds, as "go help build" does.
func TestHelpCommandToStdout(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, stderr := os.Stdout, os.Stderr
	os.Stdout = w
	code := run([]string{"help", "lookup"}, io.Discard, io.Discard)
	os.Stdout, os.Stderr = stdout, stderr
	w.Close()
	out, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	if code != 0 || !strings.Contains(string(out), "usage: ipintel lookup") || !strings.Contains(string(out), "-offline") {
		t.Errorf("help lookup: exit %d, stdout %q", code, out)
	}
}
