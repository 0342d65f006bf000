package export_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/netip"
	"path/filepath"
	"sync"
	"testing"

	"github.com/oschwald/maxminddb-golang/v2"

	"github.com/ipintel/ipintel"
	"github.com/ipintel/ipintel/builtin"
	"github.com/ipintel/ipintel/export"
	"github.com/ipintel/ipintel/source"
	"github.com/ipintel/ipintel/source/feed"
	"github.com/ipintel/ipintel/source/mmdb"
)

var ctx = context.Background()

// fixtureFeeds maps the repository's feed fixtures to the catalog feed
// whose format and signal they carry.
var fixtureFeeds = map[string]string{
	"exit-addresses":                 "tor-exit-addresses",
	"aws.json":                       "aws",
	"gcp.json":                       "gcp",
	"azure.json":                     "azure",
	"oracle.json":                    "oracle",
	"cloudflare.json":                "cloudflare",
	"geofeed.csv":                    "apple-private-relay",
	"plain.netset":                   "x4bnet-vpn-v4",
	"servers/mullvad.json":           "mullvad",
	"servers/mullvad-wireguard.json": "mullvad-wireguard",
	"servers/nordvpn.json":           "nordvpn",
	"servers/pia.txt":                "pia",
	"servers/windscribe.json":        "windscribe",
	"servers/airvpn.json":            "airvpn",
	"servers/ivpn.json":              "ivpn",
	"servers/vpngate.csv":            "vpngate",
	"servers/onionoo.json":           "tor-onionoo",
}

// openFixtureFeeds opens every feed fixture with its catalog spec.
func openFixtureFeeds() ([]*feed.Feed, error) {
	var feeds []*feed.Feed
	for file, name := range fixtureFeeds {
		p, ok := feed.CatalogPreset(name)
		if !ok {
			return nil, fmt.Errorf("no catalog feed %q", name)
		}
		f, err := feed.Open(filepath.Join("..", "source", "feed", "testdata", filepath.FromSlash(file)), p.Spec)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", file, err)
		}
		feeds = append(feeds, f)
	}
	// ProtonVPN's list has no catalog preset (it needs a signed-in
	// session): its fixture is opened with a spec of its own.
	proton, err := feed.Open(filepath.Join("..", "source", "feed", "testdata", "servers", "protonvpn.json"),
		feed.Spec{Name: "protonvpn", Kind: source.VPN, Provider: "Proton VPN", Format: feed.ProtonVPN})
	if err != nil {
		return nil, err
	}
	return append(feeds, proton), nil
}

// newFixtureClient is a Client over the sample MMDBs, every feed fixture
// and the builtin data, in an order that exercises precedence: the sample
// databases in front, the feeds, builtin, and the sample ASN database
// behind builtin.
func newFixtureClient() (*ipintel.Client, error) {
	var srcs []source.Source
	for _, f := range []string{"ipintel-City.mmdb", "ipintel-Anonymous-IP.mmdb"} {
		s, err := mmdb.Open(filepath.Join("..", "testdata", f))
		if err != nil {
			return nil, err
		}
		srcs = append(srcs, s)
	}
	feeds, err := openFixtureFeeds()
	if err != nil {
		return nil, err
	}
	set, err := feed.NewSet(feeds...)
	if err != nil {
		return nil, err
	}
	b, err := builtin.Open()
	if err != nil {
		return nil, err
	}
	asn, err := mmdb.Open(filepath.Join("..", "testdata", "ipintel-ASN.mmdb"))
	if err != nil {
		return nil, err
	}
	return ipintel.New(ipintel.WithSources(append(srcs, set, b, asn)...))
}

// fixture is the export of newFixtureClient, built once for the tests
// that only read it (the Client stays open until the process ends).
var fixture = sync.OnceValues(func() (*fixtureData, error) {
	c, err := newFixtureClient()
	if err != nil {
		return nil, err
	}
	tab, err := export.Build(ctx, c)
	if err != nil {
		return nil, err
	}
	return &fixtureData{c, tab}, nil
})

