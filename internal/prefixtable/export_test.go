package prefixtable

// IndexMatches makes b's tables go through the matches table whatever the
// number of groups, so tests can cover that path.
func IndexMatches[V comparable](b *Builder[V]) { b.indexMatches = true }

// UsesMatches reports whether t's lookups go through the matches table.
func UsesMatches[V comparable](t *Table[V]) bool { return t.matches != nil }

// OnWalked makes b report to f how many inherited values each build
// listed.
func OnWalked[V comparable](b *Builder[V], f func(int)) { b.onWalked = f }
