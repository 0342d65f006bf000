package feed_test

import (
	"context"
	"errors"
	"iter"
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
	"github.com/ipintel/ipintel/source/feed"
	"github.com/ipintel/ipintel/source/sourcetest"
)

var ctx = context.Background()

func addr(s string) netip.Addr { return netip.MustParseAddr(s) }

func open(t testing.TB, path string, spec feed.Spec) *feed.Feed {
	t.Helper()
	f, err := feed.Open(path, spec)
	if err != nil {
		t.Fatalf("Open(%s): %v", path, err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

func lookup(t testing.TB, s source.Source, a string) source.Record {
	t.Helper()
	r, err := s.Lookup(ctx, addr(a))
	if err != nil {
		t.Fatalf("Lookup(%s): %v", a, err)
	}
	return r
}

// prefixesOf yields the prefixes of a feed's data, as its Enumerate lists
// them.
func prefixesOf(t testing.TB, f *feed.Feed) iter.Seq[netip.Prefix] {
	return func(yield func(netip.Prefix) bool) {
		for r, err := range f.Enumerate(context.Background()) {
			if err != nil {
				t.Fatalf("Enumerate: %v", err)
			}
			if !yield(r.Prefix) {
				return
			}
		}
	}
}

func TestPlainFixture(t *testing.T) {
	f := open(t, "testdata/plain.netset", feed.Spec{Name: "fixture", Kind: source.VPN, Provider: "Example", Confidence: 90, Category: "test"})
	st := f.Stats()
	if st.Format != feed.Plain {
		t.Errorf("format %v, want plain", st.Format)
	}
	if st.Skipped != 2 || len(st.Malformed) != 2 || st.Malformed[0].Line != 11 || st.Malformed[1].Line != 12 {
		t.Errorf("skipped %d, malformed %+v; want lines 11 and 12", st.Skipped, st.Malformed)
	}
	if st.Masked != 1 {
		t.Errorf("masked %d, want 1 (203.0.113.77/28)", st.Masked)
	}
	want := source.Signal{Kind: source.VPN, Confidence: 90, Provider: "Example", Source: "fixture", Category: "test"}
	for _, tc := range []struct{ addr, pfx string }{
		{"192.0.2.200", "192.0.2.0/24"},
		{"198.51.100.7", "198.51.100.7/32"},
		{"198.51.100.20", "198.51.100.16/29"},
		{"203.0.113.2", "203.0.113.0/30"},
		{"203.0.113.70", "203.0.113.64/28"},
		{"2001:db8::5", "2001:db8::/48"},
		{"10.9.9.9", "10.9.9.9/32"},
	} {
		r := lookup(t, f, tc.addr)
		if r.Prefix.String() != tc.pfx || len(r.Signals) != 1 || r.Signals[0] != want || r.Geo != nil {
			t.Errorf("Lookup(%s) = %+v; want prefix %s and %+v", tc.addr, r, tc.pfx, want)
		}
	}
	for _, a := range []string{"198.51.100.8", "203.0.113.4", "8.8.8.8", "2001:db9::1"} {
		if r := lookup(t, f, a); !r.IsZero() {
			t.Errorf("Lookup(%s) = %+v; want a miss", a, r)
		}
	}
}

func TestFormatsFixtures(t *testing.T) {
	for _, tc := range []struct {
		file     string
		format   feed.Format
		addr     string
		pfx      string
		provider string
		cats     []string
		geo      *source.Geo
		lastSeen string
		skipped  int
	}{
		{"exit-addresses", feed.TorExitAddresses, "194.26.192.64", "194.26.192.64/32", "", []string{""}, nil, "2024-03-12T13:03:14Z", 1},
		{"exit-addresses", feed.TorExitAddresses, "2001:db8::64", "2001:db8::64/128", "", []string{""}, nil, "2024-03-12T13:04:00Z", 1},
		{"geofeed.csv", feed.Geofeed, "172.224.224.40", "172.224.224.32/27", "", []string{""}, &source.Geo{CountryCode: "US", RegionCode: "TX", City: "Richardson", PostalCode: "75080", Authoritative: true}, "", 1},
		{"geofeed.csv", feed.Geofeed, "2a02:26f7:b3c0:4000::1", "2a02:26f7:b3c0:4000::/64", "", []string{""}, &source.Geo{CountryCode: "DE", RegionCode: "HE", City: "Frankfurt am Main", PostalCode: "60311", Authoritative: true}, "", 1},
		{"geofeed.csv", feed.Geofeed, "192.0.2.1", "192.0.2.0/24", "", []string{""}, nil, "", 1},
		{"aws.json", feed.AWS, "3.5.141.1", "3.5.140.0/22", "AWS", []string{"AMAZON/ap-northeast-2", "EC2/ap-northeast-2"}, &source.Geo{CountryCode: "KR", City: "Seoul", Authoritative: true}, "", 1},
		{"aws.json", feed.AWS, "2600:1f14::1", "2600:1f14::/35", "AWS", []string{"EC2/us-west-2"}, &source.Geo{CountryCode: "US", Authoritative: true}, "", 1},
		{"gcp.json", feed.GCP, "34.1.208.9", "34.1.208.0/20", "Google Cloud", []string{"Google Cloud/africa-south1"}, &source.Geo{CountryCode: "ZA", City: "Johannesburg", Authoritative: true}, "", 0},
		{"azure.json", feed.Azure, "20.8.1.1", "20.8.0.0/16", "Microsoft Azure", []string{"Storage.WestEurope", "AzureCloud"}, &source.Geo{CountryCode: "NL", Authoritative: true}, "", 0},
		{"oracle.json", feed.Oracle, "134.70.24.1", "134.70.24.0/21", "Oracle Cloud", []string{"OSN/us-ashburn-1", "OBJECT_STORAGE/us-ashburn-1"}, &source.Geo{CountryCode: "US", City: "Ashburn", Authoritative: true}, "", 0},
		{"cloudflare.json", feed.Cloudflare, "2400:cb00::1", "2400:cb00::/32", "Cloudflare", []string{""}, nil, "", 0},
	} {
		t.Run(tc.file+"/"+tc.addr, func(t *testing.T) {
			// Detected from content, and the same when named explicitly.
			for _, format := range []feed.Format{feed.Detect, tc.format} {
				f := open(t, filepath.Join("testdata", tc.file), feed.Spec{Name: "n", Kind: source.Hosting, Format: format})
				st := f.Stats()
				if st.Format != tc.format || st.Skipped != tc.skipped {
					t.Fatalf("format %v skipped %d (%+v); want %v, %d", st.Format, st.Skipped, st.Malformed, tc.format, tc.skipped)
				}
				r := lookup(t, f, tc.addr)
				if r.Prefix.String() != tc.pfx {
					t.Errorf("prefix %v, want %s", r.Prefix, tc.pfx)
				}
				var cats []string
				for _, s := range r.Signals {
					cats = append(cats, s.Category)
					if s.Provider != tc.provider || s.Source != "n" || s.Kind != source.Hosting || s.Confidence != feed.DefaultConfidence {
						t.Errorf("signal %+v lacks provenance", s)
					}
					if tc.lastSeen != "" && s.LastSeen.Format(time.RFC3339) != tc.lastSeen {
						t.Errorf("LastSeen %v, want %s", s.LastSeen, tc.lastSeen)
					}
				}
				if !slices.Equal(cats, tc.cats) {
					t.Errorf("categories %q, want %q", cats, tc.cats)
				}
				if (r.Geo == nil) != (tc.geo == nil) || (r.Geo != nil && *r.Geo != *tc.geo) {
					t.Errorf("geo %+v, want %+v", r.Geo, tc.geo)
				}
			}
		})
	}
}

func TestLoadErrors(t *testing.T) {
	spec := feed.Spec{Name: "x", Kind: source.VPN}
	for _, tc := range []struct {
		name string
		in   string
		spec feed.Spec
		want error
	}{
		{"empty", "", spec, source.ErrMalformed},
		{"comments only", "# nothing\n\n; here\n", spec, source.ErrMalformed},
		{"all malformed", "foo\nbar\n", spec, source.ErrMalformed},
		{"short v4", "0.0.0.0/0\n1.2.3.0/24\n", spec, source.ErrPoisoned},
		{"short v6", "::/3\n", spec, source.ErrPoisoned},
		{"bad json", "{not json", spec, source.ErrMalformed},
		{"too large", strings.Repeat("1.2.3.4\n", 100), feed.Spec{Name: "x", Kind: source.VPN, MaxBytes: 64}, source.ErrTooLarge},
		{"no name", "1.2.3.4", feed.Spec{Kind: source.VPN}, source.ErrInvalidOption},
		{"no kind", "1.2.3.4", feed.Spec{Name: "x"}, source.ErrInvalidOption},
		{"bad confidence", "1.2.3.4", feed.Spec{Name: "x", Kind: source.VPN, Confidence: 101}, source.ErrInvalidOption},
		{"negative MaxBytes", "1.2.3.4", feed.Spec{Name: "x", Kind: source.VPN, MaxBytes: -1}, source.ErrInvalidOption},
		{"negative MaxShrink", "1.2.3.4", feed.Spec{Name: "x", Kind: source.VPN, MaxShrink: -0.5}, source.ErrInvalidOption},
		{"NaN MaxShrink", "1.2.3.4", feed.Spec{Name: "x", Kind: source.VPN, MaxShrink: math.NaN()}, source.ErrInvalidOption},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := feed.Load(strings.NewReader(tc.in), tc.spec)
			if !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
		})
	}
	// The typed error carries the stats, with line numbers.
	_, err := feed.Load(strings.NewReader("foo\n\nbar\n"), spec)
	var fe *feed.Error
	if !errors.As(err, &fe) || fe.Stats.Skipped != 2 || fe.Stats.Malformed[1].Line != 3 || fe.Feed != "x" {
		t.Fatalf("err = %#v; want *feed.Error with 2 malformed lines", err)
	}
	// Short prefixes load when allowed.
	f, err := feed.Load(strings.NewReader("0.0.0.0/0\n"), feed.Spec{Name: "x", Kind: source.VPN, AllowShortPrefixes: true})
	if err != nil || lookup(t, f, "8.8.8.8").IsZero() {
		t.Fatalf("AllowShortPrefixes: %v", err)
	}
	if _, err := feed.Open("testdata/does-not-exist", spec); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Open missing file: %v", err)
	}
}

