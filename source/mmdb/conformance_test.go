package mmdb_test

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ipintel/ipintel/internal/realdata"
	"github.com/ipintel/ipintel/source"
	"github.com/ipintel/ipintel/source/mmdb"
)

// unsupported are the MaxMind test databases whose type carries nothing
// ipintel reads (demographics, scores, raw decoder tests); Open must refuse
// them with source.ErrInvalidInput rather than guess.
var unsupported = map[string]bool{
	"GeoIP2-DensityIncome-Test.mmdb":         true,
	"GeoIP2-Static-IP-Score-Test.mmdb":       true,
	"GeoIP2-User-Count-Test.mmdb":            true,
	"MaxMind-DB-no-ipv4-search-tree.mmdb":    true,
	"MaxMind-DB-string-value-entries.mmdb":   true,
	"MaxMind-DB-test-decoder.mmdb":           true,
	"MaxMind-DB-test-pointer-decoder.mmdb":   true,
	"MaxMind-DB-test-nested.mmdb":            true,
	"MaxMind-DB-test-metadata-pointers.mmdb": true,
}

// TestMaxMindConformance checks every network of MaxMind's source data
// against what the matching test database answers through this package.
// The expected values are computed here from the JSON with a separate,
// obvious mapping.
func TestMaxMindConformance(t *testing.T) {
	dir := realdata.Path(t, "maxmind-MaxMind-DB")
	files, err := filepath.Glob(filepath.Join(dir, "test-data", "*.mmdb"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no test databases in %s: %v", dir, err)
	}
	total, dbs := 0, 0
	for _, file := range files {
		base := filepath.Base(file)
		t.Run(strings.TrimSuffix(base, ".mmdb"), func(t *testing.T) {
			src, err := mmdb.Open(file)
			switch {
			case unsupported[base] || strings.HasPrefix(base, "MaxMind-DB-test-") && !strings.Contains(base, "broken"):
				if !errors.Is(err, source.ErrInvalidInput) {
					t.Fatalf("Open = %v, want source.ErrInvalidInput", err)
				}
				if !strings.Contains(err.Error(), "unknown database type \"") || strings.Contains(err.Error(), `type ""`) {
					t.Fatalf("error %v does not name the database type", err)
				}
				return
			case strings.Contains(base, "Broken") || strings.Contains(base, "broken") || strings.Contains(base, "Invalid"):
				if err == nil {
					// Broken in a way a first look cannot see: lookups must
					// still never panic.
					lookupEverything(t, src)
					src.Close()
				}
				return
			case err != nil:
				t.Fatalf("Open: %v", err)
			}
			defer src.Close()
			jsonFile := filepath.Join(dir, "source-data", strings.TrimSuffix(base, ".mmdb")+".json")
			if _, err := os.Stat(jsonFile); err != nil {
				lookupEverything(t, src)
				return // Shield variants: no source data of their own
			}
			n := checkAgainstSource(t, src, jsonFile, strings.Contains(base, "Residential-Proxy"))
			t.Logf("%s: %d networks checked", base, n)
			total += n
			dbs++
		})
	}
	t.Logf("MaxMind conformance: %d networks checked in %d databases", total, dbs)
	if dbs > 0 && total < 1000 {
		t.Errorf("only %d networks checked", total)
	}
}

func lookupEverything(t *testing.T, src *mmdb.Source) {
	t.Helper()
	ctx := context.Background()
	for _, s := range []string{"1.1.1.1", "2.125.160.216", "81.2.69.142", "::1.2.3.4", "2001:218::1", "214.2.3.5"} {
		_, _ = src.Lookup(ctx, netip.MustParseAddr(s)) // errors are fine; panics are not
	}
}

type sourceEntry struct {
	prefix netip.Prefix // in 128-bit form
	data   map[string]any
}

func loadSource(t *testing.T, file string) []sourceEntry {
	t.Helper()
	raw, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var list []map[string]map[string]any
	if err := json.Unmarshal(raw, &list); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	var out []sourceEntry
	for _, item := range list {
		for k, v := range item {
			p, err := netip.ParsePrefix(k)
			if err != nil {
				t.Fatalf("%s: %v", file, err)
			}
			out = append(out, sourceEntry{to128(p), v})
		}
	}
	return out
}

func to128(p netip.Prefix) netip.Prefix {
	if p.Addr().Is4() {
		a := p.Addr().As4()
		var b [16]byte
		copy(b[12:], a[:])
		return netip.PrefixFrom(netip.AddrFrom16(b), p.Bits()+96)
	}
	return p.Masked()
}

// lookupAddr turns an address of the 128-bit form back into the IPv4
// address a caller would pass for the IPv4 part of the tree.
func lookupAddr(a netip.Addr) netip.Addr {
	b := a.As16()
	for _, x := range b[:12] {
		if x != 0 {
			return a
		}
	}
	return netip.AddrFrom4([4]byte(b[12:]))
}

// aliased ranges are where the writer mirrors the IPv4 tree; source data
// there is not stored as written.
var aliased = []netip.Prefix{
	netip.MustParsePrefix("::ffff:0:0/96"),
	netip.MustParsePrefix("2001::/32"),
	netip.MustParsePrefix("2002::/16"),
}

func checkAgainstSource(t *testing.T, src *mmdb.Source, file string, residential bool) int {
	t.Helper()
	entries := loadSource(t, file)
	ctx := context.Background()
	checked := 0
	for i, e := range entries {
		addr := e.prefix.Addr()
		if slices.ContainsFunc(aliased, func(p netip.Prefix) bool { return p.Contains(addr) }) {
			continue
		}
		// The last entry covering addr wins, as the writer inserts in order.
		want := e.data
		for _, later := range entries[i+1:] {
			if later.prefix.Contains(addr) {
				want = later.data
			}
		}
		q := lookupAddr(addr)
		got, err := src.Lookup(ctx, q)
		if err != nil {
			t.Errorf("%s: Lookup(%v): %v", e.prefix, q, err)
			continue
		}
		exp := expected(want, src.Name(), residential)
		if exp.IsZero() {
			if !got.IsZero() {
				t.Errorf("%s: Lookup(%v) = %+v, want a miss", e.prefix, q, got)
			}
			checked++
			continue
		}
		if !got.Prefix.Contains(q) {
			t.Errorf("%s: Prefix %v does not contain %v", e.prefix, got.Prefix, q)
		}
		if !equalPtr(got.Geo, exp.Geo) {
			t.Errorf("%s: Geo = %+v, want %+v", e.prefix, deref(got.Geo), deref(exp.Geo))
		}
		if !equalPtr(got.Network, exp.Network) {
			t.Errorf("%s: Network = %+v, want %+v", e.prefix, deref(got.Network), deref(exp.Network))
		}
		if !equalSignals(got.Signals, exp.Signals) {
			t.Errorf("%s: Signals = %+v, want %+v", e.prefix, got.Signals, exp.Signals)
		}
		checked++
	}
	return checked
}

func equalPtr[T comparable](a, b *T) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}

