package export

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"iter"
	"net/netip"
	"slices"
	"sort"
	"time"
	"unsafe"

	"github.com/ipintel/ipintel"
	"github.com/ipintel/ipintel/internal/uint128"
	"github.com/ipintel/ipintel/source"
)

// Errors, checked with errors.Is: ErrNotEnumerable is this package's own;
// a source that lists a record without a valid prefix is an error wrapping
// [source.ErrMalformed], a database type WriteMMDB does not write one
// wrapping [source.ErrInvalidOption].
var (
	// ErrNotEnumerable: a source of the Client cannot list its data (a
	// hosted API, or a source without [source.Enumerator]), so the export
	// could not equal the Client's lookups. [WithPartial] exports without
	// such sources.
	ErrNotEnumerable = errors.New("export: source cannot list its data")
)

// errBadEnumeration: a source listed a record without a valid prefix.
var errBadEnumeration = fmt.Errorf("export: %w: a source listed an invalid record", source.ErrMalformed)

// Option configures [Build], which applies the options in order; one that
// cannot be used is an error wrapping [source.ErrInvalidOption].
type Option func(*config) error

type config struct {
	partial  bool
	progress func(Progress)
}

// WithPartial exports what the enumerable sources know and skips the
// others (hosted APIs) instead of failing with [ErrNotEnumerable]; the
// skipped sources are listed by [Table.Skipped]. The export then equals
// lookups of a Client without those sources.
func WithPartial() Option {
	return func(c *config) error {
		c.partial = true
		return nil
	}
}

// WithProgress calls f as the build advances: once per source listed and
// every few hundred thousand ranges merged. f is called from the goroutine
// that called Build.
func WithProgress(f func(Progress)) Option {
	return func(c *config) error {
		if f == nil {
			return fmt.Errorf("export: %w: WithProgress(nil)", source.ErrInvalidOption)
		}
		c.progress = f
		return nil
	}
}

// Progress is a step of [Build] or of a writer.
type Progress struct {
	Stage  string // "list", "merge", "write"
	Source string // the source being listed, for "list"
	Count  int    // prefixes listed, ranges merged or prefixes written so far
	Done   bool   // the stage (or the source's listing) is complete
}

// Table is the merged data of a Client: disjoint ranges of addresses, each
// with the [Entry] Client.Lookup answers for every address in it. Adjacent
// ranges have different entries. It is immutable and safe for concurrent
// use.
type Table struct {
	r4, r6   []ival
	entries  []Entry // entries[0] is unused: "no data"
	sources  []string
	skipped  []string
	datasets []source.Dataset
	built    time.Time
}

// ival is a range first..last of one family whose addresses get entry or
// record v.
type ival struct {
	lo, hi u128
	v      uint32
}

// miss marks a listed prefix whose source knows nothing there (it hides a
// shorter prefix's record).
const miss = ^uint32(0)

// Build lists every source of c that implements [source.Enumerator] and
// merges them into disjoint ranges whose entries are exactly what c.Lookup
// answers: each distinct combination of the sources' records is merged by
// [ipintel.Client.Merge], the Client's own merge and Scorer. Special-purpose
// addresses, which Lookup refuses, are left out.
//
// A source that cannot list its data fails the build with
// [ErrNotEnumerable] unless [WithPartial] is given. Build honours ctx
// between records.
func Build(ctx context.Context, c *ipintel.Client, opts ...Option) (*Table, error) {
	var cfg config
	for _, o := range opts {
		if o == nil {
			continue
		}
		if err := o(&cfg); err != nil {
			return nil, err
		}
	}
	progress := func(p Progress) {
		if cfg.progress != nil {
			cfg.progress(p)
		}
	}
	srcs := c.Sources()
	t := &Table{built: time.Now(), entries: make([]Entry, 1)}
	var lists []*listed
	for i, s := range srcs {
		en, ok := s.(source.Enumerator)
		if !ok {
			if !cfg.partial {
				return nil, fmt.Errorf("%w: %q (%T)", ErrNotEnumerable, s.Name(), s)
			}
			t.skipped = append(t.skipped, s.Name())
			continue
		}
		l, err := list(ctx, en, s.Name(), progress)
		if err != nil {
			return nil, err
		}
		l.index = i
		lists = append(lists, l)
		t.sources = append(t.sources, s.Name())
		if dr, ok := s.(source.DatasetReporter); ok {
			t.datasets = append(t.datasets, dr.Datasets()...)
		}
	}
	m := merger{ctx: ctx, c: c, t: t, lists: lists, recs: make([]source.Record, len(srcs)),
		ids: map[string]uint32{}, entryIDs: map[Entry]uint32{}, progress: progress}
	var err error
	if t.r4, err = m.sweep(v4, 0); err != nil {
		return nil, err
	}
	if t.r6, err = m.sweep(v6, 1); err != nil {
		return nil, err
	}
	progress(Progress{Stage: "merge", Count: t.Len(), Done: true})
	return t, nil
}