func TestSetEveryFeed(t *testing.T) {
	mk := func(name string, kind source.Kind, body string) *feed.Feed {
		f, err := feed.Load(strings.NewReader(body), feed.Spec{Name: name, Kind: kind, Provider: name})
		if err != nil {
			t.Fatal(err)
		}
		return f
	}
	aws := mk("aws", source.Hosting, "10.0.0.0/16\n")
	vpn := mk("vpn", source.VPN, "10.0.1.0/24\n")
	tor := mk("tor", source.Tor, "10.0.1.9\n2001:db8::9\n")
	geo, err := feed.Load(strings.NewReader("10.0.1.0/25,FR,FR-IDF,Paris,\n"), feed.Spec{Name: "relay", Kind: source.Relay})
	if err != nil {
		t.Fatal(err)
	}
	set, err := feed.NewSet(aws, vpn, tor, geo)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { set.Close() })
	kinds := func(r source.Record) []string {
		var ks []string
		for _, s := range r.Signals {
			ks = append(ks, s.Source)
		}
		return ks
	}
	r := lookup(t, set, "10.0.1.9")
	if got := kinds(r); !slices.Equal(got, []string{"tor", "relay", "vpn", "aws"}) || r.Prefix.String() != "10.0.1.9/32" || r.Geo == nil || r.Geo.City != "Paris" {
		t.Errorf("10.0.1.9: %v %v %+v", got, r.Prefix, r.Geo)
	}
	r = lookup(t, set, "10.0.1.200")
	if got := kinds(r); !slices.Equal(got, []string{"vpn", "aws"}) || r.Geo != nil {
		t.Errorf("10.0.1.200: %v %+v", got, r.Geo)
	}
	if got := kinds(lookup(t, set, "10.0.200.1")); !slices.Equal(got, []string{"aws"}) {
		t.Errorf("10.0.200.1: %v", got)
	}
	if r := lookup(t, set, "2001:db8::9"); !slices.Equal(kinds(r), []string{"tor"}) {
		t.Errorf("2001:db8::9: %v", kinds(r))
	}
	if r := lookup(t, set, "11.0.0.1"); !r.IsZero() {
		t.Errorf("miss: %+v", r)
	}
	recs, err := set.LookupBatch(ctx, []netip.Addr{addr("10.0.200.1"), addr("11.0.0.1")})
	if err != nil || len(recs) != 2 || len(recs[0].Signals) != 1 || !recs[1].IsZero() {
		t.Errorf("LookupBatch = %+v, %v", recs, err)
	}
	if _, err := feed.NewSet(aws, aws); !errors.Is(err, source.ErrInvalidOption) {
		t.Errorf("duplicate name: %v", err)
	}
	if _, err := feed.NewSet(); !errors.Is(err, source.ErrInvalidOption) {
		t.Errorf("empty set: %v", err)
	}
	if set.Name() != feed.SetName {
		t.Errorf("Name = %q", set.Name())
	}
}

