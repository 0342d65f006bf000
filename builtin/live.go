package builtin

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/netip"
	"path/filepath"
	"sync"
	"time"

	"github.com/ipintel/ipintel/source"
	"github.com/ipintel/ipintel/source/feed"
)

// DefaultStartupBudget is how long [Open] waits for the network in live
// mode before it returns with what is embedded or cached.
const DefaultStartupBudget = 3 * time.Second

// liveConfig holds the live-mode options.
type liveConfig struct {
	on       bool
	cacheDir string
	client   *http.Client
	budget   time.Duration
	guard    float64 // the upstream datasets' MaxShrink; 0 is upstreamMaxShrink, tests with small data use 1
}

// WithLive turns on live mode, which fetches data over the network (a
// library never does by default): every catalog feed of [feed.Catalog]
// (Tor, Apple Private Relay, cloud ranges, X4BNet, the VPN providers'
// own lists, monitoring probes) joins the embedded data, and the embedded
// country and AS datasets are refreshed from their upstream, ip-location-db's
// published files, daily. Each keeps its last good copy in cacheDir
// (created if needed) so a restart without network starts from it, and
// each refresh passes the poisoning guard (empty, a too-short prefix, a
// collapse in size: refused, the data in use kept). [Open] returns within
// the start-up budget ([WithStartupBudget]); the rest arrives in the
// background. [Source.Close] stops every goroutine. An empty cacheDir is
// an error: live mode without a cache would download everything at every
// start.
//
// Where a catalog feed states a prefix's location itself (Apple's Private
// Relay, DigitalOcean and Linode geofeeds; the AWS, Google Cloud and Oracle
// regions), that location answers ahead of the embedded country, with the
// country's name and continent; such a lookup allocates one Geo.
func WithLive(cacheDir string) Option {
	return func(c *config) error {
		if cacheDir == "" {
			return fmt.Errorf("builtin: %w: WithLive(\"\"): needs a cache directory", source.ErrInvalidOption)
		}
		c.live.on, c.live.cacheDir = true, cacheDir
		return nil
	}
}

// WithHTTPClient sets the HTTP client live mode downloads with (proxies,
// tests). Default: a client of its own.
func WithHTTPClient(hc *http.Client) Option {
	return func(c *config) error {
		if hc == nil {
			return fmt.Errorf("builtin: %w: WithHTTPClient(nil)", source.ErrInvalidOption)
		}
		c.live.client = hc
		return nil
	}
}

// WithStartupBudget bounds how long [Open] waits for the network in live
// mode; default [DefaultStartupBudget]. Feeds and datasets that have not
// arrived by then answer from their cached copy, or not at all, until
// their download completes.
func WithStartupBudget(d time.Duration) Option {
	return func(c *config) error {
		if d < 0 {
			return fmt.Errorf("builtin: %w: WithStartupBudget(%v): must not be negative", source.ErrInvalidOption, d)
		}
		c.live.budget = d
		return nil
	}
}

// live is the running live mode of a Source.
type live struct {
	feeds *feed.Set // nil when no feed could be opened
	// failed holds a Dataset, with its LastError, for each catalog feed
	// that could not be opened at all (one offline with nothing cached
	// still opens, empty, and reports in its own Dataset).
	failed   []source.Dataset
	upstream *upstream
	cancel   context.CancelFunc
	done     chan struct{} // closed when the upstream refresher returns
	once     sync.Once
	// ownClient is the HTTP client live mode made for itself (nil when the
	// user gave one): Close drops its idle keep-alive connections, whose
	// goroutines would otherwise outlive the Source.
	ownClient *http.Client
}

