package feed_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/ipintel/ipintel/source"
	"github.com/ipintel/ipintel/source/feed"
	"github.com/ipintel/ipintel/source/sourcetest"
)

// TestEnumerate checks that the listing of every feed fixture, and of a
// set of them all (whose prefixes nest and overlap), is what Lookup
// answers.
func TestEnumerate(t *testing.T) {
	fixtures := map[string]string{
		"exit-addresses": "tor-exit-addresses", "aws.json": "aws", "gcp.json": "gcp",
		"azure.json": "azure", "oracle.json": "oracle", "cloudflare.json": "cloudflare",
		"geofeed.csv": "apple-private-relay", "plain.netset": "x4bnet-vpn-v4",
		"servers/mullvad.json": "mullvad", "servers/nordvpn.json": "nordvpn",
		"servers/onionoo.json": "tor-onionoo",
	}
	var feeds []*feed.Feed
	for file, name := range fixtures {
		p, ok := feed.CatalogPreset(name)
		if !ok {
			t.Fatalf("no catalog feed %q", name)
		}
		f, err := feed.Open(filepath.Join("testdata", filepath.FromSlash(file)), p.Spec)
		if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		t.Run(name, func(t *testing.T) { sourcetest.Enumeration(t, f, 0) })
		feeds = append(feeds, f)
	}
	// ProtonVPN's list has no catalog preset (it needs a signed-in
	// session): open the fixture with a spec of its own.
	proton, err := feed.Open(filepath.Join("testdata", "servers", "protonvpn.json"),
		feed.Spec{Name: "protonvpn", Kind: source.VPN, Provider: "Proton VPN", Format: feed.ProtonVPN})
	if err != nil {
		t.Fatal(err)
	}
	t.Run("protonvpn", func(t *testing.T) { sourcetest.Enumeration(t, proton, 0) })
	feeds = append(feeds, proton)

	set, err := feed.NewSet(feeds...)
	if err != nil {
		t.Fatal(err)
	}
	defer set.Close()
	t.Run("set", func(t *testing.T) { sourcetest.Enumeration(t, set, 0) })

	total := 0 // one record per prefix of the merged table
	for range set.Enumerate(context.Background()) {
		total++
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	n := 0
	for _, err := range set.Enumerate(ctx) {
		if err != nil {
			return // a cancelled enumeration ends with the context's error
		}
		n++
	}
	if n < total {
		t.Fatalf("cancelled Enumerate ended without an error after %d of %d", n, total)
	}
}
