package builtin

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"

	"github.com/ipintel/ipintel/builtin/internal/snapshot"
	"github.com/ipintel/ipintel/internal/filecache"
	"github.com/ipintel/ipintel/internal/oneline"
	"github.com/ipintel/ipintel/source"
)

// Upstream refresh of the embedded country and AS datasets from
// ip-location-db's published files (the same datasets the snapshot in use
// was generated from, as its manifest names them, in the project's
// repository rather than the npm registry). Both datasets feed one table,
// so a refresh rebuilds from all four files: a file that has not changed
// comes from the cache.

// upstreamBase is where ip-location-db publishes its files.
const upstreamBase = "https://raw.githubusercontent.com/sapics/ip-location-db/main/"

// Refresh timing and limits of the upstream datasets.
const (
	upstreamRefresh  = 24 * time.Hour
	upstreamRetry    = time.Hour
	upstreamTimeout  = 5 * time.Minute
	upstreamMaxBytes = 256 << 20
	// upstreamMaxShrink: a refresh with fewer than half the rows of the
	// data in use is refused as poisoned.
	upstreamMaxShrink = 0.5
)

// errPoisoned is a dataset refresh refused because it looked poisoned
// (empty, or far smaller than the data in use); the data in use is kept.
var errPoisoned = fmt.Errorf("builtin: refresh %w", source.ErrPoisoned)

type upstreamFile struct {
	dataset string // the Dataset name, as in the manifest
	kind    string // snapshot.KindCountry or snapshot.KindASN
	url     string
	v6      bool
	cache   *filecache.Cache
	etag    string // validators of the copy in the cache
	lastMod string
}

// dsState is what live mode knows about one upstream dataset.
type dsState struct {
	origin      source.Origin
	updated     time.Time // the newest Last-Modified of its files
	entries     int
	lastRefresh time.Time
	nextRefresh time.Time
	lastErr     error
}

type upstream struct {
	src     *Source
	client  *http.Client
	files   []*upstreamFile
	guard   float64 // the largest share of rows a refresh may lose (liveConfig.guard)
	mu      sync.Mutex
	state   map[string]*dsState
	rows    map[string]int // rows of the data in use, by file URL
	builtAt time.Time      // when the data in use was built from upstream
}

// newUpstream refreshes s's datasets into dir; guard is the largest share
// of rows a refresh may lose (0: upstreamMaxShrink).
func newUpstream(s *Source, client *http.Client, dir string, guard float64) *upstream {
	if guard == 0 {
		guard = upstreamMaxShrink
	}
	u := &upstream{src: s, client: client, guard: guard,
		state: map[string]*dsState{}, rows: map[string]int{}}
	// The datasets the data in use was built from, each refreshed from
	// the same dataset upstream: the generator's choice holds in live mode.
	for _, in := range s.cur.Load().manifest.Inputs {
		for _, v6 := range []bool{false, true} {
			name := fmt.Sprintf("%s-ipv%d", in.Dataset, map[bool]int{false: 4, true: 6}[v6])
			url := upstreamBase + in.Dataset + "/" + name + ".csv"
			u.files = append(u.files, &upstreamFile{dataset: in.Dataset, kind: in.Kind, url: url, v6: v6,
				cache: filecache.New(dir, name, url, upstreamMaxBytes)})
			u.rows[url] = map[bool]int{false: in.Rows4, true: in.Rows6}[v6]
		}
		u.state[in.Dataset] = &dsState{origin: source.OriginEmbedded}
	}
	return u
}

// run loads the cached copies, downloads when they are missing or older
// than the refresh interval, then refreshes daily until ctx ends. ready is
// closed after the first pass.
func (u *upstream) run(ctx context.Context, ready chan<- struct{}) {
	confirmed, cachedAll := u.cacheAge()
	network := !cachedAll || time.Since(confirmed) >= upstreamRefresh
	err := u.refresh(ctx, network)
	close(ready)
	for {
		wait := upstreamRefresh
		switch {
		case err != nil:
			wait = upstreamRetry
		case !network:
			wait = max(upstreamRefresh-time.Since(confirmed), time.Minute)
		}
		u.mu.Lock()
		for _, st := range u.state {
			st.nextRefresh = time.Now().Add(wait)
		}
		u.mu.Unlock()
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
		network = true
		err = u.refresh(ctx, true)
	}
}

// cacheAge returns when the oldest cached file was last known current,
// and whether every file is cached.
func (u *upstream) cacheAge() (oldest time.Time, all bool) {
	all = true
	for _, f := range u.files {
		m, _, confirmed, err := f.cache.Load()
		if err != nil {
			return time.Time{}, false
		}
		f.etag, f.lastMod = m.ETag, m.LastModified
		if oldest.IsZero() || confirmed.Before(oldest) {
			oldest = confirmed
		}
	}
	return oldest, all
}

// fetched is one file's body for a build.
type fetched struct {
	body    []byte
	fresh   bool // downloaded now, to be cached once accepted
	etag    string
	lastMod string
}