// listed is one source's data: disjoint ranges per family, each naming one
// of the source's distinct records.
type listed struct {
	index int // in Client.Sources()
	fam   [2][]ival
	recs  []source.Record
}

// item is one listed prefix.
type item struct {
	first u128
	bits  uint8
	v     uint32
}

// recKey identifies a record by its shared parts: records a source yields
// with the same pointers are the same record.
type recKey struct {
	geo  *source.Geo
	net  *source.Network
	sigs *source.Signal
	n    int
}

// list reads one source's enumeration and flattens it.
func list(ctx context.Context, en source.Enumerator, name string, progress func(Progress)) (*listed, error) {
	l := &listed{}
	fams := [2]*lister{{fam: v4, sorted: true}, {fam: v6, sorted: true}}
	ids := map[recKey]uint32{}
	n := 0
	for rec, err := range en.Enumerate(ctx) {
		if err != nil {
			return nil, fmt.Errorf("export: listing %s: %w", name, err)
		}
		p := rec.Prefix
		if !p.IsValid() || p.Addr().Zone() != "" {
			return nil, fmt.Errorf("%w: %s listed a record without a valid prefix", errBadEnumeration, name)
		}
		if a := p.Addr(); a.Is4In6() && p.Bits() >= 96 {
			p = netip.PrefixFrom(a.Unmap(), p.Bits()-96)
		}
		p = p.Masked()
		v := miss
		if rec.Geo != nil || rec.Network != nil || len(rec.Signals) > 0 {
			k := recKey{rec.Geo, rec.Network, unsafe.SliceData(rec.Signals), len(rec.Signals)}
			id, ok := ids[k]
			if !ok {
				id = uint32(len(l.recs))
				ids[k] = id
				rec.Prefix = netip.Prefix{}
				l.recs = append(l.recs, rec)
			}
			v = id
		}
		f := 0
		if p.Addr().Is6() {
			f = 1
		}
		fams[f].add(p, v)
		if n++; n%(1<<18) == 0 {
			progress(Progress{Stage: "list", Source: name, Count: n})
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	progress(Progress{Stage: "list", Source: name, Count: n, Done: true})
	l.fam[0] = fams[0].ranges()
	fams[0] = nil
	l.fam[1] = fams[1].ranges()
	return l, nil
}

// lister collects one family's listed prefixes. While they come in
// address order without overlapping (builtin and MMDB listings do), it
// keeps them as ranges, adjacent prefixes of one record joined, and the
// ranges are the answer; at the first prefix that overlaps or comes back
// in order, it turns them into prefixes again and flattens them all at
// the end.
type lister struct {
	fam    family
	sorted bool
	last   u128 // the last address listed so far, while sorted
	rs     []ival
	items  []item
}

func (l *lister) add(p netip.Prefix, v uint32) {
	lo := uint128.FromAddr(p.Addr())
	if l.sorted {
		if len(l.rs) == 0 || l.last.Less(lo) {
			hi := l.fam.lastOf(lo, p.Bits())
			if len(l.rs) == cap(l.rs) {
				l.rs = slices.Grow(l.rs, max(len(l.rs), 1024))
			}
			l.rs = appendRange(l.rs, l.fam, ival{lo, hi, v})
			l.last = hi
			return
		}
		l.sorted = false
		var buf []netip.Prefix
		for _, r := range l.rs {
			buf = appendPrefixes(buf[:0], l.fam, r)
			for _, q := range buf {
				l.push(item{first: uint128.FromAddr(q.Addr()), bits: uint8(q.Bits()), v: r.v})
			}
		}
		l.rs = nil
	}
	l.push(item{first: lo, bits: uint8(p.Bits()), v: v})
}

func (l *lister) push(it item) {
	if len(l.items) == cap(l.items) {
		// Double: append grows large slices by a quarter, copying a
		// listing of millions of prefixes many times over.
		l.items = slices.Grow(l.items, max(len(l.items), 1024))
	}
	l.items = append(l.items, it)
}

// ranges returns the disjoint ranges with a record, in order.
func (l *lister) ranges() []ival {
	if !l.sorted {
		return flatten(l.items, l.fam)
	}
	out := l.rs[:0]
	for _, r := range l.rs {
		if r.v != miss {
			out = append(out, r)
		}
	}
	return slices.Clip(out)
}

// flatten turns nested prefixes (the longest wins) into disjoint ranges in
// address order, adjacent ranges of one record joined.
func flatten(items []item, fam family) []ival {
	slices.SortFunc(items, func(a, b item) int {
		if c := a.first.Cmp(b.first); c != 0 {
			return c
		}
		return int(a.bits) - int(b.bits)
	})
	out := make([]ival, 0, len(items))
	emit := func(lo, hi u128, v uint32) {
		if v != miss {
			out = appendRange(out, fam, ival{lo, hi, v})
		}
	}
	type open struct {
		last u128
		v    uint32
	}
	var stack []open
	var cur u128 // the first address not yet emitted, if more
	more := true
	pop := func() {
		top := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		// Whatever of top its children left over, past the last of them.
		if more && !top.last.Less(cur) {
			emit(cur, top.last, top.v)
			cur, more = fam.inc(top.last)
		}
	}
	for _, it := range items {
		for len(stack) > 0 && stack[len(stack)-1].last.Less(it.first) {
			pop()
		}
		if len(stack) > 0 && more && cur.Less(it.first) {
			emit(cur, it.first.Dec(), stack[len(stack)-1].v)
		}
		stack = append(stack, open{fam.lastOf(it.first, int(it.bits)), it.v})
		cur, more = it.first, true
	}
	for len(stack) > 0 {
		pop()
	}
	return out
}

// appendRange appends r to rs, joining it to the last range when they touch
// and have the same value.
func appendRange(rs []ival, fam family, r ival) []ival {
	if k := len(rs) - 1; k >= 0 && rs[k].v == r.v {
		if n, ok := fam.inc(rs[k].hi); ok && n == r.lo {
			rs[k].hi = r.hi
			return rs
		}
	}
	return append(rs, r)
}

// merger sweeps the sources' ranges of one family together.
type merger struct {
	ctx      context.Context
	c        *ipintel.Client
	t        *Table
	lists    []*listed
	recs     []source.Record // by Client source index, reused
	key      []byte
	ids      map[string]uint32 // records combination → entry
	entryIDs map[Entry]uint32
	progress func(Progress)
}

func (m *merger) sweep(fam family, f int) ([]ival, error) {
	res := reservedRanges(fam)
	n := len(m.lists)
	ls := make([][]ival, n+1)
	for j, l := range m.lists {
		ls[j] = l.fam[f]
	}
	ls[n] = res // last: the ranges left out
	cur := make([]int, n+1)
	size := 0
	for _, l := range ls {
		size = max(size, len(l))
	}
	out := make([]ival, 0, size+size/8)
	var pos u128
	for steps := 1; ; steps++ {
		if steps%(1<<16) == 0 {
			if err := m.ctx.Err(); err != nil {
				return nil, err
			}
			if steps%(1<<18) == 0 {
				m.progress(Progress{Stage: "merge", Count: len(m.t.r4) + len(out)})
			}
		}
		end, pending, active, left := fam.max, false, false, false
		for j, l := range ls {
			c := cur[j]
			for c < len(l) && l[c].hi.Less(pos) {
				c++
			}
			cur[j] = c
			if c == len(l) {
				continue
			}
			pending = true
			if l[c].lo.Less(pos) || l[c].lo == pos {
				if j == n {
					left = true
				} else {
					active = true
				}
				if l[c].hi.Less(end) {
					end = l[c].hi
				}
			} else if p := l[c].lo.Dec(); p.Less(end) {
				end = p
			}
		}
		if !pending {
			break
		}
		if active && !left {
			v, err := m.value(fam, pos, ls[:n], cur)
			if err != nil {
				return nil, err
			}
			if v != 0 {
				out = appendRange(out, fam, ival{pos, end, v})
			}
		}
		var ok bool
		if pos, ok = fam.inc(end); !ok {
			break
		}
	}
	return out, nil
}

// value returns the entry for the records active at pos: merged by the
// Client once per distinct combination.
func (m *merger) value(fam family, pos u128, ls [][]ival, cur []int) (uint32, error) {
	m.key = m.key[:0]
	for j, l := range ls {
		v := miss
		if c := cur[j]; c < len(l) && !pos.Less(l[c].lo) {
			v = l[c].v
		}
		m.key = binary.LittleEndian.AppendUint32(m.key, v)
	}
	if id, ok := m.ids[string(m.key)]; ok {
		return id, nil
	}
	clear(m.recs)
	for j, l := range m.lists {
		if v := binary.LittleEndian.Uint32(m.key[4*j:]); v != miss {
			m.recs[l.index] = l.recs[v]
		}
	}
	r, err := m.c.Merge(fam.addr(pos), m.recs)
	if err != nil {
		return 0, err
	}
	var id uint32
	if r.Meta.Found {
		e := entryOf(r)
		var ok bool
		if id, ok = m.entryIDs[e]; !ok {
			id = uint32(len(m.t.entries))
			if len(m.t.entries) == cap(m.t.entries) {
				m.t.entries = slices.Grow(m.t.entries, len(m.t.entries))
			}
			m.t.entries = append(m.t.entries, e)
			m.entryIDs[e] = id
		}
	}
	m.ids[string(m.key)] = id
	return id, nil
}

// reservedRanges returns the left-out networks of one family as ranges.
func reservedRanges(fam family) []ival {
	var items []item
	for _, p := range reserved {
		if p.Addr().Is6() == fam.is6 {
			items = append(items, item{first: uint128.FromAddr(p.Addr()), bits: uint8(p.Bits()), v: 0})
		}
	}
	return flatten(items, fam)
}

// Len returns the number of ranges.
func (t *Table) Len() int { return len(t.r4) + len(t.r6) }

// Entries returns the number of distinct entries.
func (t *Table) Entries() int { return len(t.entries) - 1 }

// Sources names the sources the table was built from, in priority order.
func (t *Table) Sources() []string { return slices.Clone(t.sources) }

// Skipped names the sources left out by [WithPartial].
func (t *Table) Skipped() []string { return slices.Clone(t.skipped) }

// Datasets reports the data of the sources that say what they answer from
// ([source.DatasetReporter]), with their licences and attributions.
func (t *Table) Datasets() []source.Dataset { return slices.Clone(t.datasets) }

// Lookup returns the entry for addr, as the exported files hold it, and
// false where they hold nothing.
func (t *Table) Lookup(addr netip.Addr) (Entry, bool) {
	addr = addr.Unmap()
	rs := t.r4
	if addr.Is6() {
		rs = t.r6
	}
	a := uint128.FromAddr(addr)
	i := sort.Search(len(rs), func(i int) bool { return !rs[i].hi.Less(a) })
	if i == len(rs) || a.Less(rs[i].lo) {
		return Entry{}, false
	}
	return t.entries[rs[i].v], true
}

// Prefixes yields the prefixes of every range (the fewest that cover it
// exactly) with the range's entry: IPv4 first, in address order. The
// entries are shared and must not be modified.
func (t *Table) Prefixes() iter.Seq2[netip.Prefix, *Entry] {
	return t.prefixes(func(*Entry) bool { return true })
}

// prefixes yields the prefixes of every range whose entry keep accepts.
func (t *Table) prefixes(keep func(*Entry) bool) iter.Seq2[netip.Prefix, *Entry] {
	return func(yield func(netip.Prefix, *Entry) bool) {
		var buf []netip.Prefix
		for f, rs := range [2][]ival{t.r4, t.r6} {
			fam := v4
			if f == 1 {
				fam = v6
			}
			for _, r := range rs {
				e := &t.entries[r.v]
				if !keep(e) {
					continue
				}
				buf = appendPrefixes(buf[:0], fam, r)
				for _, p := range buf {
					if !yield(p, e) {
						return
					}
				}
			}
		}
	}
}
