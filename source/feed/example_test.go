package feed_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"os"
	"strings"
	"time"

	"github.com/ipintel/ipintel/source"
	"github.com/ipintel/ipintel/source/feed"
)

func ExampleNewSet() {
	hosting, err := feed.Load(strings.NewReader("203.0.113.0/24\n"),
		feed.Spec{Name: "datacenter", Kind: source.Hosting, Provider: "ExampleCloud"})
	if err != nil {
		panic(err)
	}
	vpn, err := feed.Load(strings.NewReader("# a VPN provider's exits\n203.0.113.64/26\n"),
		feed.Spec{Name: "vpn-list", Kind: source.VPN, Provider: "ExampleVPN", Confidence: 90})
	if err != nil {
		panic(err)
	}
	set, err := feed.NewSet(hosting, vpn)
	if err != nil {
		panic(err)
	}
	defer set.Close()

	rec, _ := set.Lookup(context.Background(), netip.MustParseAddr("203.0.113.70"))
	fmt.Println(rec.Prefix)
	for _, s := range rec.Signals {
		fmt.Println(s.Kind, s.Provider, s.Source, s.Confidence)
	}
	// Output:
	// 203.0.113.64/26
	// vpn ExampleVPN vpn-list 90
	// hosting ExampleCloud datacenter 80
}

func ExampleLoad_geofeed() {
	const csv = "# RFC 8805\n172.224.224.0/27,GB,GB-EN,London,\n"
	f, err := feed.Load(strings.NewReader(csv), feed.Spec{Name: "apple-private-relay", Kind: source.Relay})
	if err != nil {
		panic(err)
	}
	rec, _ := f.Lookup(context.Background(), netip.MustParseAddr("172.224.224.9"))
	fmt.Println(f.Stats().Format, rec.Prefix, rec.Geo.CountryCode, rec.Geo.RegionCode, rec.Geo.City, rec.Signals[0].Kind)
	// Output:
	// geofeed 172.224.224.0/27 GB EN London relay
}

func ExampleFeed_Stats() {
	f, err := feed.Load(strings.NewReader("192.0.2.1\nnot an address\n192.0.2.9/24\n"), feed.Spec{Name: "list", Kind: source.Abuse})
	if err != nil {
		panic(err)
	}
	st := f.Stats()
	fmt.Println(st.Prefixes, st.Skipped, st.Masked)
	for _, m := range st.Malformed {
		fmt.Printf("line %d: %q\n", m.Line, m.Text)
	}
	// Output:
	// 2 1 1
	// line 2: "not an address"
}

// ExampleOpenAll opens two presets concurrently, cache first: the second
// start, with the publisher gone, answers from the cache without waiting.
func ExampleOpenAll() {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(w, map[string]string{"/vpn": "198.51.100.0/24", "/tor": "192.0.2.77"}[r.URL.Path])
	}))
	presets := []feed.Preset{
		{Spec: feed.Spec{Name: "vpn", Kind: source.VPN, Provider: "ExampleVPN"}, URL: srv.URL + "/vpn", Refresh: time.Hour},
		{Spec: feed.Spec{Name: "tor", Kind: source.Tor}, URL: srv.URL + "/tor", Refresh: time.Hour},
	}
	dir, err := os.MkdirTemp("", "feeds")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	opts := []feed.Option{feed.WithCacheDir(dir), feed.WithStartupBudget(2 * time.Second)}

	set, err := feed.OpenAll(context.Background(), presets, opts...)
	if err != nil {
		panic(err)
	}
	set.Close()
	srv.Close() // the publisher goes away

	set, err = feed.OpenAll(context.Background(), presets, opts...)
	if err != nil {
		panic(err)
	}
	defer set.Close()
	for _, d := range set.Datasets() {
		fmt.Println(d.Name, d.Origin, d.Entries)
	}
	rec, _ := set.Lookup(context.Background(), netip.MustParseAddr("198.51.100.7"))
	fmt.Println(rec.Signals[0].Kind, rec.Signals[0].Provider)
	// Output:
	// vpn cache 1
	// tor cache 1
	// vpn ExampleVPN
}
