package ipintel

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/netip"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ipintel/ipintel/source"
)

func sourceStats(t *testing.T, st Stats, name string) SourceStats {
	t.Helper()
	for _, s := range st.Sources {
		if s.Name == name {
			return s
		}
	}
	t.Fatalf("no stats for source %q in %+v", name, st)
	return SourceStats{}
}

func TestStatsCountsLookupsAndMisses(t *testing.T) {
	geo, feed := fixtureSources()
	c := newClient(t, WithSources(geo, feed))
	ctx := context.Background()
	for _, ip := range []string{"45.130.202.105", "1.1.1.1", "8.8.8.8"} {
		if _, err := c.Lookup(ctx, ip); err != nil {
			t.Fatal(err)
		}
	}
	var r Result
	if err := c.LookupInto(ctx, "185.220.101.1", &r); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Lookup(ctx, "not an ip"); err == nil {
		t.Fatal("bad input looked up")
	}
	// A batch of 3 valid inputs, one of them a duplicate, and a bad one.
	if _, err := c.LookupBatch(ctx, []string{"1.1.1.1", "1.1.1.1", "9.9.9.9", "x"}); err != nil {
		t.Fatal(err)
	}
	st := c.Stats()
	if st.Lookups != 7 || st.CacheHits != 0 || st.CacheMisses != 0 {
		t.Errorf("Lookups, CacheHits, CacheMisses = %d, %d, %d, want 7, 0, 0", st.Lookups, st.CacheHits, st.CacheMisses)
	}
	// geo knows 45.130.202.105, 1.1.1.1, 185.220.101.1 (and 1.1.1.1 again in
	// the batch): it missed 8.8.8.8 and 9.9.9.9. threats knows two.
	for _, want := range []SourceStats{
		{Name: "geo", Calls: 6, Misses: 2},
		{Name: "threats", Calls: 6, Misses: 4},
	} {
		got := sourceStats(t, st, want.Name)
		if got.Calls != want.Calls || got.Misses != want.Misses || got.Errors != 0 || got.Remote {
			t.Errorf("%s: Calls %d Misses %d Errors %d Remote %v, want %d %d 0 false",
				want.Name, got.Calls, got.Misses, got.Errors, got.Remote, want.Calls, want.Misses)
		}
		if got.Latency.Count != 0 {
			t.Errorf("%s: a local source was timed (%d)", want.Name, got.Latency.Count)
		}
	}
}

func TestStatsCache(t *testing.T) {
	geo, feed := fixtureSources()
	c := newClient(t, WithSources(geo, feed), WithCache(100, time.Hour))
	ctx := context.Background()
	for range 3 {
		if _, err := c.Lookup(ctx, "1.1.1.1"); err != nil {
			t.Fatal(err)
		}
	}
	var r Result
	if err := c.LookupInto(ctx, "1.1.1.1", &r); err != nil {
		t.Fatal(err)
	}
	if _, err := c.LookupBatch(ctx, []string{"1.1.1.1", "8.8.8.8"}); err != nil {
		t.Fatal(err)
	}
	st := c.Stats()
	if st.CacheHits != 4 || st.CacheMisses != 2 || st.Lookups != 6 {
		t.Errorf("CacheHits %d CacheMisses %d Lookups %d, want 4 2 6", st.CacheHits, st.CacheMisses, st.Lookups)
	}
	if g := sourceStats(t, st, "geo"); g.Calls != 2 {
		t.Errorf("geo Calls = %d, want 2 (one per cache miss)", g.Calls)
	}
}

