package feed

import (
	"context"
	"fmt"
	"io"
	"net/netip"
	"os"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ipintel/ipintel/internal/prefixtable"
	"github.com/ipintel/ipintel/source"
)

// snapshot is one immutable, parsed copy of a feed (or of a set's merged
// feeds): the table, the entries its values index, and one ready-made
// record per value group.
type snapshot struct {
	tab     *prefixtable.Table[uint32]
	entries []entry
	records []source.Record // by group; Prefix is filled per lookup
	stats   Stats
}

// freeze builds the table and the per-group records.
func freeze(b *prefixtable.Builder[uint32], entries []entry, stats Stats) (*snapshot, error) {
	tab, err := b.Table()
	if tab == nil {
		return nil, err
	}
	// Invalid inputs were counted as skipped lines already; the builder
	// only sees valid prefixes, so err is nil here in practice.
	s := &snapshot{tab: tab, entries: entries, stats: stats}
	s.stats.Prefixes = tab.Len()
	s.records = make([]source.Record, tab.Groups())
	// The signals of every group, laid out like the table's values so that
	// groups share storage with the groups of the prefixes covering them.
	sigs := prefixtable.Map(tab, func(id uint32) source.Signal { return entries[id].sig })
	var seen map[source.Signal]bool
	for g := 1; g < tab.Groups(); g++ {
		r := &s.records[g]
		for _, id := range tab.Group(g) {
			if geo := entries[id].geo; geo != nil {
				r.Geo = geo // the most specific location wins
				break
			}
		}
		r.Signals = sigs.Group(g)
		// Entries that differ only in location give equal signals; such a
		// group (nested rows of one geofeed) gets a copy without repeats.
		if len(r.Signals) > 16 {
			if seen == nil {
				seen = make(map[source.Signal]bool)
			}
			clear(seen)
			for _, sig := range r.Signals {
				if seen[sig] {
					r.Signals = dedup(r.Signals)
					break
				}
				seen[sig] = true
			}
		} else {
			for i := 1; i < len(r.Signals); i++ {
				if slices.Contains(r.Signals[:i], r.Signals[i]) {
					r.Signals = dedup(r.Signals)
					break
				}
			}
		}
	}
	return s, nil
}

// dedup returns a copy of sigs without repeats, keeping first occurrences.
func dedup(sigs []source.Signal) []source.Signal {
	out := make([]source.Signal, 0, len(sigs))
	seen := make(map[source.Signal]bool, len(sigs))
	for _, sig := range sigs {
		if !seen[sig] {
			seen[sig] = true
			out = append(out, sig)
		}
	}
	return out
}

// emptySnapshot is the data of a feed that has loaded nothing yet.
func emptySnapshot() *snapshot {
	var b prefixtable.Builder[uint32]
	s, _ := freeze(&b, nil, Stats{}) // an empty table cannot fail
	return s
}

func (s *snapshot) lookup(addr netip.Addr) source.Record {
	pfx, g, ok := s.tab.LookupGroup(addr)
	if !ok {
		return source.Record{}
	}
	r := s.records[g]
	r.Prefix = pfx
	return r
}

// build parses data into a snapshot, applying the short-prefix guard.
func build(data []byte, spec Spec) (*snapshot, error) {
	p, err := parse(data, spec)
	p.stats.Loaded = time.Now()
	if err != nil {
		return nil, &Error{Feed: spec.Name, Stats: p.stats, Err: err}
	}
	if p.stats.Short > 0 && !spec.AllowShortPrefixes {
		return nil, &Error{Feed: spec.Name, Stats: p.stats, Err: fmt.Errorf(
			"%w: %d prefixes shorter than /8 (IPv4) or /16 (IPv6); set Spec.AllowShortPrefixes to accept them",
			errPoisoned, p.stats.Short)}
	}
	s, err := freeze(&p.b, p.entries, p.stats)
	if err != nil {
		return nil, &Error{Feed: spec.Name, Stats: p.stats, Err: err}
	}
	return s, nil
}

