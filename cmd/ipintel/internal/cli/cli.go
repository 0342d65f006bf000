// Package cli builds an ipintel Client from command-line flags for the
// ipintel command's subcommands: the builtin source (real open data compiled in) by
// default, and in front of it real MMDB files, feed files or URLs, hosted
// APIs with keys from the environment, or, with -sample, the invented
// sample databases compiled in (see sample.go).
package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/ipintel/ipintel"
	"github.com/ipintel/ipintel/builtin"
	"github.com/ipintel/ipintel/source"
	"github.com/ipintel/ipintel/source/feed"
	"github.com/ipintel/ipintel/source/mmdb"
	"github.com/ipintel/ipintel/source/remote"
)

// Flags are the data-source flags shared by the examples.
type Flags struct {
	City, ASN, Anon string
	Sample          bool
	MMDBs           list
	Feeds           list
	Presets         string
	Remote          string
	CacheDir        string
	Timeout         time.Duration
	Budget          time.Duration
	Offline         bool
	// HTTPClient, when set, is the client live mode downloads with (tests
	// point it at a local server); not a flag.
	HTTPClient *http.Client
}

type list []string

func (l *list) String() string     { return strings.Join(*l, ",") }
func (l *list) Set(s string) error { *l = append(*l, s); return nil }

// Register adds the flags to fs.
func (f *Flags) Register(fs *flag.FlagSet) {
	fs.StringVar(&f.City, "city", "", "City or Country MMDB, asked before the built-in data")
	fs.StringVar(&f.ASN, "asn", "", "ASN or ISP MMDB, asked before the built-in data")
	fs.StringVar(&f.Anon, "anon", "", "Anonymous-IP or Anonymous-Plus MMDB, asked before the built-in data")
	fs.BoolVar(&f.Sample, "sample", false, "also use the invented sample databases compiled in (for -city, -asn, -anon\n"+
		"not given) to demonstrate VPN, proxy and Tor answers; not real data")
	fs.Var(&f.MMDBs, "mmdb", "another MMDB of any supported type (repeatable)")
	fs.Var(&f.Feeds, "feed", "a feed file or http(s) URL, as [kind[:Provider][@confidence]=]PATH, e.g. tor=exits.txt,\n"+
		"vpn:NordVPN@90=nord.txt or monitoring:UptimeRobot=https://… (repeatable; kinds: vpn proxy\n"+
		"tor relay hosting residential_proxy monitoring abuse bot; the default kind is abuse; the\n"+
		"confidence defaults to the catalog's for the kind, e.g. tor 100, and a catalog URL takes\n"+
		"that feed's settings)")
	fs.StringVar(&f.Presets, "feeds", "", "with -offline, public feeds to download (and keep in -cache-dir, refreshed when stale,\n"+
		"used offline): catalog for all of them, or a comma-separated list of names from\n"+
		feedNames()+"\n(see source/feed/README.md for each one's terms)")
	fs.StringVar(&f.Remote, "remote", "", "hosted APIs to ask too, comma-separated: vectraip,vpnsignal,datpaq\n"+
		"(keys from VECTRAIP_API_KEY, VPNSIGNAL_API_KEY, DATPAQ_API_KEY; base URLs from\n"+
		"VECTRAIP_BASE_URL, VPNSIGNAL_BASE_URL, DATPAQ_BASE_URL)")
	fs.StringVar(&f.CacheDir, "cache-dir", defaultCacheDir(), "where live data and feeds fetched from URLs are kept for offline restarts")
	fs.DurationVar(&f.Timeout, "timeout", 30*time.Second, "deadline for fetching feeds at start-up")
	fs.BoolVar(&f.Offline, "offline", false, "answer from the data compiled in only: by default the builtin data is live, every\n"+
		"catalog feed (Tor, VPN servers, iCloud Private Relay, cloud ranges, monitoring probes) and\n"+
		"the country and AS datasets downloaded and refreshed, kept in -cache-dir for offline starts")
	fs.DurationVar(&f.Budget, "startup-budget", builtin.DefaultStartupBudget, "longest wait for the network at start-up before the live data and\n"+
		"-feeds answer from their cached copy (or the embedded data) and load in the background")
}

func defaultCacheDir() string {
	dir, err := os.UserCacheDir()
	if err != nil {
		return ""
	}
	return filepath.Join(dir, "ipintel")
}

