package feed_test

import (
	"bufio"
	"encoding/json"
	"fmt"
	"net/http"
	"net/netip"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/ipintel/ipintel/internal/realdata"
	"github.com/ipintel/ipintel/source"
	"github.com/ipintel/ipintel/source/feed"
)

// readAddrs reads the first address of every entry of a list: one IP or
// CIDR a line, or, with field > 0, that comma-separated field of a CSV
// with a header.
func readAddrs(t *testing.T, path string, field int) []netip.Addr {
	t.Helper()
	fh, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	var out []netip.Addr
	sc := bufio.NewScanner(fh)
	for n := 0; sc.Scan(); n++ {
		s := strings.TrimSpace(sc.Text())
		if field > 0 {
			if n == 0 {
				continue
			}
			fs := strings.Split(s, ",")
			if len(fs) <= field {
				continue
			}
			s = strings.TrimSpace(fs[field])
		}
		if p, err := netip.ParsePrefix(s); err == nil {
			out = append(out, p.Masked().Addr())
		} else if a, err := netip.ParseAddr(s); err == nil {
			out = append(out, a)
		}
	}
	return out
}

// recall is the share of addrs for which src has a signal of kind k,
// split by IP version.
func recall(t *testing.T, src source.Source, addrs []netip.Addr, k source.Kind) (v4, n4, v6, n6 int) {
	for _, a := range addrs {
		r, err := src.Lookup(ctx, a)
		if err != nil {
			t.Fatal(err)
		}
		hit := false
		for _, s := range r.Signals {
			hit = hit || s.Kind == k
		}
		if a.Is4() {
			n4++
			if hit {
				v4++
			}
		} else {
			n6++
			if hit {
				v6++
			}
		}
	}
	return
}

func pct(hit, n int) string {
	if n == 0 {
		return "—"
	}
	return fmt.Sprintf("%d/%d (%.1f%%)", hit, n, 100*float64(hit)/float64(n))
}

