package feed_test

import (
	"context"
	"io/fs"
	"math/rand/v2"
	"net"
	"net/http"
	"net/netip"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/yl2chen/cidranger"

	"github.com/ipintel/ipintel/internal/realdata"
	"github.com/ipintel/ipintel/source"
	"github.com/ipintel/ipintel/source/feed"
)

// realSpecs lists the real feeds loaded together: X4BNet VPN and
// datacenter, every lord-alfred provider list, Tor, Apple relay, and the
// cloud JSON files.
func realSpecs(b *testing.B) map[string]feed.Spec {
	root := realdata.Path(b, "lord-alfred-ipranges")
	specs := map[string]feed.Spec{}
	add := func(path string, kind source.Kind) {
		name := strings.ReplaceAll(strings.TrimPrefix(path, realdata.Root()+"/"), "/", ":")
		specs[path] = feed.Spec{Name: name, Kind: kind}
	}
	_ = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".txt") && !strings.Contains(p, "_merged") && !strings.Contains(p, "/all/") {
			add(p, source.Hosting)
		}
		return nil
	})
	for _, e := range []struct {
		elem []string
		kind source.Kind
	}{
		{[]string{"X4BNet-lists_vpn", "output", "vpn", "ipv4.txt"}, source.VPN},
		{[]string{"X4BNet-lists_vpn", "output", "vpn", "ipv6.txt"}, source.VPN},
		{[]string{"X4BNet-lists_vpn", "output", "datacenter", "ipv4.txt"}, source.Hosting},
		{[]string{"X4BNet-lists_vpn", "output", "datacenter", "ipv6.txt"}, source.Hosting},
		{[]string{"javascripterzzeerrr-ipinfo-parser", "exit-addresses"}, source.Tor},
		{[]string{"hroost-icloud-private-relay-iplist", "ip-ranges.txt"}, source.Relay},
		{[]string{"femueller-cloud-ip-ranges", "aws-ip-ranges.json"}, source.Hosting},
		{[]string{"femueller-cloud-ip-ranges", "google-cloud-ip-ranges.json"}, source.Hosting},
		{[]string{"femueller-cloud-ip-ranges", "microsoft-azure-ip-ranges.json"}, source.Hosting},
		{[]string{"femueller-cloud-ip-ranges", "oracle-cloud-ip-ranges.json"}, source.Hosting},
		{[]string{"femueller-cloud-ip-ranges", "digitalocean.csv"}, source.Hosting},
		{[]string{"sefinek-known-bots-ip-whitelist", "lists", "all-monitoring-ips.txt"}, source.Monitoring},
	} {
		add(realdata.Path(b, e.elem...), e.kind)
	}
	return specs
}

func heapNow() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

type rangerEntry struct{ n net.IPNet }

func (e rangerEntry) Network() net.IPNet { return e.n }

// BenchmarkRealFeeds loads the real feeds into one Set and compares its
// Lookup with cidranger's ContainingNetworks on the same prefixes.
func BenchmarkRealFeeds(b *testing.B) {
	specs := realSpecs(b)
	datas := map[string][]byte{}
	for p := range specs {
		d, err := os.ReadFile(p)
		if err != nil {
			b.Fatal(err)
		}
		datas[p] = d
	}
	var set *feed.Set
	var feeds []*feed.Feed
	build := func() {
		feeds = feeds[:0]
		for p, sp := range specs {
			f, err := feed.Load(strings.NewReader(string(datas[p])), sp)
			if err != nil {
				b.Fatal(err)
			}
			feeds = append(feeds, f)
		}
		var err error
		set, err = feed.NewSet(feeds...)
		if err != nil {
			b.Fatal(err)
		}
	}
	before := heapNow()
	start := time.Now()
	build()
	buildTime := time.Since(start)
	heapAll := heapNow() - before
	prefixes := 0 // distinct in the set: one record per prefix
	for range set.Enumerate(context.Background()) {
		prefixes++
	}
	entries := 0
	for _, f := range feeds {
		entries += f.Stats().Prefixes
	}
	// The set's own table, beside the members.
	beforeSet := heapNow()
	set2, err := feed.NewSet(feeds...)
	if err != nil {
		b.Fatal(err)
	}
	heapSet := heapNow() - beforeSet
	runtime.KeepAlive(set2)
	b.Logf("%d feeds, %d feed prefixes, %d distinct in the set; build %v; heap %.1f B/prefix all told (feeds + set), set table alone %.1f B/prefix",
		len(feeds), entries, prefixes, buildTime, float64(heapAll)/float64(entries), float64(heapSet)/float64(prefixes))

	b.Run("build", func(b *testing.B) {
		for b.Loop() {
			build()
		}
		b.ReportMetric(float64(entries), "prefixes")
	})

	// cidranger with the same prefixes.
	rg := cidranger.NewPCTrieRanger()
	var all []netip.Prefix
	for _, f := range feeds {
		for p := range prefixesOf(b, f) {
			all = append(all, p)
			_, n, _ := net.ParseCIDR(p.String())
			_ = rg.Insert(rangerEntry{*n})
		}
	}
	r := rand.New(rand.NewPCG(1, 1))
	var hits4, hits6, miss []netip.Addr
	for len(hits4) < 1024 || len(hits6) < 1024 {
		a := all[r.IntN(len(all))].Addr()
		if a.Is4() && len(hits4) < 1024 {
			hits4 = append(hits4, a)
		} else if a.Is6() && len(hits6) < 1024 {
			hits6 = append(hits6, a)
		}
	}
	for len(miss) < 1024 {
		a := netip.AddrFrom4([4]byte{byte(r.Uint32()), byte(r.Uint32()), byte(r.Uint32()), byte(r.Uint32())})
		if rec, _ := set.Lookup(ctx, a); rec.IsZero() {
			miss = append(miss, a)
		}
	}
	for _, c := range []struct {
		name  string
		addrs []netip.Addr
	}{{"hit/v4", hits4}, {"hit/v6", hits6}, {"miss/v4", miss}} {
		ips := make([]net.IP, len(c.addrs))
		for i, a := range c.addrs {
			ips[i] = net.IP(a.AsSlice())
		}
		b.Run(c.name+"/set", func(b *testing.B) {
			i := 0
			for b.Loop() {
				_, _ = set.Lookup(ctx, c.addrs[i&1023])
				i++
			}
		})
		b.Run(c.name+"/cidranger", func(b *testing.B) {
			i := 0
			for b.Loop() {
				_, _ = rg.ContainingNetworks(ips[i&1023])
				i++
			}
		})
	}
}