// Client opens the sources the flags name and builds a Client from them.
// Notes for the user (such as "answering from the bundled sample data") go
// to stderr.
func (f *Flags) Client(ctx context.Context, getenv func(string) string, stderr io.Writer, opts ...ipintel.Option) (*ipintel.Client, error) {
	srcs, err := f.Sources(ctx, getenv, stderr)
	if err != nil {
		return nil, err
	}
	c, err := ipintel.New(append([]ipintel.Option{ipintel.WithSources(srcs...)}, opts...)...)
	if err != nil {
		closeAll(srcs)
		return nil, err
	}
	return c, nil
}

// Sources opens the sources the flags name, in priority order, with the
// builtin source last: every flag adds data in front of it.
func (f *Flags) Sources(ctx context.Context, getenv func(string) string, stderr io.Writer) (srcs []source.Source, err error) {
	defer func() {
		if err != nil {
			closeAll(srcs)
			srcs = nil
		}
	}()
	usedBundled := false
	for _, db := range []struct {
		path       *string
		file, name string
	}{
		{&f.City, SampleCity, "geo"},
		{&f.ASN, SampleASN, "asn"},
		{&f.Anon, SampleAnonymous, "anonymous"},
	} {
		path := *db.path
		name := db.name
		if path == "" && !f.Sample {
			continue
		}
		var s *mmdb.Source
		var err error
		if path == "" {
			s, err = OpenSample(db.file, "sample-"+name)
			usedBundled = true
		} else {
			s, err = mmdb.Open(path, mmdb.WithName(name))
		}
		if err != nil {
			return srcs, err
		}
		srcs = append(srcs, s)
	}
	if usedBundled {
		fmt.Fprintln(stderr, "ipintel: -sample: the bundled sample data (illustrative, not a real feed) answers first; pass -city, -asn, -anon for real databases")
	}
	for i, path := range f.MMDBs {
		s, err := mmdb.Open(path, mmdb.WithName(fmt.Sprintf("mmdb-%d-%s", i+1, strings.TrimSuffix(filepath.Base(path), ".mmdb"))))
		if err != nil {
			return srcs, err
		}
		srcs = append(srcs, s)
	}
	args := make([]feedArg, len(f.Feeds))
	for i, arg := range f.Feeds {
		if args[i], err = parseFeedArg(arg); err != nil {
			return srcs, err
		}
	}
	uniqueFeedNames(args)
	var feeds []*feed.Feed
	for _, arg := range args {
		fd, err := f.openFeed(ctx, arg)
		if err != nil {
			for _, fd := range feeds {
				fd.Close()
			}
			return srcs, err
		}
		feeds = append(feeds, fd)
	}
	presets, err := f.openPresets(ctx, stderr)
	if err != nil {
		for _, fd := range feeds {
			fd.Close()
		}
		return srcs, err
	}
	feeds = append(feeds, presets...)
	if len(feeds) > 0 {
		set, err := feed.NewSet(feeds...)
		if err != nil {
			for _, fd := range feeds {
				fd.Close()
			}
			return srcs, err
		}
		srcs = append(srcs, set)
	}
	remotes, err := openRemotes(f.Remote, getenv)
	srcs = append(srcs, remotes...)
	if err != nil {
		return srcs, err
	}
	b, err := f.openBuiltin(stderr)
	if err != nil {
		return srcs, err
	}
	return append(srcs, b), nil
}

// openBuiltin opens the builtin source, in live mode unless -offline. With
// no network it answers from the embedded data (or what an earlier run
// cached) after one warning line.
func (f *Flags) openBuiltin(stderr io.Writer) (*builtin.Source, error) {
	if f.Offline {
		return builtin.Open(builtin.WithLogger(slog.New(warnHandler{w: stderr, hint: "without -offline, ipintel uses live data"})))
	}
	opts := []builtin.Option{builtin.WithLogger(slog.New(warnHandler{w: stderr}))}
	if f.CacheDir == "" {
		fmt.Fprintln(stderr, "ipintel: warning: no cache directory (set -cache-dir): answering from the embedded data only")
		return builtin.Open(opts...)
	}
	opts = append(opts, builtin.WithLive(filepath.Join(f.CacheDir, "live")), builtin.WithStartupBudget(f.Budget))
	if f.HTTPClient != nil {
		opts = append(opts, builtin.WithHTTPClient(f.HTTPClient))
	}
	b, err := builtin.Open(opts...)
	if err != nil {
		return nil, err
	}
	reportDatasets(stderr, "live", b.Datasets())
	return b, nil
}

