package cidr

import (
	"iter"
	"net/netip"

	"github.com/ipintel/ipintel/internal/prefixtable"
)

// Builder collects prefixes and their values and freezes them into a
// [Table]. The zero Builder is ready to use. A Builder is not safe for
// concurrent use; the Table it builds is.
//
// Invalid input does not stop the build: Add and AddRange skip it and
// remember the error, and [Builder.Table] reports them all at once, as
// netipx.IPSetBuilder does.
type Builder[V comparable] struct {
	b prefixtable.Builder[V]
}

// Add records that p carries v. Host bits are cleared; an IPv4-mapped
// IPv6 prefix of length /96 or longer is stored as the IPv4 prefix it
// maps. The same value added twice for one prefix is kept once.
func (b *Builder[V]) Add(p netip.Prefix, v V) { b.b.Add(p, v) }

// AddRange records that every address from from to to inclusive carries v,
// as the fewest prefixes that cover the range exactly.
func (b *Builder[V]) AddRange(from, to netip.Addr, v V) { b.b.AddRange(from, to, v) }

// Table freezes what was added into a Table. The Builder may be reused
// afterwards; later additions do not change the returned Table.
//
// When some inputs were invalid, Table returns the table of the valid ones
// together with the joined errors (the first ten and a count of the rest),
// each wrapping source.ErrInvalidInput, so a caller may use the table and
// log the error. It returns a nil Table only with an error wrapping
// source.ErrTooLarge: more than 2³² − 1 value lists or values, or more than
// 64 values per prefix on average counting the values each prefix inherits
// from those covering it.
func (b *Builder[V]) Table() (*Table[V], error) {
	t, err := b.b.Table()
	if t == nil {
		return nil, err
	}
	return &Table[V]{t: *t}, err
}

// Table is an immutable IPv4 and IPv6 prefix table. For an address it
// answers every value of every prefix that covers the address, not only the
// most specific one: an address in a VPN /24 inside a cloud /16 gets both
// values.
//
// Build one with a [Builder]. The zero Table is empty and ready to use. A
// Table is safe for concurrent use by any number of goroutines.
type Table[V comparable] struct {
	t prefixtable.Table[V]
}

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
	return t.t.Lookup(addr)
}

// Contains reports whether any prefix covers addr.
func (t *Table[V]) Contains(addr netip.Addr) bool { return t.t.Contains(addr) }

// Len returns the number of distinct prefixes in the table.
func (t *Table[V]) Len() int { return t.t.Len() }

// All yields every prefix in the table, IPv4 before IPv6 and in address
// order, with the values an address inside it (and in no longer prefix) gets
// from [Table.Lookup]. Adding each yielded pair to a [Builder] rebuilds an
// equal table, which is how tables are merged.
func (t *Table[V]) All() iter.Seq2[netip.Prefix, []V] { return t.t.All() }
