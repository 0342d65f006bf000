package prefixtable

import (
	"iter"
	"net/netip"
)

// AllGroups is [Table.All] yielding each prefix's value group, as
// [Table.LookupGroup] returns it for an address inside the prefix (and in
// no longer prefix), instead of the values: a caller that precomputed one
// result per group can list the table without rebuilding them.
func (t *Table[V]) AllGroups() iter.Seq2[netip.Prefix, int] {
	return func(yield func(netip.Prefix, int) bool) {
		if t.tab == nil {
			return
		}
		for p, m := range t.tab.AllSorted() {
			g, _ := t.decode(m)
			if !yield(p, int(g)) {
				return
			}
		}
	}
}
