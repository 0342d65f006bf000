package feed

import (
	"github.com/ipintel/ipintel/internal/oneline"
	"github.com/ipintel/ipintel/source"
)

// Datasets reports the feed's data: one [source.Dataset] named after the
// feed, with the publisher's Last-Modified (or the file's modification
// time, or else when the data was last known current) as Updated; the
// distinct prefixes as Entries; where the data in use came from (Origin:
// a file, the network, the disk cache, or [OriginReader]); when it was
// last loaded or confirmed unchanged and when the refresher tries next;
// and why the last attempt failed or was refused (LastError: nil after a
// success, wrapping [source.ErrPoisoned] for a refused refresh and
// [source.ErrUnavailable] while a feed opened with a start-up budget waits
// for its first download).
func (f *Feed) Datasets() []source.Dataset {
	return []source.Dataset{f.dataset(nil)}
}

// dataset is the feed's Dataset; setErr, when not nil, is a failed merge
// of the set holding the feed, which keeps its data out of the set's
// table.
func (f *Feed) dataset(setErr error) source.Dataset {
	st, stats := f.state(), f.Stats()
	last := st.LastError
	if setErr != nil {
		last = oneline.Join(last, setErr)
	}
	updated := stats.Modified
	if updated.IsZero() {
		updated = st.Fetched
	}
	return source.Dataset{
		Name:        f.spec.Name,
		Updated:     updated,
		Origin:      st.Origin,
		Entries:     stats.Prefixes,
		LastRefresh: st.LastSuccess,
		NextRefresh: st.NextRefresh,
		LastError:   last,
	}
}

// Datasets reports each member feed's data, in the order given to
// [NewSet]. A failed rebuild of the merged table is joined to every
// member's LastError: the set keeps answering from the table it had,
// without the refreshed member's new data, until a later refresh rebuilds
// it.
func (s *Set) Datasets() []source.Dataset {
	setErr := s.lastError()
	out := make([]source.Dataset, len(s.feeds))
	for i, f := range s.feeds {
		out[i] = f.dataset(setErr)
	}
	return out
}

var (
	_ source.DatasetReporter = (*Feed)(nil)
	_ source.DatasetReporter = (*Set)(nil)
)