func TestStatsErrorKinds(t *testing.T) {
	rateLimited := newMem("limited")
	rateLimited.fail = fmt.Errorf("provider said 429: %w", source.ErrRateLimited)
	open := newMem("open")
	open.fail = fmt.Errorf("skipped: %w", source.ErrCircuitOpen)
	broken := newMem("broken")
	broken.fail = errors.New("disk on fire")
	panicky := newMem("panicky")
	panicky.panics = true
	slow := newMem("slow")
	slow.traits = source.Traits{Remote: true, Timeout: 20 * time.Millisecond}
	slow.delay = time.Second
	remoteOK := newMem("remote-ok").add("1.1.1.0/24", source.Record{Signals: []source.Signal{sig(source.VPN, 90, "x")}})
	remoteOK.traits = source.Traits{Remote: true}

	c := newClient(t, WithSources(rateLimited, open, broken, panicky, slow, remoteOK))
	for _, ip := range []string{"1.1.1.1", "8.8.8.8"} {
		if _, err := c.Lookup(context.Background(), ip); err != nil {
			t.Fatal(err)
		}
	}
	st := c.Stats()
	for _, want := range []SourceStats{
		{Name: "limited", Errors: 2, RateLimited: 2, Calls: 2},
		{Name: "open", Errors: 2, CircuitOpen: 2, Calls: 2},
		{Name: "broken", Errors: 2, OtherErrors: 2, Calls: 2},
		{Name: "panicky", Errors: 2, Panics: 2, Calls: 2},
		{Name: "slow", Errors: 2, Timeouts: 2, Calls: 2, Remote: true},
		{Name: "remote-ok", Calls: 2, Misses: 1, Remote: true},
	} {
		got := sourceStats(t, st, want.Name)
		if got.Errors != want.Errors || got.RateLimited != want.RateLimited || got.CircuitOpen != want.CircuitOpen ||
			got.OtherErrors != want.OtherErrors || got.Panics != want.Panics || got.Timeouts != want.Timeouts ||
			got.Calls != want.Calls || got.Misses != want.Misses || got.Remote != want.Remote {
			t.Errorf("%s:\n got %+v\nwant %+v", want.Name, got, want)
		}
		if (want.Errors > 0) != (got.LastError != nil) || (want.Errors > 0) != got.Failing {
			t.Errorf("%s: LastError %v, Failing %v", want.Name, got.LastError, got.Failing)
		}
		if want.Remote {
			if got.Latency.Count != 2 || got.Latency.Sum <= 0 {
				t.Errorf("%s: Latency %+v, want 2 timed calls", want.Name, got.Latency)
			}
			last := got.Latency.Buckets[len(got.Latency.Buckets)-1]
			if last.Count != got.Latency.Count {
				t.Errorf("%s: the last bucket (%v) holds %d of %d", want.Name, last.UpperBound, last.Count, got.Latency.Count)
			}
		}
	}
}

func TestStatsBatcher(t *testing.T) {
	mem := newMem("api").add("1.1.1.0/24", source.Record{Signals: []source.Signal{sig(source.VPN, 90, "x")}})
	mem.traits = source.Traits{Remote: true, MaxBatch: 2}
	b := &batchSource{memSource: mem}
	c := newClient(t, WithSources(b))
	if _, err := c.LookupBatch(context.Background(), []string{"1.1.1.1", "1.1.1.2", "8.8.8.8", "8.8.8.8"}); err != nil {
		t.Fatal(err)
	}
	got := sourceStats(t, c.Stats(), "api")
	// 3 distinct addresses in chunks of 2: two calls, one miss.
	if got.Calls != 2 || got.Misses != 1 || got.Latency.Count != 2 {
		t.Errorf("Calls %d Misses %d Latency.Count %d, want 2 1 2", got.Calls, got.Misses, got.Latency.Count)
	}
}

// datasetSource reports one dataset whose LastError the test sets.
type datasetSource struct {
	*memSource
	mu     sync.Mutex
	err    error
	checks atomic.Int64 // Datasets calls
}

func (d *datasetSource) Datasets() []source.Dataset {
	d.checks.Add(1)
	d.mu.Lock()
	defer d.mu.Unlock()
	return []source.Dataset{{Name: "exits", Version: "v1", Entries: 3, LastError: d.err}}
}

func (d *datasetSource) setErr(err error) {
	d.mu.Lock()
	d.err = err
	d.mu.Unlock()
}

func TestStatsDatasets(t *testing.T) {
	ds := &datasetSource{memSource: newMem("tor")}
	c := newClient(t, WithSources(ds, newMem("plain")))
	st := c.Stats()
	got := sourceStats(t, st, "tor").Datasets
	if len(got) != 1 || got[0].Name != "exits" || got[0].Entries != 3 {
		t.Errorf("Datasets = %+v", got)
	}
	if d := sourceStats(t, st, "plain").Datasets; d != nil {
		t.Errorf("a source without DatasetReporter has Datasets %+v", d)
	}
}

// logRecord is one captured log message.
type logRecord struct {
	level slog.Level
	msg   string
	attrs map[string]string
}

// captureHandler keeps every record at or above its level.
type captureHandler struct {
	level slog.Level
	mu    *sync.Mutex
	recs  *[]logRecord
}

func newCapture(level slog.Level) *captureHandler {
	return &captureHandler{level: level, mu: new(sync.Mutex), recs: new([]logRecord)}
}