func TestLookupAllocs(t *testing.T) {
	f := open(t, "testdata/geofeed.csv", feed.Spec{Name: "g", Kind: source.Relay})
	set, err := feed.NewSet(f)
	if err != nil {
		t.Fatal(err)
	}
	hit, miss := addr("172.224.224.40"), addr("8.8.8.8")
	if n := testing.AllocsPerRun(100, func() {
		set.Lookup(ctx, hit)
		set.Lookup(ctx, miss)
		f.Lookup(ctx, hit)
	}); n != 0 {
		t.Fatalf("Lookup allocates %v times", n)
	}
}

func TestConformance(t *testing.T) {
	sourcetest.Run(t, func(t *testing.T) source.Source {
		return open(t, "testdata/plain.netset", feed.Spec{Name: "fixture", Kind: source.VPN})
	}, sourcetest.Hits(addr("192.0.2.1"), addr("2001:db8::1")), sourcetest.Misses(addr("8.8.8.8"), addr("2001:db9::1")))
	sourcetest.Run(t, func(t *testing.T) source.Source {
		a := open(t, "testdata/aws.json", feed.Spec{Name: "aws", Kind: source.Hosting})
		g := open(t, "testdata/geofeed.csv", feed.Spec{Name: "relay", Kind: source.Relay})
		s, err := feed.NewSet(a, g)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}, sourcetest.Hits(addr("3.5.140.1"), addr("2600:1f14::1"), addr("172.224.224.1")), sourcetest.Misses(addr("8.8.8.8"), addr("2001:db9::1")))
}

