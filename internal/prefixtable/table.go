package prefixtable

import (
	"cmp"
	"encoding/binary"
	"fmt"
	"iter"
	"net/netip"
	"slices"

	"github.com/gaissmai/bart"
	"github.com/ipintel/ipintel/internal/oneline"
	"github.com/ipintel/ipintel/source"
)

// errTooLarge (wrapping [source.ErrTooLarge]) is returned by [Builder.Table]
// when the table would hold more than 2³² − 1 value lists or values, or more
// than 64 values per prefix on average counting the values each prefix
// inherits from those covering it.
var errTooLarge = fmt.Errorf("cidr: table %w", source.ErrTooLarge)

// maxErrors is how many invalid inputs a Builder keeps; the rest are counted.
const maxErrors = 10

// Builder collects prefixes and their values and freezes them into a
// [Table]. The zero Builder is ready to use. A Builder is not safe for
// concurrent use; the Table it builds is.
//
// Invalid input does not stop the build: Add and AddRange skip it and
// remember the error, and [Builder.Table] reports them all at once, as
// netipx.IPSetBuilder does.
type Builder[V comparable] struct {
	entries []entry[V]
	errs    []error
	nerrs   int

	// Set by tests: indexMatches takes the matches-table path whatever the
	// number of groups; onWalked receives how many inherited values a
	// build listed.
	indexMatches bool
	onWalked     func(int)
}

// entry is one added pair, kept without pointers (a netip.Prefix holds
// one) so that a million of them cost the garbage collector nothing to scan.
type entry[V comparable] struct {
	hi, lo uint64 // the masked address, 16 bytes big-endian
	seq    uint32 // insertion order, to keep a prefix's values in order
	bits   uint8
	is6    bool
	v      V
}

func (e *entry[V]) prefix() netip.Prefix {
	var b [16]byte
	binary.BigEndian.PutUint64(b[:8], e.hi)
	binary.BigEndian.PutUint64(b[8:], e.lo)
	a := netip.AddrFrom16(b)
	if !e.is6 {
		a = a.Unmap()
	}
	return netip.PrefixFrom(a, int(e.bits))
}

// contains reports whether e's prefix contains o's (e is the shorter one or
// equal, both of the same family).
func (e *entry[V]) contains(o *entry[V]) bool {
	if e.is6 != o.is6 || e.bits > o.bits {
		return false
	}
	bits := uint(e.bits)
	if !e.is6 {
		bits += 96
	}
	switch {
	case bits == 0:
		return true
	case bits <= 64:
		return (e.hi^o.hi)>>(64-bits) == 0
	case e.hi != o.hi:
		return false
	case bits == 128:
		return e.lo == o.lo
	}
	return (e.lo^o.lo)>>(128-bits) == 0
}

func compareEntries[V comparable](x, y entry[V]) int {
	switch {
	case x.is6 != y.is6:
		if y.is6 {
			return -1
		}
		return 1
	case x.hi != y.hi:
		return cmp.Compare(x.hi, y.hi)
	case x.lo != y.lo:
		return cmp.Compare(x.lo, y.lo)
	case x.bits != y.bits:
		return cmp.Compare(x.bits, y.bits)
	}
	return cmp.Compare(x.seq, y.seq)
}

// Add records that p carries v. Host bits are cleared; an IPv4-mapped
// IPv6 prefix of length /96 or longer is stored as the IPv4 prefix it
// maps. The same value added twice for one prefix is kept once.
func (b *Builder[V]) Add(p netip.Prefix, v V) {
	q, ok := Normalize(p)
	if !ok {
		b.fail(fmt.Errorf("%w: %v", ErrInvalidPrefix, p))
		return
	}
	q = q.Masked()
	a := q.Addr().As16()
	b.entries = append(b.entries, entry[V]{
		hi:   binary.BigEndian.Uint64(a[:8]),
		lo:   binary.BigEndian.Uint64(a[8:]),
		seq:  uint32(len(b.entries)),
		bits: uint8(q.Bits()),
		is6:  q.Addr().Is6(),
		v:    v,
	})
}