// Feed is one CIDR feed: a [source.Source] whose every match is a
// [source.Signal] with the feed's provenance. Create it with [Open], [Load]
// or [FromURL]; merge several with [NewSet] so a lookup costs one table
// search for all of them.
type Feed struct {
	spec   Spec
	snap   atomic.Pointer[snapshot]
	loader loader // nil for Load: nothing to reload
	// emptyRetry is how soon a URL feed with no data at all tries again,
	// with or without a refresh interval.
	emptyRetry time.Duration

	reloadMu sync.Mutex // serializes reloads and swaps

	mu     sync.Mutex // guards the fields below
	subs   map[int]func()
	nextID int
	status refreshState
	closed bool

	cancel context.CancelFunc // ends the refresher; nil without one
	done   chan struct{}      // closed when the refresher has returned
}

// loader fetches the feed again. It returns a nil snapshot when the data
// has not changed since prev, and a commit func (may be nil) to call once
// the new snapshot is accepted.
type loader interface {
	load(ctx context.Context, spec Spec, prev *snapshot) (*snapshot, func(), error)
	origin() source.Origin
	close() // release what load keeps between calls
}

// refreshState is what a feed knows about its last (re)load; Datasets
// reports it.
type refreshState struct {
	// Origin is where the data in use came from: source.OriginFile,
	// OriginReader, source.OriginNetwork or source.OriginCache; empty
	// while a feed opened with a start-up budget has no data yet.
	Origin source.Origin
	// Fetched is when the data in use was last known current: read from
	// its file, downloaded, or confirmed unchanged by the server (for a
	// cached copy, as recorded in the cache). Zero without data.
	Fetched time.Time
	// LastAttempt and LastSuccess are when a (re)load was last tried and
	// last succeeded (or found the data unchanged).
	LastAttempt, LastSuccess time.Time
	// NextRefresh is when the background refresher will next try; zero
	// without one.
	NextRefresh time.Time
	// LastError is why the last attempt failed or was refused; nil after a
	// success. A refused refresh wraps [source.ErrPoisoned]; a feed still waiting
	// for its first download reports [source.ErrUnavailable].
	LastError error
}

// OriginReader is the Dataset.Origin of a feed made by [Load].
const OriginReader source.Origin = "reader"

func newFeed(spec Spec, l loader) *Feed {
	return &Feed{spec: spec, loader: l, subs: map[int]func(){}}
}

// Open reads a feed file. The file is read once now and again on
// [Feed.Reload]; a reload that fails or looks poisoned keeps the data in
// use.
func Open(path string, spec Spec) (*Feed, error) {
	if err := spec.validate(); err != nil {
		return nil, err
	}
	f := newFeed(spec, fileLoader{path})
	if err := f.Reload(context.Background()); err != nil {
		return nil, err
	}
	return f, nil
}

// Load reads a feed from r, at most Spec.MaxBytes. The feed has nothing to
// reload: [Feed.Reload] does nothing.
func Load(r io.Reader, spec Spec) (*Feed, error) {
	if err := spec.validate(); err != nil {
		return nil, err
	}
	data, err := readAll(r, spec.maxBytes())
	if err != nil {
		return nil, &Error{Feed: spec.Name, Err: err}
	}
	s, err := build(data, spec)
	if err != nil {
		return nil, err
	}
	f := newFeed(spec, nil)
	f.snap.Store(s)
	f.status = refreshState{Origin: OriginReader, Fetched: s.stats.Loaded, LastAttempt: s.stats.Loaded, LastSuccess: s.stats.Loaded}
	return f, nil
}

// readAll reads r up to limit bytes and fails with errTooLarge beyond.
func readAll(r io.Reader, limit int64) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("%w: more than %d bytes", errTooLarge, limit)
	}
	return data, nil
}

type fileLoader struct{ path string }

func (l fileLoader) origin() source.Origin { return source.OriginFile }

func (l fileLoader) close() {}

func (l fileLoader) load(_ context.Context, spec Spec, _ *snapshot) (*snapshot, func(), error) {
	fh, err := os.Open(l.path)
	if err != nil {
		return nil, nil, &Error{Feed: spec.Name, Err: err}
	}
	defer fh.Close()
	data, err := readAll(fh, spec.maxBytes())
	if err != nil {
		return nil, nil, &Error{Feed: spec.Name, Err: err}
	}
	s, err := build(data, spec)
	if err != nil {
		return nil, nil, err
	}
	if fi, err := fh.Stat(); err == nil {
		s.stats.Modified = fi.ModTime()
	}
	return s, nil, nil
}

// Name returns Spec.Name.
func (f *Feed) Name() string { return f.spec.Name }