func (h *captureHandler) Enabled(_ context.Context, l slog.Level) bool { return l >= h.level }
func (h *captureHandler) Handle(_ context.Context, r slog.Record) error {
	lr := logRecord{level: r.Level, msg: r.Message, attrs: map[string]string{}}
	r.Attrs(func(a slog.Attr) bool {
		lr.attrs[a.Key] = a.Value.String()
		return true
	})
	h.mu.Lock()
	*h.recs = append(*h.recs, lr)
	h.mu.Unlock()
	return nil
}
func (h *captureHandler) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h *captureHandler) WithGroup(string) slog.Handler      { return h }

func (h *captureHandler) records() []logRecord {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]logRecord(nil), *h.recs...)
}

// switchSource fails while its flag is set.
type switchSource struct {
	name string
	mu   sync.Mutex
	fail bool
}

func (s *switchSource) Name() string { return s.name }
func (s *switchSource) Lookup(context.Context, netip.Addr) (source.Record, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.fail {
		return source.Record{}, errors.New("backend down")
	}
	return source.Record{}, nil
}
func (s *switchSource) set(fail bool) {
	s.mu.Lock()
	s.fail = fail
	s.mu.Unlock()
}

func TestFailureLogging(t *testing.T) {
	h := newCapture(slog.LevelInfo)
	src := &switchSource{name: "flaky"}
	c := newClient(t, WithSources(src), WithLogger(slog.New(h)))
	lookups := func(n int) {
		for range n {
			if _, err := c.Lookup(context.Background(), "1.1.1.1"); err != nil {
				t.Fatal(err)
			}
		}
	}
	lookups(3)
	src.set(true)
	lookups(50) // one Warn, not fifty
	src.set(false)
	lookups(5) // one Info
	src.set(true)
	lookups(5) // a second failure spell within the minute: not logged
	src.set(false)
	lookups(5) // nor its recovery, since its start was not logged

	recs := h.records()
	if len(recs) != 2 {
		t.Fatalf("%d messages at Info and above, want 2: %+v", len(recs), recs)
	}
	if r := recs[0]; r.level != slog.LevelWarn || r.msg != "ipintel: source failing" ||
		r.attrs["source"] != "flaky" || r.attrs["error"] != "backend down" || r.attrs["kind"] != "other" {
		t.Errorf("first message = %+v", r)
	}
	if r := recs[1]; r.level != slog.LevelInfo || r.msg != "ipintel: source recovered" || r.attrs["failed_calls"] != "50" {
		t.Errorf("second message = %+v", r)
	}
}

func TestFailureLoggingAfterTheMinute(t *testing.T) {
	h := newCapture(slog.LevelInfo)
	src := &switchSource{name: "flaky"}
	c := newClient(t, WithSources(src), WithLogger(slog.New(h)))
	e := &c.sources[0]
	now := time.Now()
	boom := errors.New("boom")
	fail := func(at time.Time) {
		e.stats.health.failed(c, e, boom, kindOther, at)
	}
	fail(now)                       // logged
	e.stats.health.ok(c, e)         // logged
	fail(now.Add(time.Second))      // within the minute: held back
	fail(now.Add(2 * time.Second))  // still held back
	fail(now.Add(61 * time.Second)) // still failing after the minute: logged
	recs := h.records()
	if len(recs) != 3 || recs[2].level != slog.LevelWarn || recs[2].attrs["failed_calls"] != "3" {
		t.Fatalf("messages = %+v, want failing, recovered, failing (3 calls)", recs)
	}
}

// withDatasetCheck sets how often the Client checks its sources' datasets;
// 0 turns the check off.
func withDatasetCheck(d time.Duration) Option {
	return func(c *config) error {
		c.datasetCheck = d
		return nil
	}
}

// waitFor polls cond until it holds, failing the test after 5 s.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

// A reload that fails in the background is logged once by the Client's
// dataset check, and its end once, without any Stats call.
func TestReloadFailureLoggedWithoutStats(t *testing.T) {
	h := newCapture(slog.LevelInfo)
	ds := &datasetSource{memSource: newMem("tor")}
	newClient(t, WithSources(ds), WithLogger(slog.New(h)), withDatasetCheck(time.Millisecond))
	waitFor(t, "a first check", func() bool { return ds.checks.Load() > 0 })
	if recs := h.records(); len(recs) != 0 {
		t.Fatalf("messages while the data is fine: %+v", recs)
	}

	ds.setErr(errors.New("refresh: HTTP 503"))
	waitFor(t, "the failure to be logged", func() bool { return len(h.records()) == 1 })
	n := ds.checks.Load()
	waitFor(t, "three more checks", func() bool { return ds.checks.Load() >= n+3 })
	ds.setErr(nil)
	waitFor(t, "the recovery to be logged", func() bool { return len(h.records()) >= 2 })
	n = ds.checks.Load()
	waitFor(t, "three more checks", func() bool { return ds.checks.Load() >= n+3 })

	recs := h.records()
	if len(recs) != 2 || recs[0].level != slog.LevelWarn || recs[0].attrs["error"] != "refresh: HTTP 503" ||
		recs[0].attrs["source"] != "tor" || recs[0].attrs["dataset"] != "exits" || recs[1].level != slog.LevelInfo {
		t.Fatalf("messages = %+v, want one Warn then one Info", recs)
	}
}

