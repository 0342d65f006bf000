package mmdb_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/maxmind/mmdbwriter"
	"github.com/maxmind/mmdbwriter/mmdbtype"
	geoip2 "github.com/oschwald/geoip2-golang/v2"

	"github.com/ipintel/ipintel/source/mmdb"
)

// GeoLite2Env names a real GeoLite2-City (or GeoIP2-City) file to
// benchmark on as well as the generated one.
const GeoLite2Env = "IPINTEL_GEOLITE2_CITY"

const (
	benchNetworks4 = 240_000
	benchNetworks6 = 30_000
	benchRecords   = 12_000 // distinct city records shared by the networks
)

var (
	benchOnce sync.Once
	benchNets []netip.Prefix
)

// benchCity returns a large generated City database, written once into
// the temporary directory and reused by later runs, and the networks in it.
func benchCity(b *testing.B) (string, []netip.Prefix) {
	b.Helper()
	benchOnce.Do(func() { benchNets = benchNetworks() })
	recs := make([]mmdbtype.Map, benchRecords)
	for i := range recs {
		recs[i] = benchRecord(i)
	}
	// Popular records (big cities) own many networks; every record owns
	// some.
	rng := rand.New(rand.NewPCG(3, 4))
	zipf := rand.NewZipf(rand.New(rand.NewPCG(5, 6)), 1.1, 4, benchRecords-1)
	owner := make([]int, len(benchNets))
	for i := range owner {
		owner[i] = int(zipf.Uint64())
		if rng.IntN(4) == 0 {
			owner[i] = rng.IntN(benchRecords)
		}
	}
	path := cachedDB(b, fmt.Sprintf("city-%d", benchRecords), mmdbwriter.Options{
		DatabaseType: "GeoLite2-City", Languages: languages,
	}, benchNets, func(i int) mmdbtype.Map { return recs[owner[i]] })
	return path, benchNets
}

// cachedDB writes (once, cached in the temporary directory) a database
// holding rec(i) for the i-th network of nets, skipping nil records.
func cachedDB(b *testing.B, name string, o mmdbwriter.Options, nets []netip.Prefix, rec func(i int) mmdbtype.Map) string {
	b.Helper()
	path := filepath.Join(os.TempDir(), fmt.Sprintf("ipintel-bench-%s-%d-v2.mmdb", name, len(nets)))
	if _, err := os.Stat(path); err == nil {
		return path
	}
	o.RecordSize, o.IncludeReservedNetworks, o.BuildEpoch = 28, true, 1
	tree, err := mmdbwriter.New(o)
	if err != nil {
		b.Fatal(err)
	}
	for i, p := range nets {
		r := rec(i)
		if r == nil {
			continue
		}
		n := &net.IPNet{IP: p.Addr().AsSlice(), Mask: net.CIDRMask(p.Bits(), p.Addr().BitLen())}
		if err := tree.Insert(n, r); err != nil {
			b.Fatalf("%v: %v", p, err)
		}
	}
	f, err := os.Create(path + ".tmp")
	if err != nil {
		b.Fatal(err)
	}
	if _, err := tree.WriteTo(f); err != nil {
		b.Fatal(err)
	}
	if err := f.Close(); err != nil {
		b.Fatal(err)
	}
	if err := os.Rename(path+".tmp", path); err != nil {
		b.Fatal(err)
	}
	return path
}

// benchNetworks spreads /24s (and some /20s and /28s) over the IPv4 space
// and /48s over 2a00::/12, deterministically.
func benchNetworks() []netip.Prefix {
	rng := rand.New(rand.NewPCG(1, 2))
	var out []netip.Prefix
	stride := uint32((223 << 24) / benchNetworks4)
	for i := range uint32(benchNetworks4) {
		base := (1 << 24) + i*stride
		bits := []int{24, 24, 24, 23, 22, 25, 26, 28}[rng.IntN(8)]
		a := netip.AddrFrom4([4]byte{byte(base >> 24), byte(base >> 16), byte(base >> 8), byte(base)})
		out = append(out, netip.PrefixFrom(a, bits).Masked())
	}
	for i := range benchNetworks6 {
		var b [16]byte
		b[0], b[1] = 0x2a, byte(i>>16)&0x0f
		b[2], b[3], b[4], b[5] = byte(i>>8), byte(i), byte(rng.IntN(256)), 0
		out = append(out, netip.PrefixFrom(netip.AddrFrom16(b), 48))
	}
	return out
}

