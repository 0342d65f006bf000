// Package sample writes ipintel's bundled sample MaxMind DB files: a small
// City, ASN and Anonymous database covering the addresses the README and
// the examples use. The data is illustrative — plausible owners and places
// for real ranges — not a real feed.
//
// It lives under testdata/ so that the library's import graph never
// includes mmdbwriter: only the generator program (testdata/gen) and tests
// import it.
package sample

import (
	"bytes"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"time"

	"github.com/maxmind/mmdbwriter"
	"github.com/maxmind/mmdbwriter/mmdbtype"
)

// The files Write creates.
const (
	CityFile      = "ipintel-City.mmdb"
	ASNFile       = "ipintel-ASN.mmdb"
	AnonymousFile = "ipintel-Anonymous-IP.mmdb"
)

// BuildTime is the build time written into every file, fixed so that the
// output is byte-for-byte reproducible.
var BuildTime = time.Date(2026, time.January, 1, 0, 0, 0, 0, time.UTC)

type place struct {
	continent, continentName         string
	country, countryName, countryDE  string
	inEU                             bool
	region, regionCode, city, postal string
	lat, lon                         float64
	radius                           uint16
	timezone                         string
}

type network struct {
	cidr  string
	place *place
	asn   uint32
	org   string
	// anonymity
	vpn, proxy, tor, hosting, residential bool
	provider                              string
	confidence                            uint16
	lastSeen                              string
}

var (
	amsterdam = &place{"EU", "Europe", "NL", "Netherlands", "Niederlande", true,
		"North Holland", "NH", "Amsterdam", "1012", 52.3759, 4.8975, 20, "Europe/Amsterdam"}
	berlin = &place{"EU", "Europe", "DE", "Germany", "Deutschland", true,
		"Land Berlin", "BE", "Berlin", "10115", 52.5196, 13.4069, 20, "Europe/Berlin"}
	frankfurt = &place{"EU", "Europe", "DE", "Germany", "Deutschland", true,
		"Hesse", "HE", "Frankfurt am Main", "60313", 50.1169, 8.6837, 20, "Europe/Berlin"}
	australia = &place{"OC", "Oceania", "AU", "Australia", "Australien", false,
		"", "", "", "", -33.494, 143.2104, 1000, "Australia/Sydney"}
	unitedStates = &place{"NA", "North America", "US", "United States", "Vereinigte Staaten", false,
		"", "", "", "", 37.751, -97.822, 1000, "America/Chicago"}
	london = &place{"EU", "Europe", "GB", "United Kingdom", "Vereinigtes Königreich", false,
		"England", "ENG", "London", "EC4R", 51.5142, -0.0931, 10, "Europe/London"}
	sanJose = &place{"NA", "North America", "US", "United States", "Vereinigte Staaten", false,
		"California", "CA", "San Jose", "95141", 37.1835, -121.7714, 10, "America/Los_Angeles"}
	stockholm = &place{"EU", "Europe", "SE", "Sweden", "Schweden", true,
		"Stockholm County", "AB", "Stockholm", "111 20", 59.3294, 18.0686, 50, "Europe/Stockholm"}
	mountainView = &place{"NA", "North America", "US", "United States", "Vereinigte Staaten", false,
		"California", "CA", "Mountain View", "94043", 37.4223, -122.085, 5, "America/Los_Angeles"}
)

// Networks lists every network in the sample files with the address the
// examples use for it.
var networks = []network{
	// 45.130.202.105: a commercial VPN exit in a hosting network.
	{cidr: "45.130.202.0/24", place: amsterdam, asn: 9009, org: "M247 Europe SRL",
		vpn: true, hosting: true, provider: "ExampleVPN", confidence: 95, lastSeen: "2025-12-28"},
	// 185.220.101.1: a Tor exit relay.
	{cidr: "185.220.101.0/24", place: berlin, asn: 60729, org: "Stiftung Erneuerbare Freiheit",
		tor: true, confidence: 99, lastSeen: "2025-12-31"},
	// 1.1.1.1: Cloudflare's resolver, registered in Australia.
	{cidr: "1.1.1.0/24", place: australia, asn: 13335, org: "Cloudflare, Inc."},
	// 8.8.8.8: Google Public DNS.
	{cidr: "8.8.8.0/24", place: unitedStates, asn: 15169, org: "Google LLC"},
	// 35.190.0.0/17: a Google Cloud range, hosting.
	{cidr: "35.190.0.0/17", place: mountainView, asn: 15169, org: "Google LLC", hosting: true},
	// 2a02:26f0::1: an Akamai IPv6 edge.
	{cidr: "2a02:26f0::/32", place: frankfurt, asn: 20940, org: "Akamai International B.V."},
	// 81.2.69.142: a residential UK broadband address (also in MaxMind's
	// test data).
	{cidr: "81.2.69.0/24", place: london, asn: 20712, org: "Andrews & Arnold Ltd"},
	// 159.89.100.1: a DigitalOcean droplet, hosting.
	{cidr: "159.89.96.0/20", place: frankfurt, asn: 14061, org: "DigitalOcean, LLC", hosting: true},
	// 73.15.33.7: a residential broadband address used as a residential
	// proxy exit.
	{cidr: "73.15.33.0/24", place: sanJose, asn: 7922, org: "Comcast Cable Communications, LLC",
		residential: true, provider: "ExampleProxy", confidence: 70, lastSeen: "2025-12-20"},
	// 89.187.185.11: an open public proxy.
	{cidr: "89.187.185.0/24", place: amsterdam, asn: 60068, org: "Datacamp Limited",
		proxy: true, hosting: true, confidence: 80, lastSeen: "2025-12-30"},
	// 2a03:1b20::1: a VPN provider's IPv6 exits.
	{cidr: "2a03:1b20::/32", place: stockholm, asn: 39351, org: "31173 Services AB",
		vpn: true, provider: "Mullvad VPN", confidence: 99, lastSeen: "2025-12-31"},
}