// AddRange records that every address from from to to inclusive carries v,
// as the fewest prefixes that cover the range exactly.
func (b *Builder[V]) AddRange(from, to netip.Addr, v V) {
	var buf [2 * 128]netip.Prefix
	ps, err := AppendRange(buf[:0], from, to)
	if err != nil {
		b.fail(fmt.Errorf("%w: %v-%v", err, from, to))
		return
	}
	for _, p := range ps {
		b.Add(p, v)
	}
}

func (b *Builder[V]) fail(err error) {
	b.nerrs++
	if len(b.errs) < maxErrors {
		b.errs = append(b.errs, err)
	}
}

// err joins the collected errors, noting how many were dropped.
func (b *Builder[V]) err() error {
	if b.nerrs == 0 {
		return nil
	}
	errs := slices.Clone(b.errs)
	if more := b.nerrs - len(b.errs); more > 0 {
		errs = append(errs, fmt.Errorf("cidr: and %d more invalid inputs", more))
	}
	return oneline.Join(errs...)
}

// Table freezes what was added into a Table. The Builder may be reused
// afterwards; later additions do not change the returned Table.
//
// When some inputs were invalid, Table returns the table of the valid ones
// together with the joined errors (the first ten and a count of the rest),
// so a caller may use the table and log the error. It returns a nil Table
// only with an error wrapping [source.ErrTooLarge].
func (b *Builder[V]) Table() (*Table[V], error) {
	// Sorting in place is safe for reuse: later additions get larger seq.
	es := b.entries
	slices.SortFunc(es, compareEntries[V])

	t := &Table[V]{tab: new(bart.Table[uint32])}
	f := freezer[V]{
		t:     t,
		nodes: []node[V]{{}}, // node 0: the empty list
		cons:  make(map[cons[V]]uint32),
		match: make(map[matchKey]uint32),
		open:  make(map[V]int32),
		// Rebuilding inherited lists costs their length; as materialize
		// does for storage, refuse more than maxValsPerPrefix per prefix
		// on average, before a hostile input burns minutes of CPU.
		budget: maxValsPerPrefix*len(es) + 1<<16,
	}
	if b.onWalked != nil {
		defer func() { b.onWalked(f.walked) }()
	}
	// stack holds the open ancestors of the current prefix, outermost first,
	// each with its own values at f.openVals[vals:]; f.open counts them, so
	// that it holds the values of the innermost ancestor's list.
	type open struct {
		e    *entry[V]
		node uint32
		vals int
	}
	var stack []open
	var own []V
	for i := 0; i < len(es); {
		start := i
		e := &es[start]
		j := i
		own = own[:0]
		for ; j < len(es) && es[j].hi == e.hi && es[j].lo == e.lo && es[j].bits == e.bits && es[j].is6 == e.is6; j++ {
			own = append(own, es[j].v)
		}
		i = j
		for len(stack) > 0 && !stack[len(stack)-1].e.contains(e) {
			top := stack[len(stack)-1]
			for _, v := range f.openVals[top.vals:] {
				if f.open[v]--; f.open[v] == 0 {
					delete(f.open, v) // the map holds the open values only
				}
			}
			f.openVals = f.openVals[:top.vals]
			stack = stack[:len(stack)-1]
		}
		p := e.prefix()
		parent := uint32(0)
		if len(stack) > 0 {
			parent = stack[len(stack)-1].node
		}
		n, kept, err := f.group(own, parent)
		if err != nil {
			return nil, oneline.Join(err, b.err())
		}
		m, err := f.matchOf(n, p.Bits())
		if err != nil {
			return nil, oneline.Join(err, b.err())
		}
		f.ins = append(f.ins, insertion{uint32(start), m})
		stack = append(stack, open{e, n, len(f.openVals)})
		for _, v := range kept {
			f.open[v]++
		}
		f.openVals = append(f.openVals, kept...)
	}
	if err := f.materialize(); err != nil {
		return nil, oneline.Join(err, b.err())
	}
	// With fewer than 2²⁴ groups the bart value holds the group and the
	// prefix length itself, saving a dependent load per lookup; otherwise it
	// indexes matches.
	direct := len(t.groups) < directGroups && !b.indexMatches
	for _, in := range f.ins {
		e := &es[in.entry]
		v := in.match
		if direct {
			mt := t.matches[in.match]
			v = mt.group<<8 | uint32(mt.bits)
		}
		t.tab.Insert(e.prefix(), v)
	}
	if direct {
		t.matches = nil
	}
	return t, b.err()
}

