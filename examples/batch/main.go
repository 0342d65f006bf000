// Command batch enriches a list of IP addresses — a file or stdin, one a
// line or one column of a CSV — and writes JSON lines or CSV:
//
//	go run ./examples/batch -in ips.txt > out.jsonl
//	zcat access.log.gz | awk '{print $1}' | go run ./examples/batch -format csv > out.csv
//	go run ./examples/batch -in logins.csv -column client_ip -format csv
//
// It streams through Client.LookupSeq, so millions of lines use flat
// memory. A progress line goes to stderr when stderr is a terminal, and a
// summary at the end.
package main

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"iter"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"time"

	"github.com/ipintel/ipintel"
	"github.com/ipintel/ipintel/examples/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr)
	if err != nil && !errors.Is(err, flag.ErrHelp) {
		fmt.Fprintln(os.Stderr, "batch:", err)
		os.Exit(2)
	}
}

// maxLine bounds one input line; longer lines are an error, not a hang.
const maxLine = 1 << 20

func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("batch", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var data cli.Flags
	data.Register(fs)
	in := fs.String("in", "-", "input file, - for stdin")
	out := fs.String("out", "-", "output file, - for stdout")
	format := fs.String("format", "jsonl", "output: jsonl (one result object a line) or csv")
	column := fs.String("column", "", "read this CSV column (a header name or a 1-based number) instead of whole lines")
	progress := fs.String("progress", "auto", "progress on stderr: auto (when stderr is a terminal), on, off")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *format != "jsonl" && *format != "csv" {
		return fmt.Errorf("-format %q: want jsonl or csv", *format)
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

	inputs, readErr := readInputs(r, *column)
	q := &queue{}
	enc := newEncoder(*format, w)
	var sum summary
	show := *progress == "on" || (*progress == "auto" && isTerminal(stderr))
	start, lastShown := time.Now(), time.Now()
	for res, lerr := range client.LookupSeq(ctx, q.tee(inputs)) {
		input := q.pop()
		if lerr != nil && !errors.Is(lerr, ipintel.ErrInvalidIP) && !errors.Is(lerr, ipintel.ErrReservedIP) {
			closeOut()
			return lerr // the context ended
		}
		sum.add(res, lerr)
		if err := enc.write(input, res, lerr); err != nil {
			closeOut()
			return err
		}
		if show && sum.total%1024 == 0 && time.Since(lastShown) > 200*time.Millisecond {
			lastShown = time.Now()
			fmt.Fprintf(stderr, "\r%d lines, %.0f/s", sum.total, float64(sum.total)/time.Since(start).Seconds())
		}
	}
	if err := enc.flush(); err != nil {
		closeOut()
		return err
	}
	if err := closeOut(); err != nil {
		return err
	}
	if show {
		fmt.Fprint(stderr, "\r\033[K")
	}
	sum.print(stderr, time.Since(start))
	return *readErr
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

// readInputs yields the addresses to look up: whole lines (blank lines and
// # comments skipped), or one column of a CSV. A read error stops the
// sequence and is left in *err.
func readInputs(r io.Reader, column string) (iter.Seq[string], *error) {
	var readErr error
	if column == "" {
		return func(yield func(string) bool) {
			sc := bufio.NewScanner(r)
			sc.Buffer(make([]byte, 64*1024), maxLine)
			for sc.Scan() {
				line := strings.TrimSpace(sc.Text())
				if line == "" || strings.HasPrefix(line, "#") {
					continue
				}
				if !yield(line) {
					return
				}
			}
			readErr = sc.Err()
		}, &readErr
	}
	return func(yield func(string) bool) {
		cr := csv.NewReader(bufio.NewReader(r))
		cr.FieldsPerRecord = -1
		cr.ReuseRecord = true
		idx, err := strconv.Atoi(column)
		idx-- // 1-based on the command line
		if err != nil {
			header, err := cr.Read()
			if err != nil {
				readErr = fmt.Errorf("reading the CSV header: %w", err)
				return
			}
			idx = -1
			for i, h := range header {
				if strings.EqualFold(strings.TrimSpace(h), column) {
					idx = i
				}
			}
			if idx < 0 {
				readErr = fmt.Errorf("-column %q: no such column in the header", column)
				return
			}
		} else if idx < 0 {
			readErr = fmt.Errorf("-column %q: columns are numbered from 1", column)
			return
		}
		for {
			rec, err := cr.Read()
			if err == io.EOF {
				return
			}
			if err != nil {
				readErr = err
				return
			}
			v := ""
			if idx < len(rec) {
				v = rec[idx]
			}
			if !yield(v) {
				return
			}
		}
	}, &readErr
}

// queue remembers the inputs handed to LookupSeq, which answers in input
// order, so each answer can be written with its input. It holds at most a
// window of inputs.
type queue struct{ items []string }

func (q *queue) tee(seq iter.Seq[string]) iter.Seq[string] {
	return func(yield func(string) bool) {
		for s := range seq {
			q.items = append(q.items, s)
			if !yield(s) {
				return
			}
		}
	}
}

func (q *queue) pop() string {
	if len(q.items) == 0 {
		return ""
	}
	s := q.items[0]
	q.items = q.items[1:]
	if len(q.items) == 0 {
		q.items = q.items[:0:0] // let the backing array go
	}
	return s
}

// encoder writes one output row per input.
type encoder struct {
	jsonl *json.Encoder
	csv   *csv.Writer
	bw    *bufio.Writer
	row   []string
}

var csvHeader = []string{"input", "ip", "found", "country_code", "country_name", "region", "city", "asn", "organization",
	"cidr", "connection_type", "is_vpn", "is_proxy", "is_tor", "is_relay", "is_hosting", "is_residential_proxy",
	"monitoring", "provider", "risk_score", "risk_level", "recommendation", "reasons", "error"}

func newEncoder(format string, w io.Writer) *encoder {
	bw := bufio.NewWriterSize(w, 64*1024)
	if format == "csv" {
		e := &encoder{csv: csv.NewWriter(bw), bw: bw}
		e.csv.Write(csvHeader)
		return e
	}
	return &encoder{jsonl: json.NewEncoder(bw), bw: bw}
}

func (e *encoder) write(input string, r *ipintel.Result, lerr error) error {
	if e.jsonl != nil {
		if lerr != nil {
			return e.jsonl.Encode(struct {
				Input string `json:"input"`
				Error string `json:"error"`
			}{input, lerr.Error()})
		}
		return e.jsonl.Encode(r)
	}
	e.row = e.row[:0]
	if lerr != nil {
		e.row = append(e.row, input)
		for range len(csvHeader) - 2 {
			e.row = append(e.row, "")
		}
		return e.csv.Write(append(e.row, lerr.Error()))
	}
	var g ipintel.Geo
	if r.Geo != nil {
		g = *r.Geo
	}
	var n ipintel.Network
	if r.Network != nil {
		n = *r.Network
	}
	codes := make([]string, len(r.Risk.Reasons))
	for i, rs := range r.Risk.Reasons {
		codes[i] = rs.Code
	}
	p := r.Privacy
	b := strconv.FormatBool
	e.row = append(e.row, input, r.Query.IP.String(), b(r.Meta.Found), g.CountryCode, g.CountryName, g.Region, g.City,
		n.ASN.String(), n.Organization, prefixString(n), n.ConnectionType, b(p.IsVPN), b(p.IsProxy), b(p.IsTor),
		b(p.IsRelay), b(p.IsHosting), b(p.IsResidentialProxy), r.Monitoring.Provider, p.Provider,
		strconv.Itoa(r.Risk.Score), string(r.Risk.Level), string(r.Risk.Recommendation), strings.Join(codes, ";"), "")
	return e.csv.Write(e.row)
}

func prefixString(n ipintel.Network) string {
	if !n.CIDR.IsValid() {
		return ""
	}
	return n.CIDR.String()
}

func (e *encoder) flush() error {
	if e.csv != nil {
		e.csv.Flush()
		if err := e.csv.Error(); err != nil {
			return err
		}
	}
	return e.bw.Flush()
}

// summary counts what the run saw.
type summary struct {
	total, invalid, found, notFound int
	byRec                           map[ipintel.Recommendation]int
}

func (s *summary) add(r *ipintel.Result, err error) {
	s.total++
	switch {
	case err != nil:
		s.invalid++
	case r.Meta.Found:
		s.found++
	default:
		s.notFound++
	}
	if r != nil {
		if s.byRec == nil {
			s.byRec = map[ipintel.Recommendation]int{}
		}
		s.byRec[r.Risk.Recommendation]++
	}
}

func (s *summary) print(w io.Writer, elapsed time.Duration) {
	rate := float64(s.total) / max(elapsed.Seconds(), 1e-9)
	fmt.Fprintf(w, "%d lines in %v (%.0f/s): %d found, %d not found, %d invalid; allow %d, verify %d, block %d\n",
		s.total, elapsed.Round(time.Millisecond), rate, s.found, s.notFound, s.invalid,
		s.byRec[ipintel.Allow], s.byRec[ipintel.Verify], s.byRec[ipintel.Block])
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
