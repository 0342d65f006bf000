package batch

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"iter"
	"net/netip"
	"strconv"
	"strings"
	"sync"
)

// maxLine bounds one input line; longer lines are an error, not a hang.
const maxLine = 1 << 20

// row is one input: the address text and, for CSV input, the whole record
// with the header it belongs to.
type row struct {
	addr   string
	fields []string // the CSV record; nil for line input
	header []string // the CSV header, shared by every row; nil without one
}

// reader reads the input as lines or as CSV records.
type reader struct {
	column string // "" for lines
	index  int    // the 1-based column number, or 0 for a named column
	header bool   // the first CSV row is a header
}

func newReader(column string, header bool) (*reader, error) {
	rd := &reader{column: column, header: header}
	if column == "" {
		return rd, nil
	}
	n, err := strconv.Atoi(column)
	switch {
	case err != nil:
		rd.header = true // a name needs a header
	case n < 1:
		return nil, fmt.Errorf("-column %q: columns are numbered from 1", column)
	default:
		rd.index = n
	}
	return rd, nil
}

// rows yields the inputs; a non-nil error ends the sequence. warn gets a
// note when a numeric -column without -header looks like it starts with a
// header.
func (rd *reader) rows(r io.Reader, warn io.Writer) iter.Seq2[row, error] {
	if rd.column == "" {
		return func(yield func(row, error) bool) {
			sc := bufio.NewScanner(r)
			sc.Buffer(make([]byte, 64*1024), maxLine)
			for sc.Scan() {
				addr, ok := parseLine(sc.Text())
				if ok && !yield(row{addr: addr}, nil) {
					return
				}
			}
			if err := sc.Err(); err != nil {
				yield(row{}, err)
			}
		}
	}
	return func(yield func(row, error) bool) {
		cr := csv.NewReader(bufio.NewReaderSize(r, 64*1024))
		cr.FieldsPerRecord = -1
		var header []string
		idx := rd.index - 1
		if rd.header {
			h, err := cr.Read()
			if err != nil {
				if errors.Is(err, io.EOF) {
					err = errors.New("the CSV is empty: no header")
				}
				yield(row{}, fmt.Errorf("reading the CSV header: %w", err))
				return
			}
			header = h
			if rd.index == 0 {
				if idx = columnIndex(header, rd.column); idx < 0 {
					yield(row{}, fmt.Errorf("-column %q: no such column in the header", rd.column))
					return
				}
			}
		}
		first := true
		for {
			rec, err := cr.Read()
			if err == io.EOF {
				return
			}
			if err != nil {
				yield(row{}, err)
				return
			}
			v := ""
			if idx < len(rec) {
				v = rec[idx]
			}
			if first && header == nil && v != "" && !looksLikeAddr(v) {
				fmt.Fprintf(warn, "batch: the first row's column %d is %q, not an address: if it is a header, pass -header\n", idx+1, v)
			}
			first = false
			if !yield(row{addr: v, fields: rec, header: header}, nil) {
				return
			}
		}
	}
}

// parseLine returns a line's address: the line trimmed, unless it is blank
// or a # comment.
func parseLine(line string) (string, bool) {
	line = strings.TrimSpace(strings.TrimPrefix(line, "\ufeff"))
	if line == "" || strings.HasPrefix(line, "#") {
		return "", false
	}
	return line, true
}

// columnIndex finds a header name, ignoring case and surrounding spaces.
func columnIndex(header []string, name string) int {
	for i, h := range header {
		h = strings.TrimPrefix(h, "\ufeff")
		if strings.EqualFold(strings.TrimSpace(h), strings.TrimSpace(name)) {
			return i
		}
	}
	return -1
}

func looksLikeAddr(s string) bool {
	_, err := netip.ParseAddr(strings.TrimSpace(s))
	return err == nil
}

// queue remembers the rows handed to LookupSeq, which answers in input
// order, so each answer is written with its row. LookupSeq reads its input
// on a goroutine of its own, hence the mutex. It holds at most the rows
// LookupSeq has read ahead (two windows).
type queue struct {
	mu    sync.Mutex
	items []row
	err   error // the input's read error
}

// feed yields the rows' addresses to LookupSeq, remembering each row.
func (q *queue) feed(rows iter.Seq2[row, error]) iter.Seq[string] {
	return func(yield func(string) bool) {
		for r, err := range rows {
			if err != nil {
				q.mu.Lock()
				q.err = err
				q.mu.Unlock()
				return
			}
			q.mu.Lock()
			q.items = append(q.items, r)
			q.mu.Unlock()
			if !yield(r.addr) {
				return
			}
		}
	}
}

// pop returns the oldest row and whether it was the last one read so far:
// then the input is idle (a live pipe waiting for its next line) and the
// output should be flushed so the answers appear now.
func (q *queue) pop() (r row, last bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if len(q.items) == 0 {
		return row{}, true
	}
	r = q.items[0]
	q.items[0] = row{}
	q.items = q.items[1:]
	if len(q.items) == 0 {
		q.items = q.items[:0:0] // let the backing array go
		return r, true
	}
	return r, false
}

func (q *queue) readErr() error {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.err
}
