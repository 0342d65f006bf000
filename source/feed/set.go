package feed

import (
	"context"
	"fmt"
	"net/netip"
	"sync"
	"sync/atomic"

	"github.com/ipintel/ipintel/internal/oneline"
	"github.com/ipintel/ipintel/internal/prefixtable"
	"github.com/ipintel/ipintel/source"
)

// Set merges feeds into one [source.Source] with one table, so a lookup
// costs one search however many feeds it holds. An address covered by
// several feeds gets every feed's signals; Record.Prefix is the most
// specific prefix of any of them and Record.Geo the location of the most
// specific geofeed row.
//
// When a member feed refreshes, the set rebuilds its merged table off to
// the side and swaps it in; lookups never wait.
type Set struct {
	feeds   []*Feed
	snap    atomic.Pointer[snapshot]
	mu      sync.Mutex // serializes rebuilds
	cancels []func()
	err     atomic.Pointer[error] // last failed rebuild, if any
	// While Reload runs, member swaps only mark the set dirty and Reload
	// rebuilds once at the end.
	batching atomic.Int32
	dirty    atomic.Bool
	closeMu  sync.Mutex
	closed   bool
	// rebuildFault, when a test sets it, makes every rebuild fail with its
	// error (read under mu).
	rebuildFault func() error
}

// SetName is the Source name of a [Set] made by [NewSet].
const SetName = "feeds"

// NewSet merges feeds into one source named [SetName]. Feed names must be
// unique in the set. The set takes ownership of its feeds: [Set.Close]
// closes every member, so hand a feed to one set only. One set holds any
// number of feeds at the cost of one table search: a Client needs one.
func NewSet(feeds ...*Feed) (*Set, error) {
	if len(feeds) == 0 {
		return nil, fmt.Errorf("%w: no feeds", errInvalidSpec)
	}
	seen := map[string]bool{}
	for _, f := range feeds {
		if f == nil {
			return nil, fmt.Errorf("%w: nil feed", errInvalidSpec)
		}
		if seen[f.spec.Name] {
			return nil, fmt.Errorf("%w: duplicate feed name %q", errInvalidSpec, f.spec.Name)
		}
		seen[f.spec.Name] = true
	}
	s := &Set{feeds: append([]*Feed(nil), feeds...)}
	// Subscribe first so that no swap between the build and the
	// subscription is missed.
	for _, f := range s.feeds {
		s.cancels = append(s.cancels, f.subscribe(s.onSwap))
	}
	if err := s.rebuild(); err != nil {
		for _, c := range s.cancels {
			c()
		}
		return nil, err
	}
	return s, nil
}

// onSwap runs after a member swapped in new data. During a Set.Reload it
// only marks the set dirty; Reload rebuilds once at the end. (dirty is set
// before batching is read, and Reload clears batching before it reads
// dirty, so no swap is missed.)
func (s *Set) onSwap() {
	s.dirty.Store(true)
	if s.batching.Load() > 0 {
		return
	}
	s.rebuildIfDirty()
}

func (s *Set) rebuildIfDirty() {
	if !s.dirty.Swap(false) {
		return
	}
	if err := s.rebuild(); err != nil {
		s.err.Store(&err)
	}
}

// rebuild merges the members' current tables and swaps the result in.
func (s *Set) rebuild() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	var b prefixtable.Builder[uint32]
	var entries []entry
	var stats Stats
	for _, f := range s.feeds {
		m := f.snap.Load()
		base := uint32(len(entries))
		entries = append(entries, m.entries...)
		for p, ids := range m.tab.All() {
			for _, id := range ids {
				b.Add(p, base+id)
			}
		}
		stats.Bytes += m.stats.Bytes
		stats.Lines += m.stats.Lines
		stats.Entries += m.stats.Entries
		stats.Skipped += m.stats.Skipped
		stats.Masked += m.stats.Masked
		stats.Short += m.stats.Short
		if m.stats.Loaded.After(stats.Loaded) {
			stats.Loaded = m.stats.Loaded
		}
	}
	next, err := freeze(&b, entries, stats)
	if err == nil && s.rebuildFault != nil {
		next, err = nil, s.rebuildFault()
	}
	if err != nil {
		return fmt.Errorf("feed: merging set: %w", err)
	}
	s.snap.Store(next)
	s.err.Store(nil)
	return nil
}

// Name returns [SetName].
func (s *Set) Name() string { return SetName }

// Lookup returns the signals of every member feed covering addr in one
// table search. A miss is Record{}, nil. The record's Signals and Geo are
// shared and must not be modified. Lookup does not allocate.
func (s *Set) Lookup(ctx context.Context, addr netip.Addr) (source.Record, error) {
	if err := ctx.Err(); err != nil {
		return source.Record{}, err
	}
	return s.snap.Load().lookup(addr), nil
}

// LookupBatch answers many addresses at once; records are in input order.
func (s *Set) LookupBatch(ctx context.Context, addrs []netip.Addr) ([]source.Record, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	snap := s.snap.Load()
	out := make([]source.Record, len(addrs))
	for i, a := range addrs {
		out[i] = snap.lookup(a)
	}
	return out, nil
}

// Reload reloads every member (each keeps its last good data on failure)
// and returns their errors joined. The merged table is rebuilt once, after
// the members that changed have swapped.
func (s *Set) Reload(ctx context.Context) error {
	var errs []error
	s.batching.Add(1)
	for _, f := range s.feeds {
		errs = append(errs, f.Reload(ctx))
	}
	s.batching.Add(-1)
	s.rebuildIfDirty()
	if p := s.err.Load(); p != nil {
		errs = append(errs, *p)
	}
	return oneline.Join(errs...)
}

// lastError returns why the last rebuild of the merged table failed, or
// nil if it worked. After a failed rebuild the set keeps answering from
// the table it had, without the refreshed member's new data, until a
// later refresh rebuilds it.
func (s *Set) lastError() error {
	if p := s.err.Load(); p != nil {
		return *p
	}
	return nil
}

// Close stops every member's refresher and waits for them. Lookups keep
// answering from the last merged table. Close is idempotent.
func (s *Set) Close() error {
	s.closeMu.Lock()
	defer s.closeMu.Unlock()
	if s.closed {
		return nil
	}
	s.closed = true
	for _, c := range s.cancels {
		c()
	}
	var errs []error
	for _, f := range s.feeds {
		errs = append(errs, f.Close())
	}
	return oneline.Join(errs...)
}

var (
	_ source.Source   = (*Set)(nil)
	_ source.Batcher  = (*Set)(nil)
	_ source.Reloader = (*Set)(nil)
)