// providerJSON renders addrs in a provider's response shape, as its API
// would list those servers today.
func providerJSON(t *testing.T, f feed.Format, addrs []netip.Addr) []byte {
	var doc any
	switch f {
	case feed.Mullvad:
		var relays []map[string]string
		for _, a := range addrs {
			relays = append(relays, map[string]string{"hostname": "x", "ipv4_addr_in": a.String()})
		}
		doc = relays
	case feed.PIA:
		var servers []map[string]string
		for _, a := range addrs {
			servers = append(servers, map[string]string{"ip": a.String(), "cn": "x"})
		}
		doc = map[string]any{"regions": []any{map[string]any{"servers": map[string]any{"wg": servers}}}}
	case feed.ProtonVPN:
		var servers []map[string]string
		for _, a := range addrs {
			servers = append(servers, map[string]string{"EntryIP": a.String(), "ExitIP": a.String()})
		}
		doc = map[string]any{"LogicalServers": []any{map[string]any{"Servers": servers}}}
	case feed.Onionoo:
		var relays []map[string]any
		for _, a := range addrs {
			relays = append(relays, map[string]any{"or_addresses": []string{netip.AddrPortFrom(a, 9001).String()}, "flags": []string{"Exit"}})
		}
		doc = map[string]any{"relays": relays}
	}
	data, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// TestCoverageRealData measures, on the real VPN and Tor lists, how many
// addresses the catalog as loaded by hand before the first-party presets
// (X4BNet's VPN lists, the Tor bulk and TorDNSEL exit lists) flags, and how
// many the catalog with the first-party presets flags. The first-party
// responses are the truth lists rendered in each provider's response
// shape, so their own recall is 100 % by construction: the table shows
// what the old catalog missed and that the new path reaches it end to end
// (URL, parser, set), IPv6 Tor exits included.
func TestCoverageRealData(t *testing.T) {
	rd := func(elem ...string) string { return realdata.Path(t, elem...) }
	truth := []struct {
		name, preset string
		format       feed.Format
		kind         source.Kind
		addrs        []netip.Addr
	}{
		{"Mullvad (X4BNet input)", "mullvad", feed.Mullvad, source.VPN, readAddrs(t, rd("X4BNet-lists_vpn", "input", "vpn", "ips", "mullvadvpn.txt"), 0)},
		{"PIA (X4BNet input)", "pia", feed.PIA, source.VPN, readAddrs(t, rd("X4BNet-lists_vpn", "input", "vpn", "ips", "pia.txt"), 0)},
		{"ProtonVPN (X4BNet input)", "protonvpn", feed.ProtonVPN, source.VPN, readAddrs(t, rd("X4BNet-lists_vpn", "input", "vpn", "ips", "protonvpn.txt"), 0)},
		{"ProtonVPN (lord-alfred)", "protonvpn", feed.ProtonVPN, source.VPN, readAddrs(t, rd("lord-alfred-ipranges", "protonvpn", "ipv4.txt"), 0)},
		{"Tor exits (alireza-rezaee, 2026)", "tor-onionoo", feed.Onionoo, source.Tor, readAddrs(t, rd("alireza-rezaee-tor-nodes", "latest.exits.csv"), 1)},
	}
	old := map[string][]string{
		"x4bnet-vpn-v4":      {"X4BNet-lists_vpn", "output", "vpn", "ipv4.txt"},
		"x4bnet-vpn-v6":      {"X4BNet-lists_vpn", "output", "vpn", "ipv6.txt"},
		"tor-exits":          {"javascripterzzeerrr-ipinfo-parser", "torbulkexitlist"},
		"tor-exit-addresses": {"javascripterzzeerrr-ipinfo-parser", "exit-addresses"},
	}
	tr := &catalogTransport{files: map[string]string{}}
	var oldPresets []feed.Preset
	for name, elem := range old {
		p, _ := feed.CatalogPreset(name)
		tr.files[p.URL] = rd(elem...)
		oldPresets = append(oldPresets, p)
	}
	// Each provider's response lists every truth list of that provider.
	byPreset := map[string][]netip.Addr{}
	formats := map[string]feed.Format{}
	for _, tc := range truth {
		byPreset[tc.preset] = append(byPreset[tc.preset], tc.addrs...)
		formats[tc.preset] = tc.format
	}
	newPresets := append([]feed.Preset(nil), oldPresets...)
	for name, addrs := range byPreset {
		p, ok := feed.CatalogPreset(name)
		if name == "protonvpn" && !ok {
			// Not in the catalog (signed-in clients only): a user's own
			// preset with their session, at the same URL.
			p = feed.Preset{URL: "https://api.protonvpn.ch/vpn/logicals", Spec: feed.Spec{Name: name, Kind: source.VPN, Provider: "ProtonVPN", Format: feed.ProtonVPN, Confidence: 95}}
		}
		tr.set(p.URL, providerJSON(t, formats[name], addrs))
		newPresets = append(newPresets, p)
	}
	open := func(ps []feed.Preset) *feed.Set {
		set, err := feed.OpenAll(t.Context(), ps, feed.WithHTTPClient(&http.Client{Transport: tr}), feed.WithRefresh(0), feed.WithStartupBudget(time.Minute))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { set.Close() })
		return set
	}
	oldSet, newSet := open(oldPresets), open(newPresets)
	t.Log("| list | old catalog IPv4 | old IPv6 | with first-party presets IPv4 | IPv6 |")
	t.Log("| --- | --- | --- | --- | --- |")
	for _, tc := range truth {
		o4, n4, o6, n6 := recall(t, oldSet, tc.addrs, tc.kind)
		w4, _, w6, _ := recall(t, newSet, tc.addrs, tc.kind)
		t.Logf("| %s | %s | %s | %s | %s |", tc.name, pct(o4, n4), pct(o6, n6), pct(w4, n4), pct(w6, n6))
		if w4 != n4 || w6 != n6 {
			t.Errorf("%s: the first-party preset misses addresses its response lists", tc.name)
		}
		if tc.kind == source.Tor && (n6 == 0 || w6 == 0) {
			t.Errorf("%s: no IPv6 Tor exit covered (%d in the list)", tc.name, n6)
		}
	}
}
