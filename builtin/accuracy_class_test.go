package builtin

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/netip"
	"slices"
	"strings"
	"testing"

	"github.com/ipintel/ipintel/builtin/internal/snapshot"
	"github.com/ipintel/ipintel/source"
	"github.com/phuslu/iploc"
)

// TestAccuracyByClass prints the per-class table of what builtin.Open()
// answers with no network, on third-party data the repository never
// holds (located by internal/realdata), beside phuslu/iploc on the same country
// truth: the table BENCHMARKS.md records. Country truth is what networks
// publish about their own prefixes (truth_test.go); the other classes are
// recall on public lists, and the residential false-positive rate is taken
// on the ranges of large eyeball ISPs. It asserts the two figures this
// package answers for on its own: country agreement of at least 95% and
// residential false positives of at most 0.5%; the others are printed.
func TestAccuracyByClass(t *testing.T) {
	truth := loadTruth(t)
	s := open(t)
	ctx := context.Background()
	var b strings.Builder

	// Country.
	fmt.Fprintln(&b, "| country truth (first address of each prefix) | prefixes | builtin | phuslu/iploc |")
	fmt.Fprintln(&b, "| --- | ---: | ---: | ---: |")
	var all, allIploc countryScore
	for _, ts := range truth {
		var sb, si countryScore
		for _, p := range ts.prefixes {
			a := p.prefix.Addr()
			rec, _ := s.Lookup(ctx, a)
			got := ""
			if rec.Geo != nil {
				got = rec.Geo.CountryCode
			}
			sb.add(got, p.country)
			all.add(got, p.country)
			ic := iploc.IPCountry(a)
			si.add(ic, p.country)
			allIploc.add(ic, p.country)
		}
		fmt.Fprintf(&b, "| %s | %d | %.1f%% | %.1f%% |\n", ts.name, len(ts.prefixes), sb.pct(), si.pct())
	}
	fmt.Fprintf(&b, "| **all** | %d | **%.1f%%** | %.1f%% |\n\n", all.total, all.pct(), allIploc.pct())
	if all.pct() < 95 {
		t.Errorf("country agreement with the networks' own statements %v, below 95%%", all)
	}

	// Classes: recall on public lists, by the signal kind builtin gives.
	famousPrefixes := append(append(readPrefixes(t, "lord-alfred-ipranges/amazon/ipv4_merged.txt"),
		readPrefixes(t, "lord-alfred-ipranges/google/ipv4_merged.txt")...),
		readPrefixes(t, "lord-alfred-ipranges/microsoft/ipv4_merged.txt")...)
	famous := newRangeSet(famousPrefixes)
	vpnSet := newRangeSet(readPrefixes(t, "X4BNet-lists_vpn/output/vpn/ipv4.txt"))
	datacenter := readPrefixes(t, "X4BNet-lists_vpn/output/datacenter/ipv4.txt")
	outside := func(a netip.Addr) bool { return !famous.contains(a) && !vpnSet.contains(a) }
	var longTail []netip.Addr
	for _, p := range datacenter {
		if a := p.Addr(); outside(a) {
			longTail = append(longTail, a)
		}
	}
	classes := []struct {
		name, list string
		addrs      []netip.Addr
		kinds      []source.Kind
	}{
		{"Tor exits", "alireza-rezaee/tor-nodes latest.exits.csv (2026-08-22)", torLists[0].read(t), []source.Kind{source.Tor}},
		{"VPN", "X4BNet output/vpn + lord-alfred ProtonVPN", readList(t, []string{"X4BNet-lists_vpn/output/vpn/ipv4.txt",
			"X4BNet-lists_vpn/output/vpn/ipv6.txt", "lord-alfred-ipranges/protonvpn/ipv4_merged.txt"}), []source.Kind{source.VPN}},
		{"iCloud Private Relay", "hroost ip-ranges.txt (Apple's egress list, 2026-08-17)",
			readList(t, []string{"hroost-icloud-private-relay-iplist/ip-ranges.txt"}), []source.Kind{source.Relay}},
		{"long-tail hosting", "X4BNet output/datacenter IPv4 outside AWS, Google, Azure and the VPN list", longTail, []source.Kind{source.Hosting}},
		{"famous clouds", "lord-alfred AWS, Google, Azure IPv4", readList(t, []string{"lord-alfred-ipranges/amazon/ipv4_merged.txt",
			"lord-alfred-ipranges/google/ipv4_merged.txt", "lord-alfred-ipranges/microsoft/ipv4_merged.txt"}), []source.Kind{source.Hosting}},
		// The same two lists by address rather than by prefix: a /12 weighs
		// as much as 4,096 /24s, as it does for traffic.
		{"long-tail hosting, by address", "the same, 20,000 addresses drawn uniformly from its address space",
			sampleAddrs(datacenter, 20000, outside), []source.Kind{source.Hosting}},
		{"famous clouds, by address", "the same, 20,000 addresses drawn uniformly from its address space",
			sampleAddrs(famousPrefixes, 20000, nil), []source.Kind{source.Hosting}},
		{"monitoring probes", "sefinek all-monitoring-ips.txt (2026-05-05)",
			readList(t, []string{"sefinek-known-bots-ip-whitelist/lists/all-monitoring-ips.txt"}), []source.Kind{source.Monitoring}},
	}
	fmt.Fprintln(&b, "| class | list | addresses | with AS | recall |")
	fmt.Fprintln(&b, "| --- | --- | ---: | ---: | ---: |")
	for _, c := range classes {
		if len(c.addrs) == 0 {
			t.Fatalf("%s: no addresses read", c.name)
		}
		var withAS, hit int
		for _, a := range c.addrs {
			rec, _ := s.Lookup(ctx, a)
			if rec.Network != nil {
				withAS++
			}
			if hasKind(rec, c.kinds...) {
				hit++
			}
		}
		fmt.Fprintf(&b, "| %s | %s | %d | %.1f%% | %.1f%% |\n", c.name, c.list, len(c.addrs),
			100*float64(withAS)/float64(len(c.addrs)), 100*float64(hit)/float64(len(c.addrs)))
	}

	// Residential false positives.
	fp, n, perAS := residentialFlags(s)
	fmt.Fprintf(&b, "| residential false positives | first address of every IPv4 range of %d large eyeball ISPs | %d | — | %.2f%% |\n",
		len(residentialASNs), n, 100*float64(fp)/float64(max(n, 1)))
	if n == 0 {
		t.Fatal("no residential ranges found")
	}
	if 1000*fp > 5*n {
		t.Errorf("residential false positives %d of %d (over 0.5%%): %v", fp, n, perAS)
	}
	t.Logf("builtin.Open(), no network, on the real data:\n%s", b.String())
}