var languages = []string{"de", "en", "es", "fr", "ja", "pt-BR", "ru", "zh-CN"}

func localized(name string) mmdbtype.Map {
	m := mmdbtype.Map{}
	for _, l := range languages {
		v := name
		if l != "en" {
			v = name + " (" + l + ")"
		}
		m[mmdbtype.String(l)] = mmdbtype.String(v)
	}
	return m
}

// benchRecord is a GeoLite2-City record as MaxMind writes them: every
// language for continent and country, some for the city, geoname ids,
// registered country, one or two subdivisions.
func benchRecord(i int) mmdbtype.Map {
	country := mmdbtype.Map{
		"geoname_id": mmdbtype.Uint32(2_000_000 + i%200),
		"iso_code":   mmdbtype.String(fmt.Sprintf("%c%c", 'A'+i%26, 'A'+(i/26)%26)),
		"names":      localized(fmt.Sprintf("Country %d", i%200)),
	}
	if i%3 == 0 {
		country["is_in_european_union"] = mmdbtype.Bool(true)
	}
	subs := mmdbtype.Slice{mmdbtype.Map{
		"geoname_id": mmdbtype.Uint32(3_000_000 + i%2000),
		"iso_code":   mmdbtype.String(fmt.Sprintf("S%d", i%2000)),
		"names":      localized(fmt.Sprintf("Region %d", i%2000)),
	}}
	if i%4 == 0 {
		subs = append(subs, mmdbtype.Map{
			"geoname_id": mmdbtype.Uint32(4_000_000 + i),
			"iso_code":   mmdbtype.String(fmt.Sprintf("T%d", i%500)),
			"names":      mmdbtype.Map{"en": mmdbtype.String(fmt.Sprintf("District %d", i))},
		})
	}
	return mmdbtype.Map{
		"city": mmdbtype.Map{
			"geoname_id": mmdbtype.Uint32(5_000_000 + i),
			"names":      localized(fmt.Sprintf("City %d", i)),
		},
		"continent": mmdbtype.Map{
			"code":       mmdbtype.String([]string{"AF", "AS", "EU", "NA", "OC", "SA"}[i%6]),
			"geoname_id": mmdbtype.Uint32(6_255_146 + i%6),
			"names":      localized(fmt.Sprintf("Continent %d", i%6)),
		},
		"country": country,
		"location": mmdbtype.Map{
			"accuracy_radius": mmdbtype.Uint16(5 + i%500),
			"latitude":        mmdbtype.Float64(float64(i%18000)/100 - 90),
			"longitude":       mmdbtype.Float64(float64(i%36000)/100 - 180),
			"time_zone":       mmdbtype.String(fmt.Sprintf("Zone/%d", i%400)),
		},
		"postal":             mmdbtype.Map{"code": mmdbtype.String(fmt.Sprintf("%05d", i))},
		"registered_country": country,
		"subdivisions":       subs,
	}
}

// benchAddrs picks n addresses inside random networks of nets.
func benchAddrs(nets []netip.Prefix, n int) []netip.Addr {
	rng := rand.New(rand.NewPCG(7, 8))
	out := make([]netip.Addr, n)
	for i := range out {
		p := nets[rng.IntN(len(nets))]
		b := p.Addr().AsSlice()
		for bit := p.Bits(); bit < len(b)*8; bit++ {
			if rng.IntN(2) == 1 {
				b[bit/8] |= 0x80 >> (bit % 8)
			}
		}
		a, _ := netip.AddrFromSlice(b)
		out[i] = a
	}
	return out
}

