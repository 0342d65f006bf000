// Package sourcetest checks that a [source.Source] keeps the contract the
// ipintel Client relies on, as testing/slogtest does for slog handlers.
//
// # Usage
//
//	func TestConformance(t *testing.T) {
//		sourcetest.Run(t, func(t *testing.T) source.Source {
//			s, err := mysource.Open("testdata/small.db")
//			if err != nil {
//				t.Fatal(err)
//			}
//			t.Cleanup(func() { s.Close() })
//			return s
//		}, sourcetest.Hits(netip.MustParseAddr("1.1.1.1")),
//			sourcetest.Misses(netip.MustParseAddr("203.0.113.9")))
//	}
//
// Run the test with -race: one of the checks calls the source from many
// goroutines at once.
//
// # What is checked
//
// Each check is a subtest with a fresh source from newSource:
//
//   - Name is non-empty and stable.
//   - Every Hits address returns a non-zero Record and no error; every
//     Misses address returns exactly Record{} and no error.
//   - IPv4 and IPv6 addresses are both accepted: a few well-known public
//     addresses of each family are asked besides yours (an error for
//     either is a failure; a miss is fine).
//   - The records of the Hits addresses and of those public addresses are
//     well formed: Prefix, when set, contains the address; each signal has
//     a valid Kind, a Confidence within 0–100 and a Source.
//   - Answers are the same when asked again and when asked from many
//     goroutines at once.
//   - A cancelled context makes Lookup return promptly, with either an
//     answer or an error that wraps the context's error.
//   - A [source.Batcher] returns one Record per address, in order, equal to
//     the single lookups, respects [source.Traits.MaxBatch], and answers an
//     empty batch with no records and no error.
//
// A call that has not returned after 10 seconds fails the test as hung;
// that limit detects deadlocks and is far longer than any healthy lookup.
// A run makes a few hundred lookups, so it is quick for an in-memory
// source and bounded by the source's own latency otherwise.
package sourcetest

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/ipintel/ipintel/source"
)

// Option adds addresses with known answers to a [Run].
type Option func(*config)

type config struct {
	hits, misses []netip.Addr
}

// Hits names addresses the source must know: each must return a non-zero
// Record.
func Hits(addrs ...netip.Addr) Option {
	return func(c *config) { c.hits = append(c.hits, addrs...) }
}

// Misses names addresses the source must not know: each must return
// exactly Record{} and a nil error.
func Misses(addrs ...netip.Addr) Option {
	return func(c *config) { c.misses = append(c.misses, addrs...) }
}

// hangLimit bounds how long one call may take before the kit reports it as
// hung. It is a deadlock detector, not a performance check: far longer than
// any healthy lookup.
const hangLimit = 10 * time.Second

// probes are asked in every run besides the caller's addresses, to cover
// both families. Any answer is fine; an error is not.
var probes = []netip.Addr{
	netip.MustParseAddr("1.1.1.1"),
	netip.MustParseAddr("8.8.8.8"),
	netip.MustParseAddr("45.130.202.105"),
	netip.MustParseAddr("185.220.101.1"),
	netip.MustParseAddr("2606:4700:4700::1111"),
	netip.MustParseAddr("2a02:26f0::1"),
	netip.MustParseAddr("2001:4860:4860::8888"),
}

