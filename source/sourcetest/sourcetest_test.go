package sourcetest_test

import (
	"context"
	"net/netip"
	"testing"

	"github.com/ipintel/ipintel/source"
	"github.com/ipintel/ipintel/source/sourcetest"
)

// mapSource is a tiny conforming source: exact addresses to records.
type mapSource map[netip.Addr]source.Record

func (mapSource) Name() string { return "map" }

func (m mapSource) Lookup(ctx context.Context, a netip.Addr) (source.Record, error) {
	if err := ctx.Err(); err != nil {
		return source.Record{}, err
	}
	return m[a], nil
}

func (m mapSource) LookupBatch(ctx context.Context, addrs []netip.Addr) ([]source.Record, error) {
	out := make([]source.Record, len(addrs))
	for i, a := range addrs {
		r, err := m.Lookup(ctx, a)
		if err != nil {
			return nil, err
		}
		out[i] = r
	}
	return out, nil
}

func TestRunOnConformingSource(t *testing.T) {
	tor := netip.MustParseAddr("185.220.101.1")
	v6 := netip.MustParseAddr("2a02:26f0::1")
	m := mapSource{
		tor: {Prefix: netip.MustParsePrefix("185.220.101.0/24"), Signals: []source.Signal{{Kind: source.Tor, Confidence: 100, Source: "map"}}},
		v6:  {Geo: &source.Geo{CountryCode: "DE"}},
	}
	sourcetest.Run(t, func(*testing.T) source.Source { return m },
		sourcetest.Hits(tor, v6), sourcetest.Misses(netip.MustParseAddr("9.9.9.9")))
}
