package feed

import (
	"errors"

	"github.com/ipintel/ipintel/source"
)

// Datasets reports the feed's data: one [source.Dataset] named after the
// feed, with the publisher's Last-Modified (or the file's modification
// time) as Updated and Status's origin, refresh times and last error.
func (f *Feed) Datasets() []source.Dataset {
	return []source.Dataset{f.dataset(nil)}
}

// dataset is the feed's Dataset; setErr, when not nil, is a failed merge
// of the set holding the feed, which keeps its data out of the set's
// table.
func (f *Feed) dataset(setErr error) source.Dataset {
	st := f.Status()
	last := st.LastError
	if setErr != nil {
		last = errors.Join(last, setErr)
	}
	updated := st.Stats.Modified
	if updated.IsZero() {
		updated = st.Fetched
	}
	return source.Dataset{
		Name:        f.spec.Name,
		Updated:     updated,
		Origin:      st.Origin,
		Entries:     st.Stats.Prefixes,
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