// directGroups is how many groups fit in a bart value beside the prefix
// length.
const directGroups = 1 << 24

// insertion is a prefix (by its first entry) and its match, put into the
// bart table once groups are numbered.
type insertion struct{ entry, match uint32 }

// freezer interns value lists while a Table is built. A list is a node: a
// value in front of a tail list, so that the lists of nested prefixes share
// their common tails and identical lists are one node. Only the lists a
// prefix ends on are written out as groups, at the end.
type freezer[V comparable] struct {
	t       *Table[V]
	nodes   []node[V]
	cons    map[cons[V]]uint32 // (value, tail node) → node
	match   map[matchKey]uint32
	seen    map[V]struct{}
	scratch []V
	ins     []insertion

	open     map[V]int32 // values of the open ancestors' lists, counted
	openVals []V
	walked   int // inherited values listed to rebuild a list
	budget   int // the most walked may reach
}

type node[V comparable] struct {
	v    V
	tail uint32
	n    uint32 // list length
}

type cons[V comparable] struct {
	v    V
	tail uint32
}

type matchKey struct {
	node uint32
	bits uint8
}

// list appends the values of node n to dst.
func (f *freezer[V]) list(dst []V, n uint32) []V {
	for n != 0 {
		dst = append(dst, f.nodes[n].v)
		n = f.nodes[n].tail
	}
	return dst
}

// group returns the node holding own, without duplicates and in order,
// followed by the values of the parent node that own does not repeat, and
// the values of own it kept. A value therefore sits at the position of the
// most specific prefix that carries it.
//
// Only when own repeats an inherited value (f.open says so without walking
// the parent's list) is the inherited list walked and rebuilt; otherwise
// the new node extends the parent's, whatever its length.
func (f *freezer[V]) group(own []V, parent uint32) (uint32, []V, error) {
	kept := own[:0]
	overlap := false
	if len(own) <= 32 {
		for _, v := range own {
			if !slices.Contains(kept, v) {
				kept = append(kept, v)
				overlap = overlap || f.open[v] > 0
			}
		}
	} else {
		if f.seen == nil {
			f.seen = make(map[V]struct{})
		}
		clear(f.seen)
		for _, v := range own {
			if _, dup := f.seen[v]; !dup {
				f.seen[v] = struct{}{}
				kept = append(kept, v)
				overlap = overlap || f.open[v] > 0
			}
		}
	}
	n := parent
	if overlap {
		// Rebuild the inherited tail without the values own moves forward.
		f.scratch = f.list(f.scratch[:0], parent)
		pv := f.scratch
		if f.walked += len(pv); f.walked > f.budget {
			return 0, nil, fmt.Errorf("%w: more than %d inherited values per prefix on average (many values on prefixes that cover many others)", errTooLarge, maxValsPerPrefix)
		}
		n = 0
		for i := len(pv) - 1; i >= 0; i-- {
			if !f.has(kept, pv[i]) {
				var err error
				if n, err = f.push(pv[i], n); err != nil {
					return 0, nil, err
				}
			}
		}
	}
	for i := len(kept) - 1; i >= 0; i-- {
		var err error
		if n, err = f.push(kept[i], n); err != nil {
			return 0, nil, err
		}
	}
	return n, kept, nil
}

// has reports whether v is in kept, using the seen set when group built it.
func (f *freezer[V]) has(kept []V, v V) bool {
	if len(kept) > 32 && f.seen != nil {
		_, ok := f.seen[v]
		return ok
	}
	return slices.Contains(kept, v)
}