// BenchmarkLoad1M parses and builds a plain feed of one million synthetic
// prefixes (IPv4 /16–/32, one in four IPv6) and reports heap bytes per
// prefix of the loaded feed.
func BenchmarkLoad1M(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 1))
	var sb strings.Builder
	for i := range 1_000_000 {
		var p netip.Prefix
		if i%4 == 0 {
			var a [16]byte
			a[0], a[1] = 0x2a, byte(r.IntN(16))
			for j := 2; j < 8; j++ {
				a[j] = byte(r.Uint32())
			}
			p = netip.PrefixFrom(netip.AddrFrom16(a), 32+r.IntN(33)).Masked()
		} else {
			u := r.Uint32()
			p = netip.PrefixFrom(netip.AddrFrom4([4]byte{byte(u >> 24), byte(u >> 16), byte(u >> 8), byte(u)}), 16+r.IntN(17)).Masked()
		}
		sb.WriteString(p.String())
		sb.WriteByte('\n')
	}
	data := sb.String()
	spec := feed.Spec{Name: "synthetic", Kind: source.VPN}
	var perPfx float64
	for b.Loop() {
		b.StopTimer()
		before := heapNow()
		b.StartTimer()
		f, err := feed.Load(strings.NewReader(data), spec)
		if err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		perPfx = float64(heapNow()-before) / float64(f.Stats().Prefixes)
		runtime.KeepAlive(f)
		b.StartTimer()
	}
	b.ReportMetric(perPfx, "heapB/prefix")
}

// catalogWithRealData is the fixture presets plus every catalog preset
// whose official file realdata has, served at their real URLs.
func catalogWithRealData(b *testing.B) ([]feed.Preset, *catalogTransport) {
	tr := &catalogTransport{files: map[string]string{}}
	var ps []feed.Preset
	for _, fx := range serverFixtures {
		p, _ := feed.CatalogPreset(fx.preset)
		tr.files[p.URL] = "testdata/servers/" + fx.file
		ps = append(ps, p)
	}
	if realdata.Root() == "" {
		return ps, tr
	}
	for name, elem := range realdataCatalogFiles {
		p, _ := feed.CatalogPreset(name)
		tr.files[p.URL] = realdata.Path(b, elem...)
		ps = append(ps, p)
	}
	return ps, tr
}

// BenchmarkOpenAll measures start-up of the catalog (fixtures and the
// realdata files): cold with the network up, warm with a fresh cache and
// the network black-holed, and with no cache and a black-holed network
// (which returns at the budget, here 100ms).
func BenchmarkOpenAll(b *testing.B) {
	ps, tr := catalogWithRealData(b)
	dir := b.TempDir()
	client := feed.WithHTTPClient(&http.Client{Transport: tr})
	run := func(b *testing.B, opts ...feed.Option) {
		for b.Loop() {
			set, err := feed.OpenAll(b.Context(), ps, append([]feed.Option{client}, opts...)...)
			if set == nil {
				b.Fatal(err)
			}
			set.Close()
		}
		b.ReportMetric(float64(len(ps)), "feeds")
	}
	b.Run("cold/network", func(b *testing.B) {
		tr.setBlackhole(false)
		run(b, feed.WithCacheDir(b.TempDir()))
	})
	b.Run("warm/blackholed", func(b *testing.B) {
		tr.setBlackhole(false)
		if set, err := feed.OpenAll(b.Context(), ps, client, feed.WithCacheDir(dir)); set == nil {
			b.Fatal(err)
		} else {
			set.Close()
		}
		tr.setBlackhole(true)
		run(b, feed.WithCacheDir(dir), feed.WithStartupBudget(2*time.Second))
	})
	b.Run("nocache/blackholed", func(b *testing.B) {
		tr.setBlackhole(true)
		run(b, feed.WithCacheDir(b.TempDir()), feed.WithStartupBudget(100*time.Millisecond))
	})
}