// residentialASNs are large consumer (eyeball) networks: cable, DSL, fibre
// and mobile carriers whose address space is their subscribers'. A flag
// there is a false positive. Written from the operators' public RIR and
// PeeringDB records.
var residentialASNs = map[source.ASN]string{
	7922: "Comcast", 20115: "Charter", 22773: "Cox", 7018: "AT&T", 5650: "Frontier",
	3320: "Deutsche Telekom", 3215: "Orange France", 12322: "Free", 5089: "Virgin Media", 2856: "BT",
	1136: "KPN", 6830: "Liberty Global", 3352: "Telefonica Spain", 3269: "Telecom Italia", 6805: "Telefonica Germany",
	812: "Rogers", 577: "Bell Canada", 28573: "Claro Brazil", 8151: "Uninet Mexico", 1221: "Telstra",
	4766: "Korea Telecom", 17676: "SoftBank", 9829: "BSNL", 55836: "Reliance Jio", 12389: "Rostelecom",
	9121: "Turk Telekom", 8452: "TE Data Egypt", 36935: "Vodafone Egypt", 4837: "China Unicom", 45609: "Bharti Airtel",
}

// residentialFlags looks up the first address of every embedded IPv4 step
// whose network is one of residentialASNs and counts those flagged as
// anything but a plain network.
func residentialFlags(s *Source) (flagged, total int, byAS map[string]int) {
	t := s.cur.Load().tables
	byAS = map[string]int{}
	for i, start := range t.starts4 {
		a := t.answers[t.vals4[i]]
		if a.network == nil {
			continue
		}
		name, ok := residentialASNs[a.network.ASN]
		if !ok {
			continue
		}
		total++
		var b [4]byte
		b[0], b[1], b[2], b[3] = byte(start>>24), byte(start>>16), byte(start>>8), byte(start)
		rec, _ := s.Lookup(context.Background(), netip.AddrFrom4(b))
		if hasKind(rec, source.VPN, source.Proxy, source.Tor, source.Relay, source.Hosting, source.ResidentialProxy) {
			flagged++
			byAS[name]++
		}
	}
	return flagged, total, byAS
}

func hasKind(rec source.Record, kinds ...source.Kind) bool {
	for _, sig := range rec.Signals {
		for _, k := range kinds {
			if sig.Kind == k {
				return true
			}
		}
	}
	return false
}

// sampleAddrs draws n IPv4 addresses uniformly from the address space of
// prefixes (a fixed seed: the same addresses every run), keeping only
// those keep accepts (all when keep is nil).
func sampleAddrs(prefixes []netip.Prefix, n int, keep func(netip.Addr) bool) []netip.Addr {
	var ends []uint64 // cumulative sizes
	var starts []uint32
	var total uint64
	for _, p := range prefixes {
		if !p.Addr().Is4() {
			continue
		}
		total += uint64(1) << (32 - p.Bits())
		ends = append(ends, total)
		starts = append(starts, uint32(snapshot.FromAddr(p.Addr()).Lo))
	}
	if total == 0 {
		return nil
	}
	r := rand.New(rand.NewPCG(19, 20))
	var out []netip.Addr
	for tries := 0; len(out) < n && tries < 50*n; tries++ {
		x := r.Uint64N(total)
		i, _ := slices.BinarySearch(ends, x+1)
		size := ends[i]
		if i > 0 {
			size -= ends[i-1]
		}
		v := starts[i] + uint32(x-(ends[i]-size))
		a := netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)})
		if keep == nil || keep(a) {
			out = append(out, a)
		}
	}
	return out
}