// realFeed opens a file of the real data internal/realdata locates,
// skipping when it is absent.
func realFeed(t testing.TB, spec feed.Spec, elem ...string) *feed.Feed {
	t.Helper()
	return open(t, realdata.Path(t, elem...), spec)
}

func TestRealData(t *testing.T) {
	for _, tc := range []struct {
		elem     []string
		format   feed.Format
		minPfx   int
		hit      string
		category string
	}{
		{[]string{"X4BNet-lists_vpn", "output", "vpn", "ipv4.txt"}, feed.Plain, 10000, "2.56.16.1", ""},
		{[]string{"X4BNet-lists_vpn", "output", "datacenter", "ipv6.txt"}, feed.Plain, 8000, "", ""},
		{[]string{"X4BNet-lists_vpn", "input", "vpn", "ips", "pia.txt"}, feed.Plain, 1500, "37.19.197.133", ""},
		{[]string{"javascripterzzeerrr-ipinfo-parser", "torbulkexitlist"}, feed.Plain, 1100, "185.241.208.232", ""},
		{[]string{"hoodietramp-capNcook", "torbulkexitlist"}, feed.Plain, 100, "", ""},
		{[]string{"SecOps-Institute-Tor-IP-Addresses", "tor-exit-nodes.lst"}, feed.Plain, 1500, "", ""},
		{[]string{"javascripterzzeerrr-ipinfo-parser", "exit-addresses"}, feed.TorExitAddresses, 1100, "185.241.208.232", ""},
		{[]string{"femueller-cloud-ip-ranges", "digitalocean.csv"}, feed.Geofeed, 1000, "5.101.96.1", ""},
		{[]string{"femueller-cloud-ip-ranges", "linode.txt"}, feed.Geofeed, 4000, "2600:3c00::1", ""},
		{[]string{"femueller-cloud-ip-ranges", "aws-ip-ranges.json"}, feed.AWS, 9000, "3.5.140.1", "AMAZON/ap-northeast-2"},
		{[]string{"femueller-cloud-ip-ranges", "google-cloud-ip-ranges.json"}, feed.GCP, 700, "34.1.208.1", "Google Cloud/africa-south1"},
		{[]string{"femueller-cloud-ip-ranges", "microsoft-azure-ip-ranges.json"}, feed.Azure, 10000, "4.145.74.53", "ActionGroup"},
		{[]string{"femueller-cloud-ip-ranges", "oracle-cloud-ip-ranges.json"}, feed.Oracle, 500, "129.80.0.1", "OCI/us-ashburn-1"},
		{[]string{"femueller-cloud-ip-ranges", "cloudflare-v4-ip-ranges.txt"}, feed.Plain, 14, "173.245.48.1", ""},
		{[]string{"femueller-cloud-ip-ranges", "akamai-v4-ip-ranges.txt"}, feed.Plain, 17, "23.32.0.1", ""},
		{[]string{"hroost-icloud-private-relay-iplist", "ip-ranges.txt"}, feed.Plain, 13000, "104.28.28.76", ""},
		{[]string{"lord-alfred-ipranges", "all", "ipv4.txt"}, feed.Plain, 100000, "", ""},
		{[]string{"sefinek-known-bots-ip-whitelist", "lists", "uptimerobot", "ips.txt"}, feed.Plain, 200, "3.12.251.153", ""},
		{[]string{"sefinek-known-bots-ip-whitelist", "lists", "uptimerobot", "ips.csv"}, feed.Plain, 200, "3.12.251.153", ""},
	} {
		t.Run(strings.Join(tc.elem, "/"), func(t *testing.T) {
			spec := feed.Spec{Name: "real", Kind: source.Hosting}
			f := realFeed(t, spec, tc.elem...)
			st := f.Stats()
			if st.Format != tc.format || st.Prefixes < tc.minPfx {
				t.Fatalf("format %v, %d prefixes; want %v, ≥ %d (stats %+v)", st.Format, st.Prefixes, tc.format, tc.minPfx, st)
			}
			// Real files are clean except a CSV header line.
			if st.Skipped > 1 {
				t.Errorf("%d lines skipped: %v", st.Skipped, st.Malformed)
			}
			if tc.hit == "" {
				return
			}
			r := lookup(t, f, tc.hit)
			if r.IsZero() || !r.Prefix.Contains(addr(tc.hit)) {
				t.Fatalf("Lookup(%s) = %+v", tc.hit, r)
			}
			if tc.category != "" && !slices.ContainsFunc(r.Signals, func(s source.Signal) bool { return s.Category == tc.category }) {
				t.Errorf("Lookup(%s) categories %+v lack %q", tc.hit, r.Signals, tc.category)
			}
			if tc.format == feed.Geofeed && (r.Geo == nil || r.Geo.CountryCode == "") {
				t.Errorf("geofeed hit without geo: %+v", r)
			}
			if tc.format == feed.TorExitAddresses && r.Signals[0].LastSeen.IsZero() {
				t.Errorf("exit-addresses hit without LastSeen: %+v", r)
			}
		})
	}
}