type fixtureData struct {
	c   *ipintel.Client
	tab *export.Table
}

func fixtureTable(t testing.TB) (*export.Table, *ipintel.Client) {
	t.Helper()
	f, err := fixture()
	if err != nil {
		t.Fatal(err)
	}
	return f.tab, f.c
}

// testAddrs returns n addresses: every address the feed fixtures name (the
// first, middle and last of each network), then random routed IPv4 and
// IPv6 addresses, drawn from builtin's networks, and a few random ones
// from anywhere.
func testAddrs(t testing.TB, n int) []netip.Addr {
	t.Helper()
	var out []netip.Addr
	feeds, err := openFixtureFeeds()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range feeds {
		for rec, err := range f.Enumerate(ctx) {
			if err != nil {
				t.Fatal(err)
			}
			p := rec.Prefix.Masked()
			out = append(out, p.Addr(), randomIn(rand.New(rand.NewPCG(1, 1)), p), lastAddr(p))
		}
		f.Close()
	}
	b, err := builtin.Open()
	if err != nil {
		t.Fatal(err)
	}
	var nets [2][]netip.Prefix
	for rec, err := range b.Enumerate(ctx) {
		if err != nil {
			t.Fatal(err)
		}
		f := 0
		if rec.Prefix.Addr().Is6() {
			f = 1
		}
		nets[f] = append(nets[f], rec.Prefix)
	}
	r := rand.New(rand.NewPCG(21, 21))
	for i := 0; len(out) < n; i++ {
		switch {
		case i%50 == 0: // anywhere, routed or not
			var b [16]byte
			for j := range b {
				b[j] = byte(r.Uint32())
			}
			if i%100 == 0 {
				out = append(out, netip.AddrFrom4([4]byte(b[:4])))
			} else {
				out = append(out, netip.AddrFrom16(b))
			}
		default:
			ps := nets[i%2]
			out = append(out, randomIn(r, ps[r.IntN(len(ps))]))
		}
	}
	return out
}

func randomIn(r *rand.Rand, p netip.Prefix) netip.Addr {
	b := p.Addr().AsSlice()
	for i := p.Bits(); i < len(b)*8; i++ {
		if r.IntN(2) == 1 {
			b[i/8] |= 1 << (7 - i%8)
		}
	}
	a, _ := netip.AddrFromSlice(b)
	return a
}

func lastAddr(p netip.Prefix) netip.Addr {
	b := p.Masked().Addr().AsSlice()
	for i := p.Bits(); i < len(b)*8; i++ {
		b[i/8] |= 1 << (7 - i%8)
	}
	a, _ := netip.AddrFromSlice(b)
	return a
}

// mmdbRecord is what the comparison reads from the exported MMDB, by
// GeoIP2's field names and ipintel's own.
type mmdbRecord struct {
	Country struct {
		ISOCode string `maxminddb:"iso_code"`
	} `maxminddb:"country"`
	ASN       uint32 `maxminddb:"autonomous_system_number"`
	Org       string `maxminddb:"autonomous_system_organization"`
	IsTor     bool   `maxminddb:"is_tor_exit_node"`
	IsVPN     bool   `maxminddb:"is_anonymous_vpn"`
	IsHosting bool   `maxminddb:"is_hosting_provider"`
	Ipintel   struct {
		IsRelay bool `maxminddb:"is_relay"`
	} `maxminddb:"ipintel"`
}

// want is the part of a lookup the issue asks the export to agree on.
type want struct {
	found                    bool
	country                  string
	asn                      uint32
	org                      string
	tor, vpn, hosting, relay bool
}

func wantOf(r *ipintel.Result) want {
	w := want{found: r.Meta.Found, tor: r.Privacy.IsTor, vpn: r.Privacy.IsVPN, hosting: r.Privacy.IsHosting, relay: r.Privacy.IsRelay}
	if r.Geo != nil {
		w.country = r.Geo.CountryCode
	}
	if r.Network != nil {
		w.asn, w.org = uint32(r.Network.ASN), r.Network.Organization
	}
	return w
}

