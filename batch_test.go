package ipintel

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"net/netip"
	"runtime"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ipintel/ipintel/source"
)

func TestLookupBatch(t *testing.T) {
	geo, feed := fixtureSources()
	c := newClient(t, WithSources(geo, feed))
	in := []string{"45.130.202.105", "nonsense", "1.1.1.1", "10.0.0.1", "45.130.202.105", "9.9.9.9", " 1.1.1.1 "}
	b, err := c.LookupBatch(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	if len(b.Items) != len(in) {
		t.Fatalf("%d items for %d inputs", len(b.Items), len(in))
	}
	for i, it := range b.Items {
		if it.Index != i || it.Input != in[i] {
			t.Errorf("item %d = index %d input %q", i, it.Index, it.Input)
		}
		single, serr := c.Lookup(context.Background(), in[i])
		if (serr == nil) != (it.Err == nil) {
			t.Errorf("item %d: batch err %v, single err %v", i, it.Err, serr)
			continue
		}
		if serr != nil {
			if it.Err.Error() != serr.Error() {
				t.Errorf("item %d: batch err %v, single err %v", i, it.Err, serr)
			}
			continue
		}
		if it.Result.Query.IP != single.Query.IP || it.Result.Risk.Score != single.Risk.Score ||
			it.Result.Meta.Found != single.Meta.Found || !slices.Equal(it.Result.Signals, single.Signals) {
			t.Errorf("item %d differs from a single lookup:\n%+v\n%+v", i, it.Result, single)
		}
	}
	if !errors.Is(b.Items[1].Err, ErrInvalidIP) || !errors.Is(b.Items[3].Err, ErrReservedIP) {
		t.Errorf("item errors: %v, %v", b.Items[1].Err, b.Items[3].Err)
	}
	if b.Items[0].Result == b.Items[4].Result {
		t.Error("duplicate inputs share one *Result")
	}
	want := BatchSummary{Total: 7, Unique: 3, Valid: 5, Invalid: 2, Found: 4, NotFound: 1}
	if b.Summary != want {
		t.Errorf("Summary = %+v, want %+v", b.Summary, want)
	}
	if n := geo.calls.Load(); n != 3+5 { // 3 unique in the batch, then 5 single lookups above
		t.Errorf("geo asked %d times, want 8 (duplicates looked up once)", n)
	}
}

func TestLookupBatchLimits(t *testing.T) {
	c := newClient(t, WithMaxBatch(100))
	if _, err := c.LookupBatch(context.Background(), nil); !errors.Is(err, ErrEmptyBatch) {
		t.Errorf("empty batch: %v", err)
	}
	if _, err := c.LookupBatch(context.Background(), make([]string, 101)); !errors.Is(err, ErrBatchTooLarge) {
		t.Errorf("101 entries: %v", err)
	}
	b, err := c.LookupBatch(context.Background(), make([]string, 100))
	if err != nil || b.Summary.Invalid != 100 {
		t.Errorf("100 empty strings: %+v, %v", b, err)
	}
}

func TestLookupBatchChunksBatchers(t *testing.T) {
	remote := &batchSource{memSource: newMem("remote").add("1.0.0.0/8", source.Record{Signals: []source.Signal{sig(source.VPN, 70, "")}})}
	remote.traits = source.Traits{Remote: true, MaxBatch: 100}
	local := &batchSource{memSource: newMem("local-batcher").add("1.2.0.0/16", source.Record{Geo: &source.Geo{CountryCode: "JP"}})}
	geo, _ := fixtureSources()
	c := newClient(t, WithSources(geo, remote, local))
	var in []string
	for i := range 250 {
		in = append(in, fmt.Sprintf("1.2.%d.%d", i/200, i%200+1), fmt.Sprintf("1.2.%d.%d", i/200, i%200+1)) // each twice
	}
	b, err := c.LookupBatch(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	if b.Summary.Unique != 250 || b.Summary.Found != 500 {
		t.Fatalf("Summary = %+v", b.Summary)
	}
	if !slices.Equal(remote.batches, []int{100, 100, 50}) && !slices.Equal(sorted(remote.batches), []int{50, 100, 100}) {
		t.Errorf("remote batcher calls = %v, want three calls of ≤100", remote.batches)
	}
	if remote.calls.Load() != 250 { // the fake answers each address of a batch via Lookup
		t.Errorf("remote looked up %d addresses", remote.calls.Load())
	}
	if len(local.batches) != 1 || local.batches[0] != 250 {
		t.Errorf("unlimited local batcher calls = %v, want one of 250", local.batches)
	}
	for _, it := range b.Items {
		if !it.Result.Privacy.IsVPN || it.Result.Geo == nil || it.Result.Geo.CountryCode != "JP" {
			t.Fatalf("item %d lacks a batcher's answer: %+v", it.Index, it.Result)
		}
	}
}

func sorted(s []int) []int { s = slices.Clone(s); slices.Sort(s); return s }

func TestLookupBatchSourceFailures(t *testing.T) {
	geo, _ := fixtureSources()
	broken := &batchSource{memSource: newMem("broken")}
	broken.traits = source.Traits{Remote: true, MaxBatch: 10}
	broken.fail = errors.New("upstream 500")
	slow := newMem("slow")
	slow.traits = source.Traits{Remote: true, Timeout: 20 * time.Millisecond}
	slow.delay = time.Hour
	c := newClient(t, WithSources(geo, broken, slow))
	b, err := c.LookupBatch(context.Background(), []string{"1.1.1.1", "45.130.202.105", "9.9.9.9"})
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range b.Items {
		if it.Err != nil || len(it.Result.Meta.Errors) != 2 {
			t.Fatalf("item %d: %v, errors %v", it.Index, it.Err, it.Result.Meta.Errors)
		}
	}
	if !b.Items[0].Result.Meta.Found || b.Summary.Found != 2 || b.Summary.Failed != 0 {
		t.Fatalf("local answers lost: %+v", b.Summary)
	}
}

func TestLookupBatchHalfGarbage(t *testing.T) {
	geo, feed := fixtureSources()
	c := newClient(t, WithSources(geo, feed))
	in := make([]string, 100_000)
	for i := range in {
		if i%2 == 0 {
			in[i] = fmt.Sprintf("%d.%d.%d.%d", 1+i%200, i>>8&255, i&255, 1+i%250)
		} else {
			in[i] = strings.Repeat("x", i%97) + "not-an-ip"
		}
	}
	b, err := c.LookupBatch(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	s := b.Summary
	if s.Total != 100_000 || s.Invalid < 50_000 || s.Valid+s.Invalid != s.Total || s.Found+s.NotFound+s.Failed != s.Valid {
		t.Fatalf("Summary = %+v", s)
	}
	for i := 1; i < len(in); i += 2 {
		if !errors.Is(b.Items[i].Err, ErrInvalidIP) {
			t.Fatalf("item %d: %v", i, b.Items[i].Err)
		}
	}
}

func TestLookupBatchContextEnds(t *testing.T) {
	slow := newMem("slow")
	slow.traits = source.Traits{Remote: true, Timeout: time.Hour}
	slow.delay = time.Hour
	c := newClient(t, WithSources(slow))
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	b, err := c.LookupBatch(ctx, []string{"1.1.1.1", "8.8.8.8", "bad"})
	if !errors.Is(err, context.DeadlineExceeded) || b == nil {
		t.Fatalf("LookupBatch = %v, %v", b, err)
	}
	if b.Summary.Failed != 2 || b.Summary.Invalid != 1 || !errors.Is(b.Items[0].Err, context.DeadlineExceeded) {
		t.Fatalf("Summary = %+v, item 0 err %v", b.Summary, b.Items[0].Err)
	}
}

func TestLookupBatchUsesCache(t *testing.T) {
	geo, _ := fixtureSources()
	c := newClient(t, WithSources(geo), WithCache(100, time.Hour))
	c.Lookup(context.Background(), "1.1.1.1")
	b, err := c.LookupBatch(context.Background(), []string{"8.8.8.8", "1.1.1.1"})
	if err != nil {
		t.Fatal(err)
	}
	if b.Items[0].Result.Query.CacheStatus != CacheMiss || b.Items[1].Result.Query.CacheStatus != CacheHit {
		t.Fatalf("cache statuses: %s %s", b.Items[0].Result.Query.CacheStatus, b.Items[1].Result.Query.CacheStatus)
	}
	if geo.calls.Load() != 2 {
		t.Fatalf("geo asked %d times", geo.calls.Load())
	}
}

// genAddrs yields n distinct public addresses.
func genAddrs(n int) iter.Seq[string] {
	return func(yield func(string) bool) {
		for i := range n {
			a := netip.AddrFrom4([4]byte{byte(1 + i>>24%200), byte(i >> 16), byte(i >> 8), byte(i)})
			if !yield(a.String()) {
				return
			}
		}
	}
}

func TestLookupSeq(t *testing.T) {
	geo, feed := fixtureSources()
	c := newClient(t, WithSources(geo, feed), WithConcurrency(3))
	in := []string{"1.1.1.1", "junk", "45.130.202.105", "1.1.1.1", "192.168.0.1"}
	for i := range 3000 { // crosses window boundaries
		in = append(in, fmt.Sprintf("8.%d.%d.1", i/250, i%250))
	}
	var got []*Result
	var errs []error
	for r, err := range c.LookupSeq(context.Background(), slices.Values(in)) {
		got, errs = append(got, r), append(errs, err)
	}
	if len(got) != len(in) {
		t.Fatalf("%d results for %d inputs", len(got), len(in))
	}
	for i := range in {
		if i == 1 || i == 4 {
			if got[i] != nil || errs[i] == nil {
				t.Fatalf("input %d (%q): %v, %v", i, in[i], got[i], errs[i])
			}
			continue
		}
		if errs[i] != nil || got[i].Query.IP.String() != strings.TrimSpace(in[i]) {
			t.Fatalf("input %d (%q): result for %v, err %v", i, in[i], got[i].Query.IP, errs[i])
		}
	}
	if !errors.Is(errs[1], ErrInvalidIP) || !errors.Is(errs[4], ErrReservedIP) || !got[2].Privacy.IsVPN {
		t.Fatalf("errors %v %v, vpn %v", errs[1], errs[4], got[2].Privacy.IsVPN)
	}
	if got[0] == got[3] {
		t.Fatal("duplicate inputs share one *Result")
	}
}

func TestLookupSeqStops(t *testing.T) {
	geo, _ := fixtureSources()
	c := newClient(t, WithSources(geo))
	before := runtime.NumGoroutine()

	// Breaking out stops reading the input.
	var read atomic.Int64 // the input runs on LookupSeq's reading goroutine
	counted := func(yield func(string) bool) {
		for s := range genAddrs(1_000_000) {
			read.Add(1)
			if !yield(s) {
				return
			}
		}
	}
	n := 0
	for range c.LookupSeq(context.Background(), counted) {
		if n++; n == 10 {
			break
		}
	}
	if n := read.Load(); n > 3*seqWindow {
		t.Errorf("read %d inputs after the consumer stopped at 10", n)
	}

	// A context ending yields its error once, then stops.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var errs []error
	n = 0
	for _, err := range c.LookupSeq(ctx, genAddrs(1_000_000)) {
		if n++; n == 5 {
			cancel()
		}
		if err != nil {
			errs = append(errs, err)
		}
	}
	if len(errs) != 1 || !errors.Is(errs[0], context.Canceled) || n > 2*seqWindow {
		t.Errorf("after cancel: %d results, errors %v", n, errs)
	}

	// Nothing left running.
	deadline := time.Now().Add(2 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if g := runtime.NumGoroutine(); g > before {
		t.Errorf("%d goroutines before, %d after", before, g)
	}
}

func TestBatchItemsHaveTheirOwnRequestID(t *testing.T) {
	geo, feed := fixtureSources()
	c := newClient(t, WithSources(geo, feed))
	b, err := c.LookupBatch(context.Background(), []string{"1.1.1.1", "1.1.1.1", "1.1.1.1", "8.8.8.8"})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[RequestID]int{}
	for i, it := range b.Items {
		if it.Result == nil {
			t.Fatalf("item %d: %v", i, it.Err)
		}
		id := it.Result.Query.RequestID
		if j, dup := seen[id]; dup {
			t.Errorf("items %d and %d share request id %v", j, i, id)
		}
		seen[id] = i
	}
}