// Lookup returns the feed's signals for addr, the most specific matching
// prefix as Record.Prefix and, for a geofeed, the row's location as
// Record.Geo. A miss is Record{}, nil.
//
// The record's Signals slice and Geo are shared with other lookups and must
// not be modified. Lookup does not allocate.
func (f *Feed) Lookup(ctx context.Context, addr netip.Addr) (source.Record, error) {
	if err := ctx.Err(); err != nil {
		return source.Record{}, err
	}
	return f.snap.Load().lookup(addr), nil
}

// Stats describe the data in use: its format, size, prefixes, and the
// lines skipped as malformed (the first few with their numbers). Where the
// data came from, when it was refreshed and why a refresh failed are in
// [Feed.Datasets].
func (f *Feed) Stats() Stats { return f.snap.Load().stats }

// state returns the refresh state.
func (f *Feed) state() refreshState {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.status
}

// Reload reads the feed again (the file, or the URL with a conditional
// request) and swaps the new table in atomically. A reload that fails or is
// refused as poisoned — empty, a too-short prefix, or fewer than
// (1 − MaxShrink) of the prefixes in use — keeps the data in use and
// returns the reason, which [Feed.Datasets] also reports. A feed from [Load]
// has nothing to reload and returns nil.
func (f *Feed) Reload(ctx context.Context) error {
	if f.loader == nil {
		return nil
	}
	f.reloadMu.Lock()
	defer f.reloadMu.Unlock()
	f.mu.Lock()
	closed := f.closed
	f.mu.Unlock()
	if closed {
		return errClosed
	}
	now := time.Now()
	prev := f.snap.Load()
	s, commit, err := f.loader.load(ctx, f.spec, prev)
	if err == nil && s != nil && prev != nil {
		err = f.guardShrink(prev, s)
	}
	if err == nil && commit != nil {
		commit()
	}
	f.mu.Lock()
	f.status.LastAttempt = now
	f.status.LastError = err
	if err == nil {
		f.status.LastSuccess = now
		f.status.Fetched = now
		if s != nil {
			f.status.Origin = f.loader.origin()
		}
	}
	f.mu.Unlock()
	if err != nil {
		return err
	}
	if s == nil { // unchanged
		return nil
	}
	f.swap(s)
	return nil
}

// guardShrink refuses a table that lost more than MaxShrink of the
// prefixes in use.
func (f *Feed) guardShrink(prev, next *snapshot) error {
	frac := f.spec.maxShrink()
	if frac >= 1 {
		return nil
	}
	floor := float64(prev.stats.Prefixes) * (1 - frac)
	if float64(next.stats.Prefixes) < floor {
		return &Error{Feed: f.spec.Name, Stats: next.stats, Err: fmt.Errorf(
			"%w: %d prefixes, down from %d (more than %.0f%% fewer)",
			errPoisoned, next.stats.Prefixes, prev.stats.Prefixes, frac*100)}
	}
	return nil
}

// swap publishes s and tells subscribed sets.
func (f *Feed) swap(s *snapshot) {
	f.snap.Store(s)
	f.mu.Lock()
	subs := make([]func(), 0, len(f.subs))
	for _, fn := range f.subs {
		subs = append(subs, fn)
	}
	f.mu.Unlock()
	for _, fn := range subs {
		fn()
	}
}

// subscribe calls fn after every swap until the returned func is called.
func (f *Feed) subscribe(fn func()) (cancel func()) {
	f.mu.Lock()
	defer f.mu.Unlock()
	id := f.nextID
	f.nextID++
	f.subs[id] = fn
	return func() {
		f.mu.Lock()
		delete(f.subs, id)
		f.mu.Unlock()
	}
}

// Close stops the background refresher, if any, and waits for it to
// return, and closes the idle connections of a URL feed's own HTTP
// client. Lookups keep answering from the data in use; Reload returns
// [source.ErrClosed]. Close is idempotent.
func (f *Feed) Close() error {
	f.mu.Lock()
	if f.closed {
		f.mu.Unlock()
		return nil
	}
	f.closed = true
	cancel, done := f.cancel, f.done
	f.mu.Unlock()
	if cancel != nil {
		cancel() // also aborts a fetch in flight
		<-done
	}
	if f.loader != nil {
		f.loader.close()
	}
	return nil
}

var (
	_ source.Source   = (*Feed)(nil)
	_ source.Reloader = (*Feed)(nil)
	_ io.Closer       = (*Feed)(nil)
)