// Write writes the three sample files into dir.
func Write(dir string) error {
	for _, f := range []struct {
		name string
		typ  string
		desc string
		rec  func(network) mmdbtype.Map
	}{
		{CityFile, "GeoLite2-City", "ipintel sample City data (illustrative, not a real feed)", cityRecord},
		{ASNFile, "GeoLite2-ASN", "ipintel sample ASN data (illustrative, not a real feed)", asnRecord},
		{AnonymousFile, "GeoIP-Anonymous-Plus", "ipintel sample anonymous-IP data (illustrative, not a real feed)", anonymousRecord},
	} {
		b, err := build(f.typ, f.desc, f.rec)
		if err != nil {
			return fmt.Errorf("sample: %s: %w", f.name, err)
		}
		if err := os.WriteFile(filepath.Join(dir, f.name), b, 0o644); err != nil {
			return fmt.Errorf("sample: %w", err)
		}
	}
	return nil
}

func build(typ, desc string, rec func(network) mmdbtype.Map) ([]byte, error) {
	langs := []string{"en"}
	if typ == "GeoLite2-City" {
		langs = []string{"de", "en"}
	}
	t, err := mmdbwriter.New(mmdbwriter.Options{
		BuildEpoch:   BuildTime.Unix(),
		DatabaseType: typ,
		Description:  map[string]string{"en": desc},
		Languages:    langs,
		RecordSize:   24,
	})
	if err != nil {
		return nil, err
	}
	for _, n := range networks {
		r := rec(n)
		if r == nil {
			continue
		}
		_, ipnet, err := net.ParseCIDR(n.cidr)
		if err != nil {
			return nil, err
		}
		if err := t.Insert(ipnet, r); err != nil {
			return nil, fmt.Errorf("%s: %w", n.cidr, err)
		}
	}
	var buf bytes.Buffer
	if _, err := t.WriteTo(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func names(en, de string) mmdbtype.Map {
	m := mmdbtype.Map{"en": mmdbtype.String(en)}
	if de != "" {
		m["de"] = mmdbtype.String(de)
	}
	return m
}

func cityRecord(n network) mmdbtype.Map {
	p := n.place
	country := mmdbtype.Map{
		"iso_code": mmdbtype.String(p.country),
		"names":    names(p.countryName, p.countryDE),
	}
	if p.inEU {
		country["is_in_european_union"] = mmdbtype.Bool(true)
	}
	m := mmdbtype.Map{
		"continent": mmdbtype.Map{
			"code":  mmdbtype.String(p.continent),
			"names": names(p.continentName, ""),
		},
		"country":            country,
		"registered_country": country,
		"location": mmdbtype.Map{
			"latitude":        mmdbtype.Float64(p.lat),
			"longitude":       mmdbtype.Float64(p.lon),
			"accuracy_radius": mmdbtype.Uint16(p.radius),
			"time_zone":       mmdbtype.String(p.timezone),
		},
	}
	if p.city != "" {
		m["city"] = mmdbtype.Map{"names": names(p.city, "")}
		m["postal"] = mmdbtype.Map{"code": mmdbtype.String(p.postal)}
		m["subdivisions"] = mmdbtype.Slice{mmdbtype.Map{
			"iso_code": mmdbtype.String(p.regionCode),
			"names":    names(p.region, ""),
		}}
	}
	return m
}

func asnRecord(n network) mmdbtype.Map {
	return mmdbtype.Map{
		"autonomous_system_number":       mmdbtype.Uint32(n.asn),
		"autonomous_system_organization": mmdbtype.String(n.org),
	}
}

func anonymousRecord(n network) mmdbtype.Map {
	if !(n.vpn || n.proxy || n.tor || n.hosting || n.residential) {
		return nil
	}
	m := mmdbtype.Map{"is_anonymous": mmdbtype.Bool(true)}
	for k, on := range map[string]bool{
		"is_anonymous_vpn":     n.vpn,
		"is_public_proxy":      n.proxy,
		"is_tor_exit_node":     n.tor,
		"is_hosting_provider":  n.hosting,
		"is_residential_proxy": n.residential,
	} {
		if on {
			m[mmdbtype.String(k)] = mmdbtype.Bool(true)
		}
	}
	if n.provider != "" {
		m["provider_name"] = mmdbtype.String(n.provider)
	}
	if n.confidence != 0 {
		m["anonymizer_confidence"] = mmdbtype.Uint16(n.confidence)
	}
	if n.lastSeen != "" {
		m["network_last_seen"] = mmdbtype.String(n.lastSeen)
	}
	return m
}
