package builtin

import (
	"bytes"
	"context"
	"fmt"
	"net/netip"
	"os"
	"testing"
	"time"

	"github.com/ipintel/ipintel"
	"github.com/ipintel/ipintel/internal/realdata"
	"github.com/ipintel/ipintel/source"
	"github.com/ipintel/ipintel/source/feed"
)

func presetURL(t *testing.T, name string) string {
	t.Helper()
	p, ok := feed.CatalogPreset(name)
	if !ok || p.URL == "" {
		t.Fatalf("no preset %q", name)
	}
	return p.URL
}

// TestLiveNetworkStatementWins: in live mode a geofeed row and a cloud
// region place their prefixes ahead of the embedded (or refreshed)
// country, completed with the country's name and continent; elsewhere the
// database answers as before.
func TestLiveNetworkStatementWins(t *testing.T) {
	lt := newLiveTransport(t, 300) // 11.0.1.0/24 is FR, 11.0.2.0/24 JP, 11.0.3.0/24 DE upstream
	lt.set(presetURL(t, "apple-private-relay"), []byte("11.0.1.0/24,JP,JP-13,Tokyo,\n"))
	lt.set(presetURL(t, "aws"), []byte(`{"prefixes":[{"ip_prefix":"11.0.2.0/24","region":"eu-central-1","service":"EC2","network_border_group":"eu-central-1"}],"ipv6_prefixes":[]}`))
	s, _ := openLive(t, t.TempDir(), lt, 10*time.Second)
	defer s.Close()
	for _, tc := range []struct {
		addr string
		want source.Geo
	}{
		{"11.0.1.7", source.Geo{CountryCode: "JP", CountryName: "Japan", Continent: "AS", RegionCode: "13", City: "Tokyo", Authoritative: true}},
		{"11.0.2.7", source.Geo{CountryCode: "DE", CountryName: "Germany", Continent: "EU", InEU: true, City: "Frankfurt", Authoritative: true}},
		{"11.0.3.7", source.Geo{CountryCode: "DE", CountryName: "Germany", Continent: "EU", InEU: true}},
	} {
		r, err := s.Lookup(t.Context(), netip.MustParseAddr(tc.addr))
		if err != nil || r.Geo == nil || *r.Geo != tc.want {
			t.Errorf("%s: %+v, %v; want geo %+v", tc.addr, r.Geo, err, tc.want)
		}
	}
	// The feed's shared Geo is not modified by the completion.
	fr, _ := s.live.feeds.Lookup(t.Context(), netip.MustParseAddr("11.0.1.7"))
	if fr.Geo == nil || fr.Geo.CountryName != "" {
		t.Errorf("feed geo modified: %+v", fr.Geo)
	}
}

// geoTruth is one prefix and the country its network gives it.
type geoTruth struct {
	list    string
	prefix  netip.Prefix
	country string
}

// labelled tags each of a publisher's truth prefixes with its list's name.
func labelled(list string, ps []truthPrefix) []geoTruth {
	out := make([]geoTruth, len(ps))
	for i, p := range ps {
		out[i] = geoTruth{list, p.prefix, p.country}
	}
	return out
}

// appleGeofeed renders NextDNS's MMDB of Apple's Private Relay egress
// geofeed (country only) back into RFC 8805 rows, in memory, and returns
// them with the truth.
func appleGeofeed(t *testing.T) ([]byte, []geoTruth) {
	t.Helper()
	var b bytes.Buffer
	egress := readAppleEgress(t)
	for _, p := range egress {
		fmt.Fprintf(&b, "%s,%s,,,\n", p.prefix, p.country)
	}
	return b.Bytes(), labelled("Apple Private Relay", egress)
}

