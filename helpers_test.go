package ipintel

import (
	"context"
	"errors"
	"net/netip"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ipintel/ipintel/source"
)

// memSource answers from a list of prefixes, the most specific match
// winning. It is a test double: linear, but exact.
type memSource struct {
	name    string
	entries []memEntry
	calls   atomic.Int64
	traits  source.Traits
	delay   time.Duration // sleep (honouring ctx) before answering
	fail    error         // returned by every lookup
	block   chan struct{} // when set, wait until closed, ignoring ctx
	panics  bool
	closed  atomic.Bool
}

type memEntry struct {
	prefix netip.Prefix
	rec    source.Record
}

func newMem(name string) *memSource { return &memSource{name: name} }

// add records rec for prefix (a CIDR or a bare address).
func (m *memSource) add(prefix string, rec source.Record) *memSource {
	p, err := netip.ParsePrefix(prefix)
	if err != nil {
		a := netip.MustParseAddr(prefix)
		p = netip.PrefixFrom(a, a.BitLen())
	}
	rec.Prefix = p
	m.entries = append(m.entries, memEntry{p, rec})
	return m
}

func (m *memSource) Name() string { return m.name }

func (m *memSource) Lookup(ctx context.Context, addr netip.Addr) (source.Record, error) {
	m.calls.Add(1)
	if m.panics {
		panic("memSource " + m.name + " panics")
	}
	if m.block != nil {
		<-m.block
	}
	if m.delay > 0 {
		t := time.NewTimer(m.delay)
		defer t.Stop()
		select {
		case <-t.C:
		case <-ctx.Done():
			return source.Record{}, ctx.Err()
		}
	}
	if m.fail != nil {
		return source.Record{}, m.fail
	}
	best := -1
	for i, e := range m.entries {
		if e.prefix.Contains(addr) && (best < 0 || e.prefix.Bits() > m.entries[best].prefix.Bits()) {
			best = i
		}
	}
	if best < 0 {
		return source.Record{}, nil
	}
	return m.entries[best].rec, nil
}

func (m *memSource) Describe() source.Traits { return m.traits }

func (m *memSource) Close() error {
	if m.closed.Swap(true) {
		return errors.New("closed twice")
	}
	return nil
}

// batchSource adds source.Batcher to a memSource and counts batch calls.
type batchSource struct {
	*memSource
	mu      sync.Mutex
	batches []int // size of each LookupBatch call
}

func (b *batchSource) LookupBatch(ctx context.Context, addrs []netip.Addr) ([]source.Record, error) {
	b.mu.Lock()
	b.batches = append(b.batches, len(addrs))
	b.mu.Unlock()
	if max := b.traits.MaxBatch; max > 0 && len(addrs) > max {
		return nil, errors.New("batch over the limit")
	}
	out := make([]source.Record, len(addrs))
	for i, a := range addrs {
		r, err := b.memSource.Lookup(ctx, a)
		if err != nil {
			return nil, err
		}
		out[i] = r
	}
	return out, nil
}

func sig(k source.Kind, conf int, provider string) source.Signal {
	return source.Signal{Kind: k, Confidence: conf, Provider: provider}
}

// fixtureSources are a geo/network database and a threat feed, like the
// bundled default data.
func fixtureSources() (geo, feed *memSource) {
	geo = newMem("geo").
		add("45.130.202.0/24", source.Record{
			Geo:     &source.Geo{CountryCode: "NL", CountryName: "Netherlands", City: "Amsterdam", Timezone: "Europe/Amsterdam", Continent: "EU", InEU: true},
			Network: &source.Network{ASN: 9009, Organization: "M247 Europe SRL", UsageType: "hosting"},
		}).
		add("185.220.101.0/24", source.Record{
			Geo:     &source.Geo{CountryCode: "DE", CountryName: "Germany", Continent: "EU"},
			Network: &source.Network{ASN: 60729, Organization: "Stiftung Erneuerbare Freiheit"},
		}).
		add("1.1.1.0/24", source.Record{
			Geo:     &source.Geo{CountryCode: "AU", CountryName: "Australia"},
			Network: &source.Network{ASN: 13335, Organization: "Cloudflare, Inc."},
		}).
		add("2a02:26f0::/32", source.Record{
			Geo:     &source.Geo{CountryCode: "DE", CountryName: "Germany"},
			Network: &source.Network{ASN: 20940, Organization: "Akamai International B.V."},
		})
	feed = newMem("threats").
		add("45.130.202.0/24", source.Record{Signals: []source.Signal{sig(source.VPN, 95, "NordVPN"), sig(source.Hosting, 90, "M247")}}).
		add("185.220.101.1", source.Record{Signals: []source.Signal{sig(source.Tor, 100, "")}})
	return geo, feed
}