// push returns the node holding v followed by the list of node tail.
func (f *freezer[V]) push(v V, tail uint32) (uint32, error) {
	k := cons[V]{v, tail}
	if id, ok := f.cons[k]; ok {
		return id, nil
	}
	if uint64(len(f.nodes)) >= maxIndex {
		return 0, errTooLarge
	}
	id := uint32(len(f.nodes))
	f.nodes = append(f.nodes, node[V]{v: v, tail: tail, n: f.nodes[tail].n + 1})
	f.cons[k] = id
	return id, nil
}

// materialize writes out the list of every node a match points at as a
// group, and renumbers the matches from nodes to groups.
//
// A list's tails are its suffixes, so lists are written longest first and a
// list that is a tail of one already written costs nothing: the groups of a
// prefix and of the prefixes covering it usually share storage.
func (f *freezer[V]) materialize() error {
	t := f.t
	groupOf := make(map[uint32]uint32)
	var live []uint32 // group-1 → node
	for i := range t.matches {
		n := t.matches[i].group
		g, ok := groupOf[n]
		if !ok {
			g = uint32(len(live) + 1)
			groupOf[n] = g
			live = append(live, n)
		}
		t.matches[i].group = g
	}
	order := slices.Clone(live)
	slices.SortStableFunc(order, func(a, b uint32) int { return cmp.Compare(f.nodes[b].n, f.nodes[a].n) })
	const unplaced = ^uint32(0)
	placed := make([]uint32, len(f.nodes))
	for i := range placed {
		placed[i] = unplaced
	}
	// Nested prefixes repeat their ancestors' values, so many values on
	// one prefix above many others with values of their own would take
	// quadratic space: refuse more than maxValsPerPrefix values per prefix
	// on average.
	limit := min(maxIndex, maxValsPerPrefix*uint64(len(f.ins))+1<<16)
	for _, n := range order {
		if placed[n] != unplaced {
			continue
		}
		if uint64(len(t.vals))+uint64(f.nodes[n].n) >= limit {
			return fmt.Errorf("%w: more than %d values per prefix on average (many values on prefixes that cover many others)", errTooLarge, maxValsPerPrefix)
		}
		for m := n; m != 0; m = f.nodes[m].tail {
			if placed[m] == unplaced {
				placed[m] = uint32(len(t.vals))
			}
			t.vals = append(t.vals, f.nodes[m].v)
		}
	}
	t.groups = make([]span, len(live)+1) // group 0: no values
	for i, n := range live {
		t.groups[i+1] = span{off: placed[n], n: f.nodes[n].n}
	}
	t.vals = slices.Clip(t.vals)
	t.matches = slices.Clip(t.matches)
	return nil
}

// matchOf returns the index of the (group, prefix length) pair a bart leaf
// points at.
func (f *freezer[V]) matchOf(g uint32, bits int) (uint32, error) {
	k := matchKey{g, uint8(bits)}
	if id, ok := f.match[k]; ok {
		return id, nil
	}
	if uint64(len(f.t.matches)) >= maxIndex {
		return 0, errTooLarge
	}
	id := uint32(len(f.t.matches))
	f.t.matches = append(f.t.matches, match{group: g, bits: uint8(bits)})
	f.match[k] = id
	return id, nil
}

const maxIndex uint64 = 1<<32 - 1

// maxValsPerPrefix bounds the average length of the value lists a table
// stores, covering values included.
const maxValsPerPrefix = 64

// Table is an immutable IPv4 and IPv6 prefix table. For an address it
// answers every value of every prefix that covers the address, not only the
// most specific one: an address in a VPN /24 inside a cloud /16 gets both
// values.
//
// Build one with a [Builder]. The zero Table is empty and ready to use. A
// Table is safe for concurrent use by any number of goroutines.
type Table[V comparable] struct {
	tab *bart.Table[uint32] // prefix → group<<8 | bits, or an index into matches; nil when empty
	// matches is nil when the bart values hold group and bits directly.
	matches []match
	groups  []span // group → its values in vals
	vals    []V
}

type match struct {
	group uint32
	bits  uint8
}

type span struct{ off, n uint32 }

