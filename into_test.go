package ipintel

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"testing"
	"time"
)

// comparable strips what differs between two lookups of one address.
func comparable(t *testing.T, r *Result) string {
	t.Helper()
	c := r.clone()
	c.Query.RequestID, c.Query.ProcessedAt, c.Query.CacheStatus, c.Meta.ResponseTime = RequestID{}, time.Time{}, "", 0
	b, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestLookupIntoMatchesLookup(t *testing.T) {
	geo, feed := fixtureSources()
	for _, cached := range []bool{false, true} {
		opts := []Option{WithSources(geo, feed)}
		if cached {
			opts = append(opts, WithCache(100, time.Hour))
		}
		c := newClient(t, opts...)
		var into Result
		// One Result through addresses with more, fewer and no signals: no
		// leftovers from an earlier answer may survive.
		for _, ip := range []string{"45.130.202.105", "185.220.101.1", "9.9.9.9", "45.130.202.105", "2a02:26f0::5", "9.9.9.9"} {
			want, err := c.Lookup(context.Background(), ip)
			if err != nil {
				t.Fatal(err)
			}
			if err := c.LookupInto(context.Background(), ip, &into); err != nil {
				t.Fatal(err)
			}
			if got, w := comparable(t, &into), comparable(t, want); got != w {
				t.Errorf("cached=%v %s:\nLookupInto %s\nLookup     %s", cached, ip, got, w)
			}
			if into.Query.RequestID == want.Query.RequestID {
				t.Errorf("request id reused")
			}
		}
	}
}

func TestLookupIntoErrorsLeaveResult(t *testing.T) {
	geo, _ := fixtureSources()
	c := newClient(t, WithSources(geo))
	var r Result
	if err := c.LookupInto(context.Background(), "1.1.1.1", &r); err != nil {
		t.Fatal(err)
	}
	before := comparable(t, &r)
	for _, ip := range []string{"nonsense", "10.0.0.1"} {
		if err := c.LookupInto(context.Background(), ip, &r); err == nil {
			t.Fatalf("LookupInto(%q) succeeded", ip)
		}
	}
	if comparable(t, &r) != before {
		t.Fatal("a failed LookupInto changed the Result")
	}
	if err := c.LookupInto(context.Background(), "1.1.1.1", nil); err == nil {
		t.Fatal("nil *Result accepted")
	}
	c.Close()
	if err := c.LookupInto(context.Background(), "1.1.1.1", &r); !errors.Is(err, ErrClosed) {
		t.Fatalf("after Close: %v", err)
	}
}

// TestLookupIntoDoesNotAllocate pins the promise LookupInto makes: once the
// Result has room, a lookup through local sources — and a cache hit —
// allocates nothing.
func TestLookupIntoDoesNotAllocate(t *testing.T) {
	if testing.Short() {
		t.Skip("allocation counts are pinned in the full run")
	}
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		opts []Option
	}{
		{"sources", nil},
		{"cache-hit", []Option{WithCache(16, time.Hour)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := newClient(t, append(tc.opts, WithSources(benchSources(false)...))...)
			var r Result
			c.LookupInto(ctx, "45.130.202.105", &r) // warm: room for signals, reasons, sources
			allocs := testing.AllocsPerRun(200, func() {
				if err := c.LookupInto(ctx, "45.130.202.105", &r); err != nil {
					t.Fatal(err)
				}
			})
			if allocs != 0 {
				t.Fatalf("LookupInto allocates %.1f times per lookup, want 0", allocs)
			}
			if !r.Privacy.IsVPN || !slices.Equal(r.Meta.DataSources, []string{"geo", "feed"}) {
				t.Fatalf("wrong answer: %+v", r)
			}
		})
	}
}