func deref[T any](p *T) any {
	if p == nil {
		return nil
	}
	return *p
}

func equalSignals(a, b []source.Signal) bool {
	sortSignals := func(s []source.Signal) []source.Signal {
		s = slices.Clone(s)
		slices.SortFunc(s, func(x, y source.Signal) int { return int(x.Kind) - int(y.Kind) })
		return s
	}
	return slices.Equal(sortSignals(a), sortSignals(b))
}

// expected maps a source-data record the obvious way.
func expected(m map[string]any, name string, residential bool) source.Record {
	get := func(path ...any) any {
		var v any = m
		for _, p := range path {
			switch k := p.(type) {
			case string:
				mm, ok := v.(map[string]any)
				if !ok {
					return nil
				}
				v = mm[k]
			case int:
				s, ok := v.([]any)
				if !ok || k >= len(s) {
					return nil
				}
				v = s[k]
			}
		}
		return v
	}
	str := func(path ...any) string { s, _ := get(path...).(string); return s }
	num := func(path ...any) (float64, bool) { f, ok := get(path...).(float64); return f, ok }
	flag := func(k string) bool {
		b1, _ := get(k).(bool)
		b2, _ := get("traits", k).(bool)
		return b1 || b2
	}
	either := func(k string) string {
		if s := str(k); s != "" {
			return s
		}
		return str("traits", k)
	}
	var r source.Record
	g := source.Geo{
		CountryCode: str("country", "iso_code"),
		CountryName: str("country", "names", "en"),
		Region:      str("subdivisions", 0, "names", "en"),
		RegionCode:  str("subdivisions", 0, "iso_code"),
		City:        str("city", "names", "en"),
		PostalCode:  str("postal", "code"),
		Timezone:    str("location", "time_zone"),
		Continent:   str("continent", "code"),
	}
	g.InEU, _ = get("country", "is_in_european_union").(bool)
	lat, okLat := num("location", "latitude")
	lon, okLon := num("location", "longitude")
	if okLat && okLon {
		rad, _ := num("location", "accuracy_radius")
		g.Coordinates = source.Coordinates{Latitude: lat, Longitude: lon, AccuracyRadius: int(rad)}
	}
	if g != (source.Geo{}) {
		r.Geo = &g
	}
	n := source.Network{
		Organization:   either("organization"),
		ISP:            either("isp"),
		Domain:         either("domain"),
		ConnectionType: either("connection_type"),
		UsageType:      either("user_type"),
	}
	if n.Organization == "" {
		n.Organization = either("autonomous_system_organization")
	}
	asn, ok := num("autonomous_system_number")
	if !ok {
		asn, _ = num("traits", "autonomous_system_number")
	}
	n.ASN = source.ASN(asn)
	if n != (source.Network{}) {
		r.Network = &n
	}
	conf := mmdb.DefaultConfidence
	if c, ok := num("anonymizer_confidence"); ok {
		conf = int(math.Round(c))
	}
	var seen time.Time
	if s := str("network_last_seen"); s != "" {
		seen, _ = time.Parse(time.DateOnly, s)
	}
	provider := str("provider_name")
	add := func(k source.Kind, c int, category string) {
		r.Signals = append(r.Signals, source.Signal{Kind: k, Confidence: c, Provider: provider,
			Source: name, Category: category, LastSeen: seen})
	}
	for _, f := range []struct {
		on   bool
		kind source.Kind
	}{
		{residential || flag("is_residential_proxy"), source.ResidentialProxy},
		{flag("is_anonymous_vpn"), source.VPN},
		{flag("is_public_proxy"), source.Proxy},
		{flag("is_tor_exit_node"), source.Tor},
		{flag("is_hosting_provider"), source.Hosting},
	} {
		if f.on {
			add(f.kind, conf, "")
		}
	}
	if risk, ok := num("ip_risk"); ok {
		add(source.ProviderRisk, int(math.Round(risk)), "ip_risk")
	}
	return r
}