// BenchmarkLookup compares Source.Lookup with geoip2-golang's City() on
// the same database and addresses, in the same run:
//
//	go test -run '^$' -bench Lookup -benchmem ./source/mmdb
//
// Set IPINTEL_GEOLITE2_CITY to a real GeoLite2-City.mmdb to add it.
func BenchmarkLookup(b *testing.B) {
	path, nets := benchCity(b)
	files := []struct{ name, path string }{{"generated", path}}
	if p := os.Getenv(GeoLite2Env); p != "" {
		files = append(files, struct{ name, path string }{"geolite2", p})
	}
	for _, f := range files {
		addrs := benchAddrs(nets, 1<<14)
		if f.name == "geolite2" {
			addrs = geoliteAddrs(b, f.path)
		}
		b.Run(f.name, func(b *testing.B) {
			benchSource(b, f.path, addrs, "ipintel", nil)
			benchSource(b, f.path, addrs, "ipintel-nocache", []mmdb.Option{mmdb.WithCacheSize(0)})
			benchSource(b, f.path, addrs, "ipintel-lang-de", []mmdb.Option{mmdb.WithLanguage("de")})
			benchSource(b, f.path, addrs, "ipintel-inmemory", []mmdb.Option{mmdb.WithInMemory()})
			benchGeoIP2(b, f.path, addrs)
		})
	}
}

// benchSource measures Source.Lookup over addrs, after one pass over them
// (the steady state: page cache and record cache warm).
func benchSource(b *testing.B, path string, addrs []netip.Addr, name string, opts []mmdb.Option) {
	b.Run(name, func(b *testing.B) {
		s, err := mmdb.Open(path, opts...)
		if err != nil {
			b.Fatal(err)
		}
		defer s.Close()
		ctx := context.Background()
		for _, a := range addrs {
			_, _ = s.Lookup(ctx, a)
		}
		b.ReportAllocs()
		b.ResetTimer()
		for i := 0; b.Loop(); i++ {
			rec, err := s.Lookup(ctx, addrs[i&(len(addrs)-1)])
			if err != nil || rec.Geo == nil {
				b.Fatal(rec, err)
			}
		}
	})
}

// benchGeoIP2 measures geoip2-golang's City() over addrs, after one pass
// over them, as benchSource does.
func benchGeoIP2(b *testing.B, path string, addrs []netip.Addr) {
	b.Run("geoip2-City", func(b *testing.B) {
		r, err := geoip2.Open(path)
		if err != nil {
			b.Fatal(err)
		}
		defer r.Close()
		for _, a := range addrs {
			_, _ = r.City(a)
		}
		b.ReportAllocs()
		b.ResetTimer()
		for i := 0; b.Loop(); i++ {
			c, err := r.City(addrs[i&(len(addrs)-1)])
			if err != nil || !c.HasData() {
				b.Fatal(err)
			}
		}
	})
}

// geoliteAddrs picks addresses with data from a real database.
func geoliteAddrs(b *testing.B, path string) []netip.Addr {
	r, err := geoip2.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer r.Close()
	rng := rand.New(rand.NewPCG(9, 10))
	out := make([]netip.Addr, 0, 1<<14)
	for len(out) < cap(out) {
		a := netip.AddrFrom4([4]byte{byte(1 + rng.IntN(222)), byte(rng.IntN(256)), byte(rng.IntN(256)), byte(rng.IntN(256))})
		if c, err := r.City(a); err == nil && c.HasData() && c.Country.ISOCode != "" {
			out = append(out, a)
		}
	}
	return out
}

// BenchmarkLookupParallel is BenchmarkLookup's hit case from every core.
func BenchmarkLookupParallel(b *testing.B) {
	path, nets := benchCity(b)
	addrs := benchAddrs(nets, 1<<14)
	b.Run("ipintel", func(b *testing.B) {
		s, err := mmdb.Open(path)
		if err != nil {
			b.Fatal(err)
		}
		defer s.Close()
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			i := rand.IntN(len(addrs))
			for pb.Next() {
				if _, err := s.Lookup(context.Background(), addrs[i&(len(addrs)-1)]); err != nil {
					b.Error(err)
					return
				}
				i++
			}
		})
	})
	b.Run("geoip2-City", func(b *testing.B) {
		r, err := geoip2.Open(path)
		if err != nil {
			b.Fatal(err)
		}
		defer r.Close()
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			i := rand.IntN(len(addrs))
			for pb.Next() {
				if _, err := r.City(addrs[i&(len(addrs)-1)]); err != nil {
					b.Error(err)
					return
				}
				i++
			}
		})
	})
}