// Lookup returns every value whose prefix covers addr: first the values of
// the most specific matching prefix, in the order they were added, then those
// of each shorter covering prefix in turn, each value once. pfx is the most
// specific matching prefix. An IPv4-mapped IPv6 address is looked up as the
// IPv4 address it maps, and its pfx is an IPv4 prefix; a zone is ignored:
// pfx always contains addr.Unmap() without its zone.
//
// The returned slice is shared by every lookup that lands in the same group
// of prefixes; it must not be modified. Lookup does not allocate.
func (t *Table[V]) Lookup(addr netip.Addr) (pfx netip.Prefix, vals []V, ok bool) {
	pfx, g, ok := t.LookupGroup(addr)
	if !ok {
		return netip.Prefix{}, nil, false
	}
	s := t.groups[g]
	return pfx, t.vals[s.off : s.off+s.n : s.off+s.n], true
}

// LookupGroup is [Table.Lookup] returning the index of the value group
// instead of the values: every address covered by the same set of values
// gets the same index, in [1, Groups()). A caller can precompute one result
// per group (a merged record, say) and answer a lookup with an index
// operation. Group 0 is the empty group and is never returned.
func (t *Table[V]) LookupGroup(addr netip.Addr) (pfx netip.Prefix, group int, ok bool) {
	addr = addr.Unmap()
	if t.tab == nil {
		return netip.Prefix{}, 0, false
	}
	m, ok := t.tab.Lookup(addr)
	if !ok {
		return netip.Prefix{}, 0, false
	}
	g, bits := t.decode(m)
	pfx, _ = addr.Prefix(bits)
	return pfx, int(g), true
}

// decode splits a bart value into group and prefix length.
func (t *Table[V]) decode(v uint32) (group uint32, bits int) {
	if t.matches == nil {
		return v >> 8, int(v & 0xff)
	}
	mt := t.matches[v]
	return mt.group, int(mt.bits)
}

// Contains reports whether any prefix covers addr.
func (t *Table[V]) Contains(addr netip.Addr) bool {
	return t.tab != nil && t.tab.Contains(addr.Unmap())
}

// Groups returns the number of value groups, including the empty group 0.
func (t *Table[V]) Groups() int {
	if len(t.groups) == 0 {
		return 1
	}
	return len(t.groups)
}

// Group returns the values of group g, as [Table.Lookup] would; nil when g
// is 0 or out of range. The slice must not be modified.
func (t *Table[V]) Group(g int) []V {
	if g <= 0 || g >= len(t.groups) {
		return nil
	}
	s := t.groups[g]
	return t.vals[s.off : s.off+s.n : s.off+s.n]
}

// Len returns the number of distinct prefixes in the table.
func (t *Table[V]) Len() int {
	if t.tab == nil {
		return 0
	}
	return t.tab.Size()
}

// All yields every prefix in the table, IPv4 before IPv6 and in address
// order, with the values an address inside it (and in no longer prefix) gets
// from [Table.Lookup]. Adding each yielded pair to a [Builder] rebuilds an
// equal table, which is how tables are merged.
func (t *Table[V]) All() iter.Seq2[netip.Prefix, []V] {
	return func(yield func(netip.Prefix, []V) bool) {
		if t.tab == nil {
			return
		}
		for p, m := range t.tab.AllSorted() {
			g, _ := t.decode(m)
			if !yield(p, t.Group(int(g))) {
				return
			}
		}
	}
}

// Map returns a table with the prefixes and groups of t whose values are
// f(v): Map(t, f).Lookup(a) returns f applied to each value t.Lookup(a)
// returns, in order, and [Table.LookupGroup] returns the same group. The
// prefix structure is shared, not copied; f is called once per stored value.
// Equal results are not merged: a group may hold f-equal values.
func Map[V, W comparable](t *Table[V], f func(V) W) *Table[W] {
	vals := make([]W, len(t.vals))
	for i, v := range t.vals {
		vals[i] = f(v)
	}
	return &Table[W]{tab: t.tab, matches: t.matches, groups: t.groups, vals: vals}
}