// Run checks the source returned by newSource against the contract. Each
// check runs as a subtest with a fresh source.
func Run(t *testing.T, newSource func(t *testing.T) source.Source, opts ...Option) {
	t.Helper()
	var c config
	for _, o := range opts {
		o(&c)
	}
	all := append(append(append([]netip.Addr{}, c.hits...), c.misses...), probes...)

	t.Run("Name", func(t *testing.T) {
		s := newSource(t)
		n := s.Name()
		if n == "" {
			t.Fatal("Name() is empty")
		}
		if n2 := s.Name(); n2 != n {
			t.Fatalf("Name() not stable: %q then %q", n, n2)
		}
	})

	t.Run("Hits", func(t *testing.T) {
		if len(c.hits) == 0 {
			t.Skip("no sourcetest.Hits given")
		}
		s := newSource(t)
		for _, a := range c.hits {
			r, err := lookup(t, s, context.Background(), a)
			if err != nil {
				t.Errorf("Lookup(%v): %v", a, err)
				continue
			}
			if r.IsZero() {
				t.Errorf("Lookup(%v) = Record{}, want data (listed in Hits)", a)
			}
			checkRecord(t, a, r)
		}
	})

	t.Run("Misses", func(t *testing.T) {
		if len(c.misses) == 0 {
			t.Skip("no sourcetest.Misses given")
		}
		s := newSource(t)
		for _, a := range c.misses {
			r, err := lookup(t, s, context.Background(), a)
			if err != nil {
				t.Errorf("Lookup(%v): a miss must not be an error, got %v", a, err)
				continue
			}
			if !r.IsZero() {
				t.Errorf("Lookup(%v) = %+v, want Record{} (listed in Misses)", a, r)
			}
		}
	})

	t.Run("BothFamilies", func(t *testing.T) {
		s := newSource(t)
		for _, a := range probes {
			r, err := lookup(t, s, context.Background(), a)
			if err != nil {
				t.Errorf("Lookup(%v): %v", a, err)
				continue
			}
			checkRecord(t, a, r)
		}
	})

	t.Run("Stable", func(t *testing.T) {
		s := newSource(t)
		for _, a := range all {
			r1, err1 := lookup(t, s, context.Background(), a)
			r2, err2 := lookup(t, s, context.Background(), a)
			if (err1 == nil) != (err2 == nil) || !reflect.DeepEqual(r1, r2) {
				t.Errorf("Lookup(%v) changed between calls: %+v, %v then %+v, %v", a, r1, err1, r2, err2)
			}
		}
	})

	t.Run("Concurrent", func(t *testing.T) {
		s := newSource(t)
		want := make([]source.Record, len(all))
		for i, a := range all {
			r, err := lookup(t, s, context.Background(), a)
			if err != nil {
				t.Fatalf("Lookup(%v): %v", a, err)
			}
			want[i] = r
		}
		const workers, rounds = 8, 20
		var wg sync.WaitGroup
		errs := make(chan error, workers)
		for w := range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for n := range rounds {
					i := (w + n) % len(all)
					r, err := s.Lookup(context.Background(), all[i])
					if err != nil {
						errs <- fmt.Errorf("concurrent Lookup(%v): %w", all[i], err)
						return
					}
					if !reflect.DeepEqual(r, want[i]) {
						errs <- fmt.Errorf("concurrent Lookup(%v) = %+v, want %+v", all[i], r, want[i])
						return
					}
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Error(err)
		}
	})

	t.Run("CancelledContext", func(t *testing.T) {
		s := newSource(t)
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		for _, a := range all[:min(len(all), 3)] {
			_, err := lookup(t, s, ctx, a)
			if err != nil && !errors.Is(err, context.Canceled) {
				t.Errorf("Lookup(%v) with a cancelled context: error %v does not wrap context.Canceled", a, err)
			}
		}
	})

	t.Run("Batch", func(t *testing.T) {
		s := newSource(t)
		b, ok := s.(source.Batcher)
		if !ok {
			t.Skip("source does not implement source.Batcher")
		}
		addrs := all
		if d, ok := s.(source.Describer); ok {
			if max := d.Describe().MaxBatch; max > 0 && len(addrs) > max {
				addrs = addrs[:max]
			}
		}
		got, err := batch(t, b, addrs)
		if err != nil {
			t.Fatalf("LookupBatch: %v", err)
		}
		if len(got) != len(addrs) {
			t.Fatalf("LookupBatch returned %d records for %d addresses", len(got), len(addrs))
		}
		for i, a := range addrs {
			want, err := lookup(t, s, context.Background(), a)
			if err != nil {
				t.Fatalf("Lookup(%v): %v", a, err)
			}
			if !reflect.DeepEqual(got[i], want) {
				t.Errorf("LookupBatch[%d] (%v) = %+v, Lookup = %+v", i, a, got[i], want)
			}
		}
		empty, err := batch(t, b, nil)
		if err != nil || len(empty) != 0 {
			t.Errorf("LookupBatch(nil) = %d records, %v; want none, nil", len(empty), err)
		}
	})
}

// checkRecord checks what any record must satisfy.
func checkRecord(t *testing.T, a netip.Addr, r source.Record) {
	t.Helper()
	if r.Prefix.IsValid() && !r.Prefix.Contains(a) {
		t.Errorf("Lookup(%v).Prefix = %v, which does not contain the address", a, r.Prefix)
	}
	for _, s := range r.Signals {
		if !s.Kind.Valid() {
			t.Errorf("Lookup(%v): signal with invalid kind %v", a, s.Kind)
		}
		if s.Confidence < 0 || s.Confidence > 100 {
			t.Errorf("Lookup(%v): %v signal confidence %d outside 0–100", a, s.Kind, s.Confidence)
		}
		if s.Source == "" {
			t.Errorf("Lookup(%v): %v signal without Source (provenance)", a, s.Kind)
		}
	}
}

type answer struct {
	r   source.Record
	err error
}

// lookup calls s.Lookup and fails the test if it does not return within
// hangLimit.
func lookup(t *testing.T, s source.Source, ctx context.Context, a netip.Addr) (source.Record, error) {
	t.Helper()
	done := make(chan answer, 1)
	go func() {
		r, err := s.Lookup(ctx, a)
		done <- answer{r, err}
	}()
	select {
	case ans := <-done:
		return ans.r, ans.err
	case <-time.After(hangLimit):
		t.Fatalf("Lookup(%v) did not return within %v", a, hangLimit)
		return source.Record{}, nil
	}
}

func batch(t *testing.T, b source.Batcher, addrs []netip.Addr) ([]source.Record, error) {
	t.Helper()
	type result struct {
		rs  []source.Record
		err error
	}
	done := make(chan result, 1)
	go func() {
		rs, err := b.LookupBatch(context.Background(), addrs)
		done <- result{rs, err}
	}()
	select {
	case res := <-done:
		return res.rs, res.err
	case <-time.After(hangLimit):
		t.Fatalf("LookupBatch(%d addresses) did not return within %v", len(addrs), hangLimit)
		return nil, nil
	}
}
