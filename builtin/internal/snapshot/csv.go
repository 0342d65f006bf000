package snapshot

import (
	"bufio"
	"cmp"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"slices"
	"strconv"
	"strings"
)

// Range is one row of an upstream file: the inclusive range Start..End and
// the row's value, an index into the table the parser was given.
type Range struct {
	Start, End U128
	Value      int
}

// Dict interns values in first-seen order; index 0 is reserved for "none".
type Dict[T comparable] struct {
	index  map[T]int
	Values []T
}

// NewDict returns an empty dictionary whose index 0 is zero.
func NewDict[T comparable]() *Dict[T] {
	var zero T
	return &Dict[T]{index: map[T]int{zero: 0}, Values: []T{zero}}
}

// Add returns v's index, adding it if new.
func (d *Dict[T]) Add(v T) int {
	if i, ok := d.index[v]; ok {
		return i
	}
	d.index[v] = len(d.Values)
	d.Values = append(d.Values, v)
	return len(d.Values) - 1
}

// maxLine bounds one CSV line of upstream data.
const maxLine = 4096

// ParseCountryCSV reads ip-location-db's "first,last,CC" form (text
// addresses, the *-ipv4.csv and *-ipv6.csv files) for one family (v6
// false: IPv4). Country codes are interned in dict.
func ParseCountryCSV(r io.Reader, v6 bool, dict *Dict[string]) ([]Range, error) {
	return parse(r, v6, 3, func(rec []string) (int, error) {
		cc := rec[2]
		if !validCountry(cc) {
			return 0, fmt.Errorf("country %q", cc)
		}
		return dict.Add(cc), nil
	})
}

// ParseASNCSV reads ip-location-db's "first,last,ASN,organisation" form.
// Networks are interned in dict.
func ParseASNCSV(r io.Reader, v6 bool, dict *Dict[Network]) ([]Range, error) {
	return parse(r, v6, 4, func(rec []string) (int, error) {
		asn, err := strconv.ParseUint(rec[2], 10, 32)
		if err != nil || asn == 0 {
			return 0, fmt.Errorf("AS number %q", rec[2])
		}
		org := strings.TrimSpace(rec[3])
		if len(org) > 255 {
			org = org[:255]
		}
		return dict.Add(Network{ASN: uint32(asn), Org: org}), nil
	})
}

func parse(r io.Reader, v6 bool, fields int, value func([]string) (int, error)) ([]Range, error) {
	cr := csv.NewReader(bufio.NewReader(io.LimitReader(r, 1<<30)))
	cr.FieldsPerRecord = fields
	cr.ReuseRecord = true
	var out []Range
	for line := 1; ; line++ {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrBadInput, err)
		}
		if len(rec[0])+len(rec[1])+len(rec[fields-1]) > maxLine {
			return nil, fmt.Errorf("%w: line %d too long", ErrBadInput, line)
		}
		start, err1 := parseAddr(rec[0], v6)
		end, err2 := parseAddr(rec[1], v6)
		v, err3 := value(rec)
		if err := cmp.Or(err1, err2, err3); err != nil { // the first, on one line
			return nil, fmt.Errorf("%w: line %d: %v", ErrBadInput, line, err)
		}
		if end.Less(start) {
			return nil, fmt.Errorf("%w: line %d: range ends before it starts", ErrBadInput, line)
		}
		out = appendRange(out, Range{Start: start, End: end, Value: v})
	}
}

func parseAddr(s string, v6 bool) (U128, error) {
	a, err := netip.ParseAddr(s)
	if err != nil || a.Zone() != "" || a.Is6() != v6 || (v6 && a.Is4In6()) {
		return U128{}, fmt.Errorf("address %q", s)
	}
	return FromAddr(a), nil
}

// appendRange adds r to out, which is sorted and disjoint, and keeps it so.
// Upstream files are sorted by start but may overlap: asn-ipv4 has a DoD
// row that starts inside a wider one, and geo-whois-asn-country nests
// narrower rows inside wider ones. The rule is that a later row wins where
// it overlaps earlier ones; what an earlier row covered beyond the later
// one's end is kept.
func appendRange(out []Range, r Range) []Range {
	// Set aside the ranges that start after r: the rest of a wider row a
	// narrower one was cut out of.
	k := len(out)
	for k > 0 && r.Start.Less(out[k-1].Start) {
		k--
	}
	tail := slices.Clone(out[k:])
	out = out[:k]
	if n := len(out); n > 0 && !out[n-1].End.Less(r.Start) {
		prev := out[n-1]
		out = out[:n-1]
		if prev.Start.Less(r.Start) {
			cut := prev
			cut.End = r.Start.Prev()
			out = append(out, cut)
		}
		if r.End.Less(prev.End) {
			rest := prev
			rest.Start, _ = r.End.next()
			tail = append([]Range{rest}, tail...)
		}
	}
	out = append(out, r)
	for _, t := range tail {
		if !r.End.Less(t.End) {
			continue // wholly under r
		}
		if !r.End.Less(t.Start) {
			t.Start, _ = r.End.next()
		}
		out = append(out, t)
	}
	return out
}