// TestGeofeedCountryRealData measures, on the networks' own statements in
// the real data internal/realdata locates (the DigitalOcean and Linode geofeeds, Apple's
// Private Relay egress geofeed, the AWS, Google Cloud, Oracle and Azure
// range files with their regions), how many prefixes get that country
// from a Client, before and after the rule that a network's own statement
// wins. Each prefix is asked at its first address. For the cloud files
// the truth is the region's country as source/feed's table maps it
// (prefixes of unknown regions are left out).
//
// Live: builtin.Open(WithLive) with the catalog served from the realdata
// files (the country datasets' upstream unreachable, so the embedded data
// answers) in a Client. "Before" is the former live rule, computed here:
// the embedded country when there is one, else the feed's. Set: a Client
// of builtin (offline) and a feed.Set of the same files plus Azure, the set
// first or last; "before" is the former first-source-wins merge.
func TestGeofeedCountryRealData(t *testing.T) {
	rd := func(elem ...string) string { return realdata.Path(t, elem...) }
	appleBody, appleTruth := appleGeofeed(t)
	files := map[string]string{
		"digitalocean": rd("femueller-cloud-ip-ranges", "digitalocean.csv"),
		"linode":       rd("femueller-cloud-ip-ranges", "linode.txt"),
		"aws":          rd("femueller-cloud-ip-ranges", "aws-ip-ranges.json"),
		"gcp":          rd("femueller-cloud-ip-ranges", "google-cloud-ip-ranges.json"),
		"oracle":       rd("femueller-cloud-ip-ranges", "oracle-cloud-ip-ranges.json"),
	}
	azurePath := rd("femueller-cloud-ip-ranges", "microsoft-azure-ip-ranges.json")

	lt := &liveTransport{bodies: map[string][]byte{}}
	lt.bodies[presetURL(t, "apple-private-relay")] = appleBody
	var feeds []*feed.Feed
	byName := map[string]*feed.Feed{}
	for name, path := range files {
		body, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		lt.bodies[presetURL(t, name)] = body
		p, _ := feed.CatalogPreset(name)
		f, err := feed.Load(bytes.NewReader(body), p.Spec)
		if err != nil {
			t.Fatal(err)
		}
		feeds = append(feeds, f)
		byName[name] = f
	}
	p, _ := feed.CatalogPreset("apple-private-relay")
	af, err := feed.Load(bytes.NewReader(appleBody), p.Spec)
	if err != nil {
		t.Fatal(err)
	}
	azp, _ := feed.CatalogPreset("azure")
	az, err := feed.Open(azurePath, azp.Spec)
	if err != nil {
		t.Fatal(err)
	}
	set, err := feed.NewSet(append(feeds, af, az)...)
	if err != nil {
		t.Fatal(err)
	}
	defer set.Close()

	// Truth: the geofeeds' rows; the cloud files' regional prefixes.
	truth := append(labelled("DigitalOcean geofeed", readGeofeed(t, files["digitalocean"])),
		labelled("Linode geofeed", readGeofeed(t, files["linode"]))...)
	truth = append(truth, appleTruth...)
	for _, c := range []struct {
		list string
		f    *feed.Feed
	}{{"AWS regions", byName["aws"]}, {"GCP regions", byName["gcp"]}, {"Oracle regions", byName["oracle"]}, {"Azure regions", az}} {
		for rec, err := range c.f.Enumerate(t.Context()) {
			if err != nil {
				t.Fatal(err)
			}
			pfx := rec.Prefix
			r, _ := c.f.Lookup(t.Context(), pfx.Addr())
			if r.Geo != nil && r.Geo.CountryCode != "" && r.Prefix == pfx {
				truth = append(truth, geoTruth{c.list, pfx, r.Geo.CountryCode})
			}
		}
	}

	embedded := open(t)
	live, _ := openLive(t, t.TempDir(), lt, time.Minute)
	defer live.Close()
	liveClient, err := ipintel.New(ipintel.WithSources(live), ipintel.WithAllowReserved(), ipintel.WithCache(0, 0))
	if err != nil {
		t.Fatal(err)
	}
	defer liveClient.Close()
	setFirst, err := ipintel.New(ipintel.WithSources(set, embedded), ipintel.WithAllowReserved(), ipintel.WithCache(0, 0))
	if err != nil {
		t.Fatal(err)
	}
	builtinFirst, err := ipintel.New(ipintel.WithSources(embedded, set), ipintel.WithAllowReserved(), ipintel.WithCache(0, 0))
	if err != nil {
		t.Fatal(err)
	}

	type count struct{ n, liveBefore, liveAfter, bfBefore, bfAfter, sfBefore, sfAfter int }
	counts := map[string]*count{}
	var order []string
	country := func(c *ipintel.Client, a netip.Addr) string {
		r, err := c.LookupAddr(context.Background(), a)
		if err != nil || r.Geo == nil {
			return ""
		}
		return r.Geo.CountryCode
	}
	for _, tr := range truth {
		c := counts[tr.list]
		if c == nil {
			c = &count{}
			counts[tr.list] = c
			order = append(order, tr.list)
		}
		a := tr.prefix.Addr()
		c.n++
		emb, _ := embedded.Lookup(t.Context(), a)
		fr, _ := set.Lookup(t.Context(), a)
		embCC, feedCC := "", ""
		if emb.Geo != nil {
			embCC = emb.Geo.CountryCode
		}
		if fr.Geo != nil {
			feedCC = fr.Geo.CountryCode
		}
		// Former rules: live and builtin-first took the embedded country
		// when there was one; set-first took the set's.
		old := embCC
		if old == "" {
			old = feedCC
		}
		if tr.list != "Azure regions" && old == tr.country { // Azure is not in the catalog
			c.liveBefore++
		}
		if old == tr.country {
			c.bfBefore++
		}
		oldSF := feedCC
		if oldSF == "" {
			oldSF = embCC
		}
		if oldSF == tr.country {
			c.sfBefore++
		}
		if tr.list != "Azure regions" && country(liveClient, a) == tr.country {
			c.liveAfter++
		}
		if country(builtinFirst, a) == tr.country {
			c.bfAfter++
		}
		if country(setFirst, a) == tr.country {
			c.sfAfter++
		}
	}
	pct := func(k, n int) string { return fmt.Sprintf("%d/%d (%.1f %%)", k, n, 100*float64(k)/float64(max(n, 1))) }
	t.Log("| list | live before | live after | builtin, set: before | after | set, builtin: before | after |")
	t.Log("| --- | --- | --- | --- | --- | --- | --- |")
	var tot count
	for _, name := range order {
		c := counts[name]
		live := [2]string{pct(c.liveBefore, c.n), pct(c.liveAfter, c.n)}
		if name == "Azure regions" {
			live = [2]string{"not in the catalog", "—"}
		} else {
			tot.n += c.n
			tot.liveBefore += c.liveBefore
			tot.liveAfter += c.liveAfter
		}
		t.Logf("| %s | %s | %s | %s | %s | %s | %s |", name, live[0], live[1], pct(c.bfBefore, c.n), pct(c.bfAfter, c.n), pct(c.sfBefore, c.n), pct(c.sfAfter, c.n))
		if c.bfAfter != c.sfAfter {
			t.Errorf("%s: the source order changes the answer (%d vs %d)", name, c.bfAfter, c.sfAfter)
		}
	}
	t.Logf("| all but Azure | %s | %s | | | | |", pct(tot.liveBefore, tot.n), pct(tot.liveAfter, tot.n))
	if tot.liveAfter < tot.liveBefore || float64(tot.liveAfter) < 0.97*float64(tot.n) {
		t.Errorf("live mode gives the network's own country to %s", pct(tot.liveAfter, tot.n))
	}
}