// warnHandler writes the builtin source's log records at Warn and above
// as one "ipintel: warning: …" line each, with hint, if any, after it.
type warnHandler struct {
	w     io.Writer
	hint  string
	attrs []slog.Attr
}

func (h warnHandler) Enabled(_ context.Context, l slog.Level) bool { return l >= slog.LevelWarn }

func (h warnHandler) Handle(_ context.Context, r slog.Record) error {
	var b strings.Builder
	b.WriteString("ipintel: warning: ")
	b.WriteString(r.Message)
	add := func(a slog.Attr) bool {
		fmt.Fprintf(&b, " %s=%v", a.Key, a.Value)
		return true
	}
	for _, a := range h.attrs {
		add(a)
	}
	r.Attrs(add)
	if h.hint != "" {
		b.WriteString(" (" + h.hint + ")")
	}
	b.WriteByte('\n')
	_, err := io.WriteString(h.w, b.String())
	return err
}

func (h warnHandler) WithAttrs(as []slog.Attr) slog.Handler {
	h.attrs = append(slices.Clip(h.attrs), as...)
	return h
}

func (h warnHandler) WithGroup(string) slog.Handler { return h }

// openFeed opens one parsed -feed argument (see parseFeedArg).
func (f *Flags) openFeed(ctx context.Context, fa feedArg) (*feed.Feed, error) {
	if strings.HasPrefix(fa.target, "http://") || strings.HasPrefix(fa.target, "https://") {
		opts := []feed.Option{feed.WithTimeout(f.Timeout)}
		if f.CacheDir != "" {
			opts = append(opts, feed.WithCacheDir(f.CacheDir))
		}
		return feed.FromURL(ctx, fa.target, fa.spec, opts...)
	}
	return feed.Open(fa.target, fa.spec)
}

// openPresets downloads the catalog feeds -feeds names. A feed that cannot
// be had (offline with nothing cached) is skipped with a warning, so one
// unreachable publisher does not stop the lookup.
func (f *Flags) openPresets(ctx context.Context, stderr io.Writer) ([]*feed.Feed, error) {
	if f.Presets == "" {
		return nil, nil
	}
	if !f.Offline {
		// Live mode loads every catalog feed already: loading them again
		// would download each twice and repeat its signals.
		fmt.Fprintln(stderr, "ipintel: note: -feeds is for -offline runs; live mode (the default) already keeps every catalog feed")
		return nil, nil
	}
	var want []feed.Preset
	if f.Presets == "catalog" {
		for _, p := range feed.Catalog() {
			if p.URL != "" {
				want = append(want, p)
			}
		}
	} else {
		for _, name := range strings.Split(f.Presets, ",") {
			p, ok := feed.CatalogPreset(strings.TrimSpace(name))
			if !ok {
				return nil, fmt.Errorf("-feeds: no catalog feed named %q (have %s)", name, feedNames())
			}
			if p.URL == "" {
				return nil, fmt.Errorf("-feeds: catalog feed %q has no fixed URL: download its file and pass it with -feed", name)
			}
			want = append(want, p)
		}
	}
	opts := []feed.Option{feed.WithTimeout(f.Timeout), feed.WithStartupBudget(f.Budget)}
	if f.CacheDir != "" {
		opts = append(opts, feed.WithCacheDir(f.CacheDir))
	}
	// Concurrently, each within the budget: a cached copy is used at once
	// when fresh, or when the network does not answer in time.
	opened := make([]*feed.Feed, len(want))
	errs := make([]error, len(want))
	var wg sync.WaitGroup
	for i, p := range want {
		wg.Go(func() { opened[i], errs[i] = p.Open(ctx, opts...) })
	}
	wg.Wait()
	var out []*feed.Feed
	for i, fd := range opened {
		if errs[i] != nil {
			fmt.Fprintf(stderr, "ipintel: skipping feed %s: %v\n", want[i].Spec.Name, errs[i])
			continue
		}
		out = append(out, fd)
	}
	if err := ctx.Err(); err != nil {
		for _, fd := range out {
			fd.Close()
		}
		return nil, err
	}
	var ds []source.Dataset
	for _, fd := range out {
		ds = append(ds, fd.Datasets()...)
	}
	reportDatasets(stderr, "feeds", ds)
	return out, nil
}