// startLive opens the catalog feeds and starts the dataset refresher, and
// returns by the budget.
func (s *Source) startLive() {
	cfg := s.cfg.live
	if cfg.budget <= 0 {
		cfg.budget = DefaultStartupBudget
	}
	var own *http.Client
	if cfg.client == nil {
		// A transport of our own, not http.DefaultTransport, so that Close
		// can drop its connections without touching the rest of the process.
		own = &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}
		cfg.client = own
	}
	ctx, cancel := context.WithCancel(context.Background())
	l := &live{cancel: cancel, done: make(chan struct{}), ownClient: own}
	deadline := time.Now().Add(cfg.budget)

	l.upstream = newUpstream(s, cfg.client, filepath.Join(cfg.cacheDir, "datasets"), cfg.guard)
	ready := make(chan struct{})
	go func() {
		defer close(l.done)
		l.upstream.run(ctx, ready)
	}()

	var presets []feed.Preset
	for _, p := range feed.Catalog() {
		if p.URL != "" {
			presets = append(presets, p)
		}
	}
	feedOpts := []feed.Option{
		feed.WithCacheDir(filepath.Join(cfg.cacheDir, "feeds")),
		feed.WithStartupBudget(cfg.budget),
	}
	if cfg.client != nil {
		feedOpts = append(feedOpts, feed.WithHTTPClient(cfg.client))
	}
	var err error
	if l.feeds, err = feed.OpenAll(ctx, presets, feedOpts...); err != nil {
		l.failed = failedFeeds(err)
		s.cfg.logger.Warn("builtin: live mode could not open some catalog feeds; it answers without them", "error", err)
	}

	// The datasets' cached copy (or download) may land within the budget.
	t := time.NewTimer(time.Until(deadline))
	select {
	case <-ready:
	case <-t.C:
	}
	t.Stop()
	s.live = l
}

// lookup adds the feeds' signals to rec, the embedded answer. The merged
// Signals are a new slice: rec's are shared. A feed's location is what the
// network publishes about itself (a geofeed row, a cloud region): it
// replaces the embedded country, which is a database's estimate, and is
// completed with the country's name and continent.
func (l *live) lookup(ctx context.Context, rec source.Record, addr netip.Addr) source.Record {
	if l == nil || l.feeds == nil {
		return rec
	}
	fr, err := l.feeds.Lookup(ctx, addr)
	if err != nil || fr.IsZero() {
		return rec
	}
	sigs := make([]source.Signal, 0, len(rec.Signals)+len(fr.Signals))
	rec.Signals = append(append(sigs, rec.Signals...), fr.Signals...)
	switch {
	case fr.Geo != nil && fr.Geo.Authoritative && fr.Geo.CountryCode != "":
		rec.Geo = withCountryFacts(fr.Geo)
	case rec.Geo == nil:
		rec.Geo = fr.Geo
	}
	if !rec.Prefix.IsValid() || (fr.Prefix.IsValid() && fr.Prefix.Bits() > rec.Prefix.Bits()) {
		rec.Prefix = fr.Prefix
	}
	return rec
}

// withCountryFacts returns a copy of g, which is shared, with the country
// name, continent and EU membership of its country code filled in.
func withCountryFacts(g *source.Geo) *source.Geo {
	out := *g
	if c, ok := countryByCode(g.CountryCode); ok {
		if out.CountryName == "" {
			out.CountryName = c.name
		}
		if out.Continent == "" {
			out.Continent = c.continent
		}
		out.InEU = out.InEU || c.inEU
	}
	return &out
}

// failedFeeds turns feed.OpenAll's joined error into one Dataset per
// feed that could not be opened, named after it when the error says which.
func failedFeeds(err error) []source.Dataset {
	errs := []error{err}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		errs = j.Unwrap()
	}
	var out []source.Dataset
	for _, e := range errs {
		d := source.Dataset{Name: feed.SetName, LastError: e}
		var fe *feed.Error
		if errors.As(e, &fe) {
			d.Name = fe.Feed
		}
		out = append(out, d)
	}
	return out
}

// datasets patches the embedded datasets with their live state and adds
// the feeds', those that could not be opened included.
func (l *live) datasets(embedded []source.Dataset) []source.Dataset {
	if l == nil {
		return embedded
	}
	out := l.upstream.patch(embedded)
	if l.feeds != nil {
		out = append(out, l.feeds.Datasets()...)
	}
	return append(out, l.failed...)
}

// Close stops live mode: the dataset refresher and every feed's, and
// waits for them. Lookups keep answering from the data in use. Without
// live mode it does nothing. Close is idempotent.
func (s *Source) Close() error {
	l := s.live
	if l == nil {
		return nil
	}
	var err error
	l.once.Do(func() {
		l.cancel()
		<-l.done
		if l.feeds != nil {
			err = l.feeds.Close()
		}
		if l.ownClient != nil {
			l.ownClient.CloseIdleConnections()
		}
	})
	return err
}
