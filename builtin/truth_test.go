package builtin

import (
	"bufio"
	"encoding/json"
	"fmt"
	"net/netip"
	"os"
	"strings"
	"testing"

	"github.com/ipintel/ipintel/internal/realdata"
	"github.com/oschwald/maxminddb-golang/v2"
)

// Country truth: what networks publish about their own prefixes (RFC 8805
// geofeeds, a cloud's region per prefix), from the real data internal/realdata
// locates.
// The tests measure the embedded data, the candidate datasets and
// phuslu/iploc against it; nothing here is compiled into the package.

// truthPrefix is one published prefix and the country its network gives.
type truthPrefix struct {
	prefix  netip.Prefix
	country string
}

// truthSet is one publisher's prefixes.
type truthSet struct {
	name     string
	prefixes []truthPrefix
}

// awsRegionCountry maps AWS region codes to the country AWS names for each
// region on its public "Regions and Availability Zones" page. Regions not
// listed (GLOBAL, and any new one) are left out of the truth.
var awsRegionCountry = map[string]string{
	"af-south-1": "ZA", "ap-east-1": "HK", "ap-east-2": "TW",
	"ap-northeast-1": "JP", "ap-northeast-2": "KR", "ap-northeast-3": "JP",
	"ap-south-1": "IN", "ap-south-2": "IN",
	"ap-southeast-1": "SG", "ap-southeast-2": "AU", "ap-southeast-3": "ID",
	"ap-southeast-4": "AU", "ap-southeast-5": "MY", "ap-southeast-6": "NZ", "ap-southeast-7": "TH",
	"ca-central-1": "CA", "ca-west-1": "CA",
	"cn-north-1": "CN", "cn-northwest-1": "CN",
	"eu-central-1": "DE", "eu-central-2": "CH", "eu-north-1": "SE", "eu-south-1": "IT",
	"eu-south-2": "ES", "eu-west-1": "IE", "eu-west-2": "GB", "eu-west-3": "FR",
	"eusc-de-east-1": "DE",
	"il-central-1":   "IL", "me-central-1": "AE", "me-south-1": "BH", "mx-central-1": "MX",
	"sa-east-1": "BR",
	"us-east-1": "US", "us-east-2": "US", "us-west-1": "US", "us-west-2": "US",
	"us-gov-east-1": "US", "us-gov-west-1": "US",
}

// loadTruth reads every country truth set; it skips t when the real data
// is absent.
func loadTruth(t testing.TB) []truthSet {
	t.Helper()
	return []truthSet{
		{"DigitalOcean geofeed", readGeofeed(t, realdata.Path(t, "femueller-cloud-ip-ranges", "digitalocean.csv"))},
		{"Linode geofeed", readGeofeed(t, realdata.Path(t, "femueller-cloud-ip-ranges", "linode.txt"))},
		{"Apple Private Relay egress", readAppleEgress(t)},
		{"AWS regions", readAWSRegions(t)},
	}
}

// readGeofeed reads the file at path as an RFC 8805 geofeed:
// prefix,country,region,city,postal.
func readGeofeed(t testing.TB, path string) []truthPrefix {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []truthPrefix
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || line[0] == '#' {
			continue
		}
		fields := strings.Split(line, ",")
		if len(fields) < 2 {
			continue
		}
		p, err := netip.ParsePrefix(strings.TrimSpace(fields[0]))
		cc := strings.ToUpper(strings.TrimSpace(fields[1]))
		if err != nil || len(cc) != 2 {
			continue
		}
		out = append(out, truthPrefix{p.Masked(), cc})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if len(out) == 0 {
		t.Fatalf("%s: no prefixes read", path)
	}
	return out
}

// readAppleEgress reads Apple's egress geofeed for iCloud Private Relay as
// NextDNS's MMDB of it keeps it (country only).
func readAppleEgress(t testing.TB) []truthPrefix {
	t.Helper()
	db, err := maxminddb.Open(realdata.Path(t, "nextdns-icloud-private-relay-mmdb", "egress-ip-ranges.mmdb"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var out []truthPrefix
	for res := range db.Networks() {
		var rec struct {
			Country struct {
				ISOCode string `maxminddb:"iso_code"`
			} `maxminddb:"country"`
		}
		if err := res.Decode(&rec); err != nil {
			t.Fatal(err)
		}
		p := res.Prefix()
		if p.Addr().Is4In6() {
			p = netip.PrefixFrom(p.Addr().Unmap(), p.Bits()-96)
		}
		if rec.Country.ISOCode != "" && p.IsValid() {
			out = append(out, truthPrefix{p, rec.Country.ISOCode})
		}
	}
	return out
}

// readAWSRegions reads AWS's ip-ranges.json and gives each prefix of a
// known region that region's country.
func readAWSRegions(t testing.TB) []truthPrefix {
	t.Helper()
	raw, err := os.ReadFile(realdata.Path(t, "femueller-cloud-ip-ranges", "aws-ip-ranges.json"))
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Prefixes []struct {
			IPPrefix string `json:"ip_prefix"`
			Region   string `json:"region"`
		} `json:"prefixes"`
		IPv6Prefixes []struct {
			IPv6Prefix string `json:"ipv6_prefix"`
			Region     string `json:"region"`
		} `json:"ipv6_prefixes"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	seen := map[netip.Prefix]bool{}
	var out []truthPrefix
	add := func(s, region string) {
		p, err := netip.ParsePrefix(s)
		cc, ok := awsRegionCountry[region]
		if err != nil || !ok || seen[p.Masked()] {
			return // the same prefix is listed once per service
		}
		seen[p.Masked()] = true
		out = append(out, truthPrefix{p.Masked(), cc})
	}
	for _, p := range doc.Prefixes {
		add(p.IPPrefix, p.Region)
	}
	for _, p := range doc.IPv6Prefixes {
		add(p.IPv6Prefix, p.Region)
	}
	return out
}

// countryScore counts how often a country source gives a truth prefix's
// country for the prefix's first address. A prefix it does not place
// counts as wrong (and as missing).
type countryScore struct{ total, same, missing int }

func (c *countryScore) add(got, want string) {
	c.total++
	switch got {
	case want:
		c.same++
	case "":
		c.missing++
	}
}

func (c countryScore) pct() float64 { return 100 * float64(c.same) / float64(max(c.total, 1)) }

func (c countryScore) String() string {
	return fmt.Sprintf("%.1f%% (%d/%d, %d unplaced)", c.pct(), c.same, c.total, c.missing)
}
