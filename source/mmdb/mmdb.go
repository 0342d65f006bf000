package mmdb

import (
	"context"
	"fmt"
	"log/slog"
	"net/netip"
	"os"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	maxminddb "github.com/oschwald/maxminddb-golang/v2"
	"github.com/oschwald/maxminddb-golang/v2/mmdbdata"

	"github.com/ipintel/ipintel/source"
)

// Errors wrap the shared kinds of package source; check them with
// errors.Is:
//
//   - [source.ErrClosed]: a lookup or reload after [Source.Close];
//   - [source.ErrMalformed]: a file unreadable as a MaxMind DB: bad metadata,
//     a corrupt search tree or data section, no networks with data, a
//     record that does not decode;
//   - [source.ErrPoisoned]: a reload whose new file holds another type of
//     database than the one loaded, or looks poisoned: a record for a
//     network shorter than an IPv4 /8 or an IPv6 /16 (0.0.0.0/0, say) that
//     the loaded database does not have, or a tree a tenth of the size of
//     the loaded one;
//   - [source.ErrTooLarge]: a file larger than [WithMaxSize] allows;
//   - [source.ErrInvalidOption]: an option or [Schema] that cannot be used;
//   - [source.ErrInvalidInput]: a database type this package cannot map by
//     itself; the message names the type and the keys its records have.
var (
	errClosed          = fmt.Errorf("mmdb: source %w", source.ErrClosed)
	errInvalidDatabase = fmt.Errorf("mmdb: %w", source.ErrMalformed)
	errTypeChanged     = fmt.Errorf("mmdb: reload %w: database type changed", source.ErrPoisoned)
	errSuspicious      = fmt.Errorf("mmdb: reload %w: suspicious database", source.ErrPoisoned)
	errTooLarge        = fmt.Errorf("mmdb: file %w", source.ErrTooLarge)
	errInvalidOption   = fmt.Errorf("mmdb: %w", source.ErrInvalidOption)
	errInvalidSchema   = fmt.Errorf("mmdb: %w: WithSchema", source.ErrInvalidOption)
)

// unknownType is the error for a database type that cannot be mapped: it
// names the type and the top-level keys its records have, to help write a
// [Schema], and wraps [source.ErrInvalidInput].
func unknownType(dbType string, keys []string) error {
	list := strings.Join(keys, ", ")
	if list == "" {
		list = "none: records are not maps"
	}
	return fmt.Errorf("mmdb: %w: unknown database type %q (record keys: %s); map it with mmdb.WithSchema",
		source.ErrInvalidInput, dbType, list)
}

// Source answers lookups from one MaxMind DB file. It implements
// [source.Source], [source.Reloader] and io.Closer.
type Source struct {
	name string
	path string
	opts options

	cur atomic.Pointer[db]

	mu        sync.Mutex // serialises reloads and Close
	closed    bool
	attempted fileState // the file as the last load attempt saw it

	lastErr  atomic.Pointer[errBox]
	loadedAt atomic.Int64 // Unix nanoseconds of the last successful load

	stop   chan struct{}
	done   chan struct{}
	cancel context.CancelFunc
}

type errBox struct{ err error }

// db is one loaded database: immutable, swapped whole on reload.
type db struct {
	r        *maxminddb.Reader
	dec      *decoder
	cache    *cache
	ipv4Only bool
}

// Open opens the MaxMind DB file at path. The file is memory-mapped unless
// [WithInMemory] or [WithWatch] is given.
func Open(path string, opts ...Option) (*Source, error) {
	s, err := newSource(opts)
	if err != nil {
		return nil, err
	}
	s.path = path
	d, st, err := s.loadFile(context.Background(), nil)
	if err != nil {
		return nil, &openError{path, err}
	}
	s.attempted = st
	s.cur.Store(d)
	s.markLoaded()
	if s.opts.watch > 0 {
		var ctx context.Context
		ctx, s.cancel = context.WithCancel(context.Background())
		s.stop, s.done = make(chan struct{}), make(chan struct{})
		go s.watch(ctx)
	}
	return s, nil
}

// OpenBytes opens a MaxMind DB held in b. The source keeps b: do not
// modify it afterwards. Such a source has nothing to reload: its Reload
// does nothing, and [WithWatch] is refused.
func OpenBytes(b []byte, opts ...Option) (*Source, error) {
	s, err := newSource(opts)
	if err != nil {
		return nil, err
	}
	if s.opts.watch > 0 {
		return nil, fmt.Errorf("%w: WithWatch needs a file", errInvalidOption)
	}
	d, err := s.loadBytes(b, nil)
	if err != nil {
		return nil, err // already "mmdb: …"
	}
	s.cur.Store(d)
	s.markLoaded()
	return s, nil
}

