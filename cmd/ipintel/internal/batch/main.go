// Package batch is "ipintel batch": it enriches a list of IP addresses — a
// file or stdin, one a line or one column of a CSV — and writes JSON lines
// or CSV:
//
//	ipintel batch -in ips.txt > out.jsonl
//	zcat access.log.gz | awk '{print $1}' | ipintel batch -format csv > out.csv
//	ipintel batch -in logins.csv -column client_ip -format csv
//	tail -f access.log | awk '{print $1}' | ipintel batch
//
// It streams through Client.LookupSeq: millions of lines use flat memory,
// and a line from a live pipe is answered as soon as it arrives. Every
// output row carries its input: JSON lines have "input" (and, with
// -column, the CSV row as "row"); CSV output keeps every input column and
// adds the answer's columns after them (one whose name an input column
// already has, such as "ip", is written as "ipintel_ip").
//
// SIGINT (Ctrl-C) or SIGTERM stops it cleanly, even while it waits for
// input: every complete line is flushed, the summary is printed, and it
// exits 130 or 143. A second Ctrl-C kills it at once.
//
// A progress line goes to stderr when stderr is a terminal, and a summary
// at the end.
package batch

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/ipintel/ipintel"
	"github.com/ipintel/ipintel/cmd/ipintel/internal/cli"
)

// Main runs the batch subcommand with args (those after "batch") and
// returns the process exit status.
func Main(args []string) int {
	ctx, stop := cli.SignalContext(context.Background())
	err := run(ctx, args, os.Getenv, os.Stdin, os.Stdout, os.Stderr)
	stop()
	switch {
	case err != nil && cli.ExitCode(ctx) != 0: // interrupted, perhaps before the first line
		return cli.ExitCode(ctx)
	case err != nil && !errors.Is(err, flag.ErrHelp):
		fmt.Fprintln(os.Stderr, "ipintel batch:", err)
		return 2
	}
	return 0
}

// errInterrupted: a signal ended the run; what was answered is written.
var errInterrupted = errors.New("interrupted")

func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("ipintel batch", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var data cli.Flags
	data.Register(fs)
	in := fs.String("in", "-", "input file, - for stdin")
	out := fs.String("out", "-", "output file, - for stdout")
	format := fs.String("format", "jsonl", "output: jsonl (one result object a line) or csv")
	column := fs.String("column", "", "read this CSV column (a header name or a 1-based number) instead of whole lines")
	header := fs.Bool("header", false, "the CSV's first row is a header (implied when -column is a name)")
	progress := fs.String("progress", "auto", "progress on stderr: auto (when stderr is a terminal), on, off")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *format != "jsonl" && *format != "csv" {
		return fmt.Errorf("-format %q: want jsonl or csv", *format)
	}
	if *header && *column == "" {
		return errors.New("-header needs -column")
	}
	rd, err := newReader(*column, *header)
	if err != nil {
		return err
	}
	r, closeIn, err := openIn(*in, stdin)
	if err != nil {
		return err
	}
	defer closeIn()
	w, closeOut, err := openOut(*out, stdout)
	if err != nil {
		return err
	}
	client, err := data.Client(ctx, getenv, stderr)
	if err != nil {
		closeOut()
		return err
	}
	defer client.Close()

	q := &queue{}
	enc := newEncoder(*format, w, rd)
	var sum summary
	show := *progress == "on" || (*progress == "auto" && isTerminal(stderr))
	start, lastShown := time.Now(), time.Now()
	interrupted := false
	var runErr error
	for res, lerr := range client.LookupSeq(ctx, q.feed(rd.rows(r, stderr))) {
		if lerr != nil && !errors.Is(lerr, ipintel.ErrInvalidIP) && !errors.Is(lerr, ipintel.ErrReservedIP) {
			if ctx.Err() != nil {
				interrupted = true
			} else {
				runErr = lerr
			}
			break
		}
		row, idle := q.pop()
		sum.add(res, lerr)
		if err := enc.write(row, res, lerr); err != nil {
			runErr = err
			break
		}
		if idle { // nothing more has been read: show this answer now
			if err := enc.flush(); err != nil {
				runErr = err
				break
			}
		}
		if show && sum.total%1024 == 0 && time.Since(lastShown) > 200*time.Millisecond {
			lastShown = time.Now()
			fmt.Fprintf(stderr, "\r%d lines, %.0f/s", sum.total, float64(sum.total)/time.Since(start).Seconds())
		}
	}
	// Whatever stopped the run, the rows written so far are flushed whole.
	if err := enc.flush(); err != nil && runErr == nil {
		runErr = err
	}
	if err := closeOut(); err != nil && runErr == nil {
		runErr = err
	}
	if show {
		fmt.Fprint(stderr, "\r\033[K")
	}
	sum.print(stderr, time.Since(start), interrupted)
	switch {
	case runErr != nil:
		return runErr
	case interrupted:
		return errInterrupted
	}
	return q.readErr()
}

func openIn(path string, stdin io.Reader) (io.Reader, func(), error) {
	if path == "-" {
		return stdin, func() {}, nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	return f, func() { f.Close() }, nil
}

func openOut(path string, stdout io.Writer) (io.Writer, func() error, error) {
	if path == "-" {
		return stdout, func() error { return nil }, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, nil, err
	}
	return f, f.Close, nil
}

// isTerminal reports whether w is a character device, such as a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}
