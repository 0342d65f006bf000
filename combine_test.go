package ipintel

import (
	"context"
	"errors"
	"net/netip"
	"reflect"
	"testing"

	"github.com/ipintel/ipintel/source"
)

// TestMergeEqualsLookup: Merge of the records the sources answer is the
// Result Lookup returns (the per-lookup fields aside).
func TestMergeEqualsLookup(t *testing.T) {
	geo, feed := fixtureSources()
	c, err := New(WithSources(feed, geo))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ctx := context.Background()
	for _, s := range []string{"45.130.202.105", "185.220.101.1", "185.220.101.2", "1.1.1.1", "2a02:26f0::1", "8.8.8.8"} {
		a := netip.MustParseAddr(s)
		var recs []source.Record
		for _, src := range c.Sources() {
			r, err := src.Lookup(ctx, a)
			if err != nil {
				t.Fatal(err)
			}
			recs = append(recs, r)
		}
		got, err := c.Merge(a, recs)
		if err != nil {
			t.Fatal(err)
		}
		want, err := c.LookupAddr(ctx, a)
		if err != nil {
			t.Fatal(err)
		}
		got.Query, want.Query = Query{}, Query{}
		got.Meta.ResponseTime, want.Meta.ResponseTime = 0, 0
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: Merge %+v\nLookup %+v", s, got, want)
		}
	}
	if _, err := c.Merge(netip.MustParseAddr("1.1.1.1"), nil); !errors.Is(err, source.ErrInvalidInput) {
		t.Errorf("Merge with no records: %v", err)
	}
	if _, err := c.Merge(netip.Addr{}, make([]source.Record, 2)); !errors.Is(err, ErrInvalidIP) {
		t.Errorf("Merge of the zero Addr: %v", err)
	}
	c.Close()
	if _, err := c.Merge(netip.MustParseAddr("1.1.1.1"), make([]source.Record, 2)); !errors.Is(err, ErrClosed) {
		t.Errorf("Merge after Close: %v", err)
	}
}