func newSource(opts []Option) (*Source, error) {
	s := &Source{opts: defaultOptions()}
	for _, o := range opts {
		if o == nil {
			continue
		}
		if err := o(&s.opts); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// Name returns the name given with [WithName], or the database type in
// lower case.
func (s *Source) Name() string { return s.name }

// Lookup returns what the database knows about addr. A miss is a zero
// [source.Record] and a nil error. The Geo, Network and Signals of the
// record are shared with other lookups (they live in the decoded-record
// cache) and must not be modified.
func (s *Source) Lookup(ctx context.Context, addr netip.Addr) (source.Record, error) {
	if err := ctx.Err(); err != nil {
		return source.Record{}, err
	}
	d := s.cur.Load()
	if d == nil {
		return source.Record{}, errClosed
	}
	rec, err := d.lookup(addr.Unmap())
	// Keep d, and so its reader, reachable until the lookup is done: a
	// reader replaced by a reload is released only when no lookup holds it.
	runtime.KeepAlive(d)
	return rec, err
}

func (d *db) lookup(addr netip.Addr) (source.Record, error) {
	if !addr.IsValid() || (d.ipv4Only && !addr.Is4()) {
		return source.Record{}, nil
	}
	res := d.r.Lookup(addr)
	if err := res.Err(); err != nil {
		return source.Record{}, fmt.Errorf("%w: %w", errInvalidDatabase, err)
	}
	if !res.Found() {
		return source.Record{}, nil
	}
	off := res.Offset()
	e := d.cache.get(off)
	if e == nil {
		var err error
		if e, err = d.dec.decode(res, off); err != nil {
			return source.Record{}, err
		}
		d.cache.put(e)
	}
	if e.empty() {
		return source.Record{}, nil
	}
	return source.Record{Prefix: prefixFor(addr, res.Prefix()), Geo: e.geo, Network: e.network, Signals: e.signals}, nil
}

// Metadata returns the loaded file's metadata (its DatabaseType,
// BuildEpoch, Languages…); the zero Metadata after Close.
func (s *Source) Metadata() maxminddb.Metadata {
	if d := s.cur.Load(); d != nil {
		return d.r.Metadata
	}
	return maxminddb.Metadata{}
}

// lastReloadError returns why the last reload failed, or nil when it
// succeeded or none was tried.
func (s *Source) lastReloadError() error {
	if b := s.lastErr.Load(); b != nil {
		return b.err
	}
	return nil
}

// Close stops the watcher and makes later lookups fail with [source.ErrClosed].
// Lookups already running finish on the data they started with; the
// memory map is released once none holds it. Close is idempotent.
func (s *Source) Close() error {
	if s.cancel != nil {
		s.cancel() // abandon a reload in progress
	}
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	s.cur.Store(nil)
	s.mu.Unlock()
	if s.stop != nil {
		close(s.stop)
		<-s.done
	}
	return nil
}

// loadFile reads or maps the file at s.path and checks it against prev
// (nil on the first load).
func (s *Source) loadFile(ctx context.Context, prev *db) (*db, fileState, error) {
	st, err := statFile(s.path)
	if err != nil {
		return nil, fileState{}, err
	}
	if s.opts.inMemory {
		b, err := readFile(ctx, s.path, st, s.opts.maxSize)
		if err != nil {
			return nil, st, err
		}
		d, err := s.loadBytes(b, prev)
		return d, st, err
	}
	r, err := maxminddb.Open(s.path)
	if err != nil {
		return nil, st, fmt.Errorf("%w: %w", errInvalidDatabase, err)
	}
	d, err := s.build(r, prev)
	if err != nil {
		_ = r.Close() // no lookup has seen r
	}
	return d, st, err
}

func (s *Source) loadBytes(b []byte, prev *db) (*db, error) {
	r, err := maxminddb.OpenBytes(b)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", errInvalidDatabase, err)
	}
	return s.build(r, prev)
}

// build checks a freshly opened reader and wraps it. On the first load it
// picks the mapping and the name; on a reload it insists on the same
// database type and refuses a file that looks poisoned.
func (s *Source) build(r *maxminddb.Reader, prev *db) (d *db, err error) {
	defer func() {
		if p := recover(); p != nil {
			d, err = nil, fmt.Errorf("%w: panic while checking: %v", errInvalidDatabase, p)
		}
	}()
	md := r.Metadata
	if md.BinaryFormatMajorVersion != 2 || (md.IPVersion != 4 && md.IPVersion != 6) || md.NodeCount == 0 {
		return nil, fmt.Errorf("%w: format %d, IP version %d, %d nodes", errInvalidDatabase,
			md.BinaryFormatMajorVersion, md.IPVersion, md.NodeCount)
	}
	if s.opts.verify {
		if err := r.Verify(); err != nil {
			return nil, fmt.Errorf("%w: %w", errInvalidDatabase, err)
		}
	}
	samples, err := sample(r)
	if err != nil {
		return nil, err
	}
	var dec *decoder
	if prev != nil {
		if t, want := md.DatabaseType, prev.r.Metadata.DatabaseType; t != want {
			return nil, fmt.Errorf("%w: %q, want %q", errTypeChanged, t, want)
		}
		if p, ok := newShortNetwork(r, prev.r); ok {
			return nil, fmt.Errorf("%w: one record covers %v", errSuspicious, p)
		}
		if old := prev.r.Metadata.NodeCount; md.NodeCount*10 < old {
			return nil, fmt.Errorf("%w: %d search-tree nodes, down from %d", errSuspicious, md.NodeCount, old)
		}
		dec = prev.dec
	} else {
		if dec, err = s.newDecoder(md.DatabaseType, samples); err != nil {
			return nil, err
		}
	}
	// The probe: every sampled record must decode through the mapping.
	for _, res := range samples {
		if _, err := dec.decode(res, res.Offset()); err != nil {
			return nil, err
		}
	}
	return &db{r: r, dec: dec, cache: newCache(s.opts.cacheSize), ipv4Only: md.IPVersion == 4}, nil
}

// shortNetwork reports whether p is shorter than an IPv4 /8 or an IPv6 /16.
func shortNetwork(p netip.Prefix) bool {
	return p.Bits() < 8 || (p.Addr().Is6() && p.Bits() < 16)
}

// newShortNetwork returns a network with data in r that is shorter than an
// IPv4 /8 or an IPv6 /16 and that old does not have too (a database that
// always had one, an aggregated country range say, may keep it).
//
// Such a network covers one of the addresses x.0.0.0, or x:y:: in an IPv6
// database, and is what a lookup of that address returns: 256 lookups, and
// 65 536 more for IPv6, check every network, wherever it is in the tree.
func newShortNetwork(r, old *maxminddb.Reader) (netip.Prefix, bool) {
	probe := func(a netip.Addr) (netip.Prefix, bool) {
		res := r.Lookup(a)
		if res.Err() != nil || !res.Found() {
			return netip.Prefix{}, false
		}
		// In a's family: an IPv4 probe that stops at ::/37 of a tree
		// without an IPv4 subtree has found 0.0.0.0/0.
		p := prefixFor(a, res.Prefix())
		if !p.IsValid() || !shortNetwork(p) {
			return netip.Prefix{}, false
		}
		if was := old.Lookup(a); was.Err() == nil && was.Found() && prefixFor(a, was.Prefix()) == p {
			return netip.Prefix{}, false
		}
		return p, true
	}
	for x := range 256 {
		if p, ok := probe(netip.AddrFrom4([4]byte{byte(x)})); ok {
			return p, true
		}
	}
	if r.Metadata.IPVersion == 6 {
		for x := range 1 << 16 {
			if p, ok := probe(netip.AddrFrom16([16]byte{byte(x >> 8), byte(x)})); ok {
				return p, true
			}
		}
	}
	return netip.Prefix{}, false
}

// sample returns up to 16 networks with distinct data records from the
// start of the tree,
// looking at no more than maxSteps networks (maxminddb ends any path that
// runs past 128 bits with an error, so a cyclic tree ends too).
func sample(r *maxminddb.Reader) ([]maxminddb.Result, error) {
	const maxSamples, maxSteps = 16, 1 << 14
	var out []maxminddb.Result
	seen := make(map[uintptr]bool, maxSamples)
	steps := 0
	for res := range r.Networks(maxminddb.IncludeNetworksWithoutData()) {
		if err := res.Err(); err != nil {
			return nil, fmt.Errorf("%w: %w", errInvalidDatabase, err)
		}
		// Each record once: many networks share one, and decoding it again
		// tells nothing new (and a hostile one may be costly to decode).
		if res.Found() && !seen[res.Offset()] {
			seen[res.Offset()] = true
			out = append(out, res)
		}
		steps++
		if len(out) == maxSamples || steps == maxSteps {
			break
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%w: no networks with data", errInvalidDatabase)
	}
	return out, nil
}

func (s *Source) newDecoder(dbType string, samples []maxminddb.Result) (*decoder, error) {
	dec := &decoder{lang: s.opts.lang}
	switch {
	case s.opts.schema != nil:
		c, err := s.opts.schema.compile()
		if err != nil {
			return nil, err
		}
		dec.layout, dec.schema = layoutSchema, c
	default:
		keys := topKeys(samples)
		l, implicit, ok := detect(dbType)
		// The keys decide between the nested and the flat layout when they
		// can: ip-location-db names its files after their origin
		// ("geolite2-city") but writes them flat.
		if sl, sok := sniff(keys); sok && (!ok || sl == layoutFlat) {
			l, ok = sl, true
		}
		if !ok {
			return nil, unknownType(dbType, keys)
		}
		dec.layout, dec.implicit = l, implicit
	}
	s.name = s.opts.name
	if s.name == "" {
		s.name = defaultName(dbType)
	}
	dec.name = s.name
	return dec, nil
}

func defaultName(dbType string) string {
	n := strings.ToLower(strings.Join(strings.Fields(dbType), "-"))
	if n == "" {
		return "mmdb"
	}
	return n
}

// topKeys returns the sorted top-level keys found in the sampled records.
func topKeys(samples []maxminddb.Result) []string {
	set := map[string]bool{}
	for _, res := range samples {
		var k mapKeys
		if err := res.Decode(&k); err != nil {
			continue // not a map, or corrupt: no keys to report
		}
		for _, key := range k {
			set[key] = true
		}
	}
	keys := make([]string, 0, len(set))
	for k := range set {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	if len(keys) > 24 {
		keys = append(keys[:24], "…")
	}
	return keys
}

// report gives a reload outcome to the callback, the logger and
// Datasets.
func (s *Source) report(err error) {
	s.lastErr.Store(&errBox{err})
	if err == nil {
		s.markLoaded()
	}
	if s.opts.onReload != nil {
		s.opts.onReload(err)
	}
	if l := s.opts.logger; l != nil {
		if err != nil {
			l.Warn("mmdb: reload refused, keeping the loaded database", slog.String("source", s.name),
				slog.String("path", s.path), slog.Any("error", err))
		} else {
			l.Info("mmdb: reloaded", slog.String("source", s.name), slog.String("path", s.path),
				slog.Time("build_time", s.Metadata().BuildTime()))
		}
	}
}

// fileState identifies a version of a file: its identity (device and
// inode), size and modification time.
type fileState struct{ fi os.FileInfo }

func statFile(path string) (fileState, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return fileState{}, err
	}
	if !fi.Mode().IsRegular() {
		return fileState{}, fmt.Errorf("mmdb: %s is not a regular file", path)
	}
	return fileState{fi}, nil
}

func (a fileState) same(b fileState) bool {
	return a.fi != nil && b.fi != nil && os.SameFile(a.fi, b.fi) &&
		a.fi.Size() == b.fi.Size() && a.fi.ModTime().Equal(b.fi.ModTime())
}

// mapKeys decodes only the top-level keys of a map record, skipping the
// values unread: a record nested hundreds of levels deep costs no more to
// list than a flat one (decoding it whole into a map[string]any took the
// reader quadratic time to build its error path).
type mapKeys []string

// UnmarshalMaxMindDBCursor implements mmdbdata.CursorUnmarshaler.
func (k *mapKeys) UnmarshalMaxMindDBCursor(c mmdbdata.Cursor) (mmdbdata.Cursor, error) {
	m, err := c.Map()
	if err != nil {
		return mmdbdata.Cursor{}, err
	}
	var next mmdbdata.Cursor
	for {
		key, val, ok := m.Next(next)
		if !ok {
			break
		}
		*k = append(*k, string(key))
		if next, err = val.Skip(); err != nil {
			return mmdbdata.Cursor{}, err
		}
	}
	return m.End()
}

// openError is a failed Open of a file: its message names the file and says
// "mmdb:" once, though the error it wraps starts with it too.
type openError struct {
	path string
	err  error
}

func (e *openError) Error() string {
	return "mmdb: open " + e.path + ": " + strings.TrimPrefix(e.err.Error(), "mmdb: ")
}

func (e *openError) Unwrap() error { return e.err }
