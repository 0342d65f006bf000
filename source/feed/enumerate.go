package feed

import (
	"context"
	"iter"

	"github.com/ipintel/ipintel/source"
)

// Enumerate yields every prefix of the feed with the record a lookup inside
// it (and in no longer prefix of the feed) returns; see
// [source.Enumerator]. Prefixes come IPv4 first, in address order, a prefix
// before those inside it. It reads the data in use when called.
func (f *Feed) Enumerate(ctx context.Context) iter.Seq2[source.Record, error] {
	return f.snap.Load().enumerate(ctx)
}

// Enumerate yields every prefix of the merged table with the record a
// lookup inside it (and in no longer prefix) returns: the signals of every
// member feed covering it. See [source.Enumerator] and [Feed.Enumerate].
func (s *Set) Enumerate(ctx context.Context) iter.Seq2[source.Record, error] {
	return s.snap.Load().enumerate(ctx)
}

func (s *snapshot) enumerate(ctx context.Context) iter.Seq2[source.Record, error] {
	return func(yield func(source.Record, error) bool) {
		n := 0
		for p, g := range s.tab.AllGroups() {
			if n++; n%4096 == 0 {
				if err := ctx.Err(); err != nil {
					yield(source.Record{}, err)
					return
				}
			}
			r := s.records[g]
			r.Prefix = p
			if !yield(r, nil) {
				return
			}
		}
		if err := ctx.Err(); err != nil {
			yield(source.Record{}, err)
		}
	}
}

var (
	_ source.Enumerator = (*Feed)(nil)
	_ source.Enumerator = (*Set)(nil)
)