// TestRealDataExitListsAgree checks the two Tor formats of the same day
// list the same addresses.
func TestRealDataExitListsAgree(t *testing.T) {
	spec := feed.Spec{Name: "tor", Kind: source.Tor}
	bulk := realFeed(t, spec, "javascripterzzeerrr-ipinfo-parser", "torbulkexitlist")
	ea := realFeed(t, spec, "javascripterzzeerrr-ipinfo-parser", "exit-addresses")
	data, err := os.ReadFile(realdata.Path(t, "javascripterzzeerrr-ipinfo-parser", "torbulkexitlist"))
	if err != nil {
		t.Fatal(err)
	}
	missing := 0
	for _, line := range strings.Fields(string(data)) {
		if lookup(t, ea, line).IsZero() {
			missing++
		}
	}
	// The two were downloaded minutes apart; allow a little churn.
	if missing > bulk.Stats().Prefixes/50 {
		t.Errorf("%d of %d bulk-list exits missing from exit-addresses", missing, bulk.Stats().Prefixes)
	}
}

func TestSetReloadFiles(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.txt"), filepath.Join(dir, "b.txt")
	write := func(p, body string) {
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(a, "10.0.0.0/24\n10.0.1.0/24\n")
	write(b, "10.9.0.0/16\n")
	fa := open(t, a, feed.Spec{Name: "a", Kind: source.VPN})
	fb := open(t, b, feed.Spec{Name: "b", Kind: source.Hosting})
	set, err := feed.NewSet(fa, fb)
	if err != nil {
		t.Fatal(err)
	}
	write(a, "10.0.0.0/24\n10.0.2.0/24\n10.0.3.0/24\n10.0.4.0/24\n")
	write(b, "10.8.0.0/16\n")
	if err := set.Reload(ctx); err != nil {
		t.Fatal(err)
	}
	if lookup(t, set, "10.0.2.1").IsZero() || lookup(t, set, "10.8.0.1").IsZero() || !lookup(t, set, "10.0.1.1").IsZero() || !lookup(t, set, "10.9.0.1").IsZero() {
		t.Fatal("set did not pick up both reloaded files")
	}
	// A shrunk file is refused; the set keeps answering from the last good.
	write(a, "10.0.0.0/24\n")
	if err := set.Reload(ctx); !errors.Is(err, source.ErrPoisoned) {
		t.Fatalf("Reload = %v, want source.ErrPoisoned", err)
	}
	if lookup(t, set, "10.0.2.1").IsZero() || !errors.Is(set.Datasets()[0].LastError, source.ErrPoisoned) {
		t.Fatal("last good data not kept, or reason not reported")
	}
	if err := set.Close(); err != nil {
		t.Fatal(err)
	}
	if err := fa.Reload(ctx); !errors.Is(err, source.ErrClosed) {
		t.Errorf("member Reload after set Close = %v", err)
	}
}

// TestGeofeedNested: nested rows of one geofeed give one signal and the
// most specific row's location.
func TestGeofeedNested(t *testing.T) {
	f, err := feed.Load(strings.NewReader("10.0.0.0/16,FR,,Paris,\n10.0.1.0/24,DE,DE-BE,Berlin,\n"), feed.Spec{Name: "geo", Kind: source.Hosting})
	if err != nil {
		t.Fatal(err)
	}
	r := lookup(t, f, "10.0.1.1")
	if len(r.Signals) != 1 || r.Geo == nil || r.Geo.City != "Berlin" || r.Prefix.String() != "10.0.1.0/24" {
		t.Errorf("nested: %+v %+v", r, r.Geo)
	}
	if r := lookup(t, f, "10.0.2.1"); len(r.Signals) != 1 || r.Geo.City != "Paris" {
		t.Errorf("outer: %+v", r)
	}
}

// TestCloudRegionGeo: a cloud range file places its prefixes by region,
// AWS Local and Wavelength Zones by their metro (which may be in another
// country than the parent region); a global or unknown zone has no
// location.
func TestCloudRegionGeo(t *testing.T) {
	f := open(t, "testdata/aws-zones.json", feed.Spec{Name: "aws", Kind: source.Hosting})
	for _, tc := range []struct {
		addr string
		geo  *source.Geo
	}{
		{"15.220.0.1", &source.Geo{CountryCode: "AR", City: "Buenos Aires", Authoritative: true}},
		{"15.220.16.1", &source.Geo{CountryCode: "US", City: "Boston", Authoritative: true}},
		{"15.220.32.1", &source.Geo{CountryCode: "SG", City: "Singapore", Authoritative: true}},
		{"15.220.48.1", &source.Geo{CountryCode: "GB", City: "Manchester", Authoritative: true}},
		{"15.220.64.1", nil}, // unknown metro: no guess from the parent region
		{"15.220.80.1", nil}, // GLOBAL
		{"15.220.96.1", &source.Geo{CountryCode: "DE", City: "Frankfurt", Authoritative: true}},
		{"2600:f0f0:1::1", &source.Geo{CountryCode: "NG", City: "Lagos", Authoritative: true}},
	} {
		r := lookup(t, f, tc.addr)
		if len(r.Signals) == 0 {
			t.Errorf("%s: miss", tc.addr)
		}
		if (r.Geo == nil) != (tc.geo == nil) || (r.Geo != nil && *r.Geo != *tc.geo) {
			t.Errorf("%s: geo %+v, want %+v", tc.addr, r.Geo, tc.geo)
		}
	}
}