// reportDatasets says in one line which data answers and how old it is.
// When some datasets could not be fetched (no network, a publisher down)
// that line is a warning naming a few of them and the first error, not a
// line per dataset.
func reportDatasets(w io.Writer, what string, ds []source.Dataset) {
	if len(ds) == 0 {
		return
	}
	count := map[source.Origin]int{}
	var oldest time.Duration
	var failed []string
	var firstErr error
	for _, d := range ds {
		count[d.Origin]++
		if d.Origin == source.OriginCache {
			oldest = max(oldest, time.Since(d.LastRefresh))
		}
		if d.LastError != nil || d.Origin == "" {
			failed = append(failed, d.Name)
			if firstErr == nil {
				firstErr = d.LastError
			}
		}
	}
	var from []string
	if n := count[source.OriginNetwork]; n > 0 || len(failed) == 0 {
		from = append(from, fmt.Sprintf("%d datasets downloaded now", n))
	}
	if n := count[source.OriginCache]; n > 0 {
		from = append(from, fmt.Sprintf("%d from the cache (oldest %s)", n, oldest.Round(time.Minute)))
	}
	if n := count[source.OriginEmbedded]; n > 0 {
		from = append(from, fmt.Sprintf("%d embedded", n))
	}
	if len(failed) == 0 {
		fmt.Fprintf(w, "ipintel: %s: %s\n", what, strings.Join(from, ", "))
		return
	}
	names := strings.Join(failed[:min(len(failed), 3)], ", ")
	if len(failed) > 3 {
		names += fmt.Sprintf(" and %d more", len(failed)-3)
	}
	answering := "nothing yet"
	if len(from) > 0 {
		answering = strings.Join(from, ", ")
	}
	if n := count[source.OriginEmbedded]; n > 0 && count[source.OriginNetwork]+count[source.OriginCache] == 0 {
		answering = "the embedded data"
	}
	msg := fmt.Sprintf("ipintel: warning: %s: %d of %d datasets could not be refreshed (%s); answering from %s; retrying in the background",
		what, len(failed), len(ds), names, answering)
	if firstErr != nil {
		msg += fmt.Sprintf(" (first error: %s)", oneLine(firstErr.Error(), 160))
	}
	fmt.Fprintln(w, msg)
}

// oneLine returns s on one line, cut to its last n bytes: a wrapped Go
// error ends with its cause.
func oneLine(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > n {
		cut := len(s) - n
		for cut < len(s) && !utf8.RuneStart(s[cut]) {
			cut++
		}
		s = "…" + s[cut:]
	}
	return s
}

// feedNames lists the catalog feeds -feeds can download: those with a
// fixed URL (Azure's file, for one, has none; pass it with -feed).
func feedNames() string {
	var names []string
	for _, p := range feed.Catalog() {
		if p.URL != "" {
			names = append(names, p.Spec.Name)
		}
	}
	return strings.Join(names, ", ")
}

func openRemotes(names string, getenv func(string) string) ([]source.Source, error) {
	var out []source.Source
	for _, name := range strings.Split(names, ",") {
		name = strings.ToLower(strings.TrimSpace(name))
		if name == "" {
			continue
		}
		var ctor func(string, ...remote.Option) (*remote.Source, error)
		var prefix string
		switch name {
		case "vectraip":
			ctor, prefix = remote.VectraIP, "VECTRAIP"
		case "vpnsignal":
			ctor, prefix = remote.VPNSignal, "VPNSIGNAL"
		case "datpaq":
			ctor, prefix = remote.Datpaq, "DATPAQ"
		default:
			closeAll(out)
			return nil, fmt.Errorf("-remote: unknown API %q (want vectraip, vpnsignal or datpaq)", name)
		}
		key := getenv(prefix + "_API_KEY")
		if key == "" {
			closeAll(out)
			return nil, fmt.Errorf("-remote %s: set %s_API_KEY", name, prefix)
		}
		var opts []remote.Option
		if u := getenv(prefix + "_BASE_URL"); u != "" {
			opts = append(opts, remote.WithBaseURL(u))
		}
		s, err := ctor(key, opts...)
		if err != nil {
			closeAll(out)
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

func closeAll(srcs []source.Source) {
	for _, s := range srcs {
		if c, ok := s.(io.Closer); ok {
			c.Close()
		}
	}
}