// refresh rebuilds the tables from the four files, downloading each (with
// network) or reading its cached copy, and swaps them in if they pass the
// guard. A failure keeps the data in use and is recorded per dataset.
func (u *upstream) refresh(ctx context.Context, network bool) error {
	now := time.Now()
	got := make([]fetched, len(u.files))
	var errs []error
	changed := u.builtAt.IsZero()
	for i, f := range u.files {
		var err error
		if network {
			got[i], err = u.download(ctx, f)
		}
		if !network || err != nil || got[i].body == nil { // 304, offline or failed: the cache
			m, body, _, cerr := f.cache.Load()
			if cerr != nil {
				if err != nil {
					errs = append(errs, fmt.Errorf("%s: %w; no cached copy: %w", f.url, err, cerr))
				} else {
					errs = append(errs, fmt.Errorf("%s: no cached copy: %w", f.url, cerr))
				}
				continue
			}
			got[i] = fetched{body: body, etag: m.ETag, lastMod: m.LastModified}
			if err != nil {
				errs = append(errs, fmt.Errorf("%s: %w (using the cached copy)", f.url, err))
			}
		}
		changed = changed || got[i].fresh
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	err := oneline.Join(errs...)
	missing := false
	for _, g := range got {
		missing = missing || g.body == nil
	}
	if !missing && changed {
		if berr := u.build(got); berr != nil {
			err = oneline.Join(err, berr)
		} else {
			u.commit(got, network, now)
		}
	}
	u.mu.Lock()
	for _, st := range u.state {
		st.lastErr = err
		if err == nil || !missing {
			st.lastRefresh = now
		}
	}
	u.mu.Unlock()
	return err
}

// download fetches f conditionally. A nil body with a nil error means
// unchanged (304).
func (u *upstream) download(ctx context.Context, f *upstreamFile) (fetched, error) {
	ctx, cancel := context.WithTimeout(ctx, upstreamTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, f.url, nil)
	if err != nil {
		return fetched{}, err
	}
	req.Header.Set("User-Agent", "ipintel-builtin/1")
	if f.etag != "" {
		req.Header.Set("If-None-Match", f.etag)
	}
	if f.lastMod != "" {
		req.Header.Set("If-Modified-Since", f.lastMod)
	}
	resp, err := u.client.Do(req)
	if err != nil {
		return fetched{}, err
	}
	defer resp.Body.Close()
	switch {
	case resp.StatusCode == http.StatusNotModified:
		f.cache.Touch(time.Now())
		return fetched{}, nil
	case resp.StatusCode != http.StatusOK:
		return fetched{}, fmt.Errorf("HTTP %s", resp.Status)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, upstreamMaxBytes+1))
	if err != nil {
		return fetched{}, err
	}
	if len(body) > upstreamMaxBytes {
		return fetched{}, fmt.Errorf("more than %d bytes", upstreamMaxBytes)
	}
	return fetched{body: body, fresh: true, etag: resp.Header.Get("ETag"), lastMod: resp.Header.Get("Last-Modified")}, nil
}

// build parses the files, checks them against the data in use and swaps
// the new tables in.
func (u *upstream) build(got []fetched) error {
	in := snapshot.Input{Countries: snapshot.NewDict[string](), Networks: snapshot.NewDict[snapshot.Network]()}
	rows := map[string]int{} // by file URL
	for i, f := range u.files {
		var rs []snapshot.Range
		var err error
		if f.kind == snapshot.KindASN {
			rs, err = snapshot.ParseASNCSV(bytes.NewReader(got[i].body), f.v6, in.Networks)
		} else {
			rs, err = snapshot.ParseCountryCSV(bytes.NewReader(got[i].body), f.v6, in.Countries)
		}
		if err != nil {
			return fmt.Errorf("builtin: %s: %w", f.url, err)
		}
		switch {
		case f.kind == snapshot.KindASN && f.v6:
			in.ASN6 = rs
		case f.kind == snapshot.KindASN:
			in.ASN4 = rs
		case f.v6:
			in.Country6 = rs
		default:
			in.Country4 = rs
		}
		rows[f.url] = len(rs)
	}
	for url, n := range rows {
		if floor := float64(u.rows[url]) * (1 - u.guard); n == 0 || float64(n) < floor {
			return fmt.Errorf("%w: %s has %d rows, down from %d", errPoisoned, url, n, u.rows[url])
		}
	}
	t, err := buildTables(in)
	if err != nil {
		return err
	}
	cur := u.src.cur.Load()
	u.src.cur.Store(&data{tables: t, manifest: cur.manifest})
	u.mu.Lock()
	for url, n := range rows {
		u.rows[url] = n
	}
	u.mu.Unlock()
	return nil
}

// commit caches the new bodies and records where the data came from.
func (u *upstream) commit(got []fetched, network bool, now time.Time) {
	u.mu.Lock()
	defer u.mu.Unlock()
	u.builtAt = now
	for _, st := range u.state {
		st.origin, st.updated, st.entries = source.OriginCache, time.Time{}, 0
	}
	for i, f := range u.files {
		g := got[i]
		if g.fresh {
			f.etag, f.lastMod = g.etag, g.lastMod
			// A cache write failure must not lose a good refresh.
			_ = f.cache.Save(filecache.Meta{ETag: g.etag, LastModified: g.lastMod, Saved: now.UTC()}, g.body)
		}
		st := u.state[f.dataset]
		st.entries += u.rows[f.url]
		if network {
			st.origin = source.OriginNetwork
		}
		if t, err := http.ParseTime(g.lastMod); err == nil && t.After(st.updated) {
			st.updated = t
		}
	}
}

// patch returns the embedded datasets with the live state of the
// refreshed ones.
func (u *upstream) patch(in []source.Dataset) []source.Dataset {
	u.mu.Lock()
	defer u.mu.Unlock()
	out := make([]source.Dataset, len(in))
	for i, d := range in {
		if st, ok := u.state[d.Name]; ok {
			if st.origin != source.OriginEmbedded {
				d.Origin, d.Entries = st.origin, st.entries
				d.Version = "ip-location-db, live"
				if !st.updated.IsZero() {
					d.Version = "ip-location-db " + st.updated.UTC().Format(time.DateOnly)
					d.Updated = st.updated
				}
			}
			d.LastRefresh, d.NextRefresh, d.LastError = st.lastRefresh, st.nextRefresh, st.lastErr
		}
		out[i] = d
	}
	return out
}