// Stats only reads: whatever it finds — a failing source, a failed
// reload, a recovery — it logs nothing.
func TestStatsNeverLogs(t *testing.T) {
	h := newCapture(slog.LevelDebug)
	ds := &datasetSource{memSource: newMem("tor")}
	flaky := &switchSource{name: "flaky", fail: true}
	c := newClient(t, WithSources(ds, flaky), WithLogger(slog.New(h)), withDatasetCheck(0))
	if _, err := c.Lookup(context.Background(), "1.1.1.1"); err != nil {
		t.Fatal(err)
	}
	before := len(h.records()) // the failing lookup's own messages
	if before == 0 {
		t.Fatal("a failing lookup logged nothing")
	}
	ds.setErr(errors.New("refresh: HTTP 503"))
	st := c.Stats()
	if got := sourceStats(t, st, "tor").Datasets; len(got) != 1 || got[0].LastError == nil {
		t.Fatalf("Stats does not show the reload failure: %+v", got)
	}
	if !sourceStats(t, st, "flaky").Failing {
		t.Fatal("Stats does not show the failing source")
	}
	ds.setErr(nil)
	flaky.set(false)
	for range 5 {
		c.Stats()
	}
	if recs := h.records(); len(recs) != before {
		t.Errorf("Stats logged: %+v", recs[before:])
	}
	if ds.checks.Load() != 6 {
		t.Errorf("Datasets called %d times, want 6: once per Stats, no check running", ds.checks.Load())
	}
}

// The dataset check is one goroutine, and Close stops it.
func TestDatasetWatchStopsOnClose(t *testing.T) {
	before := runtime.NumGoroutine()
	ds := &datasetSource{memSource: newMem("tor")}
	c, err := New(WithSources(ds), withDatasetCheck(time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, "a check", func() bool { return ds.checks.Load() > 0 })
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	n := ds.checks.Load()
	waitFor(t, "the goroutine to end", func() bool { return runtime.NumGoroutine() <= before })
	time.Sleep(10 * time.Millisecond) // ten periods
	if m := ds.checks.Load(); m != n {
		t.Errorf("%d checks after Close", m-n)
	}
}

func TestPerLookupDetailAtDebugOnly(t *testing.T) {
	h := newCapture(slog.LevelDebug)
	src := &switchSource{name: "flaky", fail: true}
	c := newClient(t, WithSources(src), WithLogger(slog.New(h)))
	for range 3 {
		c.Lookup(context.Background(), "1.1.1.1")
	}
	debug, other := 0, 0
	for _, r := range h.records() {
		if r.level == slog.LevelDebug {
			debug++
		} else {
			other++
		}
	}
	if debug != 3 || other != 1 {
		t.Errorf("%d Debug and %d other messages, want 3 and 1", debug, other)
	}
}

// Stats may be read while lookups run (a scrape during traffic); the
// counts add up once they are done.
func TestStatsConcurrent(t *testing.T) {
	geo, feed := fixtureSources()
	c := newClient(t, WithSources(geo, feed), WithCache(64, time.Hour))
	const workers, each = 4, 200
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				ip := netip.AddrFrom4([4]byte{45, 130, byte(w), byte(i % 50)}).String()
				if _, err := c.Lookup(context.Background(), ip); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	done := make(chan struct{})
	go func() {
		for {
			select {
			case <-done:
				return
			default:
				c.Stats()
			}
		}
	}()
	wg.Wait()
	close(done)
	st := c.Stats()
	if st.Lookups != workers*each || st.CacheHits+st.CacheMisses != workers*each {
		t.Errorf("Lookups %d, hits %d + misses %d, want %d", st.Lookups, st.CacheHits, st.CacheMisses, workers*each)
	}
	if g := sourceStats(t, st, "geo"); g.Calls > st.CacheMisses || g.Calls < workers*50 {
		t.Errorf("geo Calls %d: want one per resolved miss (%d misses, at least %d distinct)", g.Calls, st.CacheMisses, workers*50)
	}
}