// TestAgreement is the acceptance test: for 100 000 addresses
// (every address of the feed fixtures, random routed IPv4 and IPv6, a few
// random ones), the exported MMDB read by maxminddb-golang agrees with
// Client.Lookup on country, ASN, organisation, is_tor, is_vpn, is_hosting
// and is_relay, and has no record where Lookup refuses the address or
// knows nothing.
func TestAgreement(t *testing.T) {
	n := 100_000
	if testing.Short() || raceEnabled {
		n = 10_000
	}
	tab, c := fixtureTable(t)
	var buf bytes.Buffer
	if _, err := tab.WriteMMDB(&buf, export.Enterprise); err != nil {
		t.Fatal(err)
	}
	db, err := maxminddb.OpenBytes(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Verify(); err != nil {
		t.Fatalf("Verify: %v", err)
	}
	addrs := testAddrs(t, n)
	var agree, refused, known, tor, vpn, hosting, relay int
	for _, a := range addrs {
		res := db.Lookup(a)
		if err := res.Err(); err != nil {
			t.Fatalf("%v: %v", a, err)
		}
		r, err := c.LookupAddr(ctx, a)
		if errors.Is(err, ipintel.ErrReservedIP) {
			refused++
			if res.Found() && !ipv4Alias(a) {
				t.Errorf("%v: Lookup refuses it (reserved) but the export has %v", a, res.Prefix())
			}
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		w := wantOf(r)
		var rec mmdbRecord
		if err := res.Decode(&rec); err != nil {
			t.Fatal(err)
		}
		got := want{found: res.Found(), country: rec.Country.ISOCode, asn: rec.ASN, org: rec.Org,
			tor: rec.IsTor, vpn: rec.IsVPN, hosting: rec.IsHosting, relay: rec.Ipintel.IsRelay}
		if got != w {
			t.Errorf("%v: export %+v, Lookup %+v", a, got, w)
			continue
		}
		agree++
		if w.found {
			known++
		}
		tor, vpn, hosting, relay = tor+b2i(w.tor), vpn+b2i(w.vpn), hosting+b2i(w.hosting), relay+b2i(w.relay)
	}
	t.Logf("%d addresses: %d agree (%d with data; tor %d, vpn %d, hosting %d, relay %d), %d reserved and absent; %d ranges, %d records",
		len(addrs), agree, known, tor, vpn, hosting, relay, refused, tab.Len(), tab.Entries())
	if agree+refused != len(addrs) {
		t.Fatalf("%d of %d addresses disagree", len(addrs)-agree-refused, len(addrs))
	}
	// The comparison means something only if every field occurs.
	if known < len(addrs)/2 || tor == 0 || vpn == 0 || hosting == 0 || relay == 0 {
		t.Fatalf("too few addresses with data to compare: %d known, tor %d, vpn %d, hosting %d, relay %d", known, tor, vpn, hosting, relay)
	}
	// An IPv4-mapped address, which Lookup answers as its IPv4 address,
	// finds the same record in the file.
	for _, v4 := range []string{"8.8.8.8", "185.220.101.1", "45.130.202.105"} {
		a4 := netip.MustParseAddr(v4)
		mapped := netip.AddrFrom16(a4.As16())
		r4, rm := db.Lookup(a4), db.Lookup(mapped)
		if !r4.Found() || !rm.Found() || r4.Offset() != rm.Offset() {
			t.Errorf("%v: found %v at %d; %v: found %v at %d", a4, r4.Found(), r4.Offset(), mapped, rm.Found(), rm.Offset())
		}
	}
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// ipv4Alias reports whether a is in a prefix the MMDB aliases to its IPv4
// subtree (6to4, Teredo, IPv4-mapped): the file answers those with the
// embedded IPv4 address's record, as MaxMind's databases do.
func ipv4Alias(a netip.Addr) bool {
	for _, p := range []netip.Prefix{
		netip.MustParsePrefix("2002::/16"), netip.MustParsePrefix("2001::/32"), netip.MustParsePrefix("::ffff:0:0/96"),
	} {
		if p.Contains(a) {
			return true
		}
	}
	return false
}
