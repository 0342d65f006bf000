package builtin

import (
	"math/rand/v2"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ipintel/ipintel/builtin/internal/snapshot"
	"github.com/ipintel/ipintel/source"
)

// fixture is the small hand-written CSV data in testdata, parsed.
type fixture struct {
	in snapshot.Input
}

func loadFixture(t testing.TB) fixture {
	t.Helper()
	in := snapshot.Input{Countries: snapshot.NewDict[string](), Networks: snapshot.NewDict[snapshot.Network]()}
	for _, f := range []struct {
		file    string
		v6, asn bool
		dst     *[]snapshot.Range
	}{
		{"country-ipv4.csv", false, false, &in.Country4},
		{"country-ipv6.csv", true, false, &in.Country6},
		{"asn-ipv4.csv", false, true, &in.ASN4},
		{"asn-ipv6.csv", true, true, &in.ASN6},
	} {
		r, err := os.Open(filepath.Join("testdata", f.file))
		if err != nil {
			t.Fatal(err)
		}
		if f.asn {
			*f.dst, err = snapshot.ParseASNCSV(r, f.v6, in.Networks)
		} else {
			*f.dst, err = snapshot.ParseCountryCSV(r, f.v6, in.Countries)
		}
		r.Close()
		if err != nil {
			t.Fatalf("%s: %v", f.file, err)
		}
	}
	return fixture{in}
}

// encodedFixture is the fixture in the embedded form.
func encodedFixture(t testing.TB) []byte {
	t.Helper()
	s, err := snapshot.Build(loadFixture(t).in)
	if err != nil {
		t.Fatal(err)
	}
	b, err := snapshot.Encode(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// specialPurpose are the blocks the build drops whatever upstream says
// (snapshot's reserved list, written out again here as the oracle's own).
var specialPurpose = func() []netip.Prefix {
	var out []netip.Prefix
	for _, s := range strings.Fields(`0.0.0.0/8 10.0.0.0/8 100.64.0.0/10 127.0.0.0/8 169.254.0.0/16
		172.16.0.0/12 192.0.0.0/24 192.0.2.0/24 192.168.0.0/16 198.18.0.0/15 198.51.100.0/24
		203.0.113.0/24 224.0.0.0/3 ::/127 ::ffff:0:0/96 64:ff9b:1::/48 100::/64 2001:2::/48
		2001:db8::/32 3fff::/20 5f00::/16 fc00::/7 fe80::/10 ff00::/8`) {
		out = append(out, netip.MustParsePrefix(s))
	}
	return out
}()

// reference answers the slow, obvious way: scan the CSV rows.
func (f fixture) reference(addr netip.Addr) (cc string, net snapshot.Network) {
	for _, p := range specialPurpose {
		if p.Contains(addr) {
			return "", snapshot.Network{}
		}
	}
	a := snapshot.FromAddr(addr)
	in := func(r snapshot.Range) bool { return !a.Less(r.Start) && !r.End.Less(a) }
	c, n := f.in.Country4, f.in.ASN4
	if addr.Is6() {
		c, n = f.in.Country6, f.in.ASN6
	}
	for _, r := range c {
		if in(r) {
			cc = f.in.Countries.Values[r.Value]
		}
	}
	for _, r := range n {
		if in(r) {
			net = f.in.Networks.Values[r.Value]
		}
	}
	return cc, net
}

// TestTablesAgainstReference builds tables from the CSV fixture (the path a
// run-time refresh takes) and from its encoded form (the embedded path) and
// checks both against a scan of the rows, at every boundary and at random.
func TestTablesAgainstReference(t *testing.T) {
	f := loadFixture(t)
	built, err := buildTables(f.in)
	if err != nil {
		t.Fatal(err)
	}
	decoded, err := decodeTables(encodedFixture(t))
	if err != nil {
		t.Fatal(err)
	}
	var addrs []netip.Addr
	for _, rs := range [][]snapshot.Range{f.in.Country4, f.in.ASN4, f.in.Country6, f.in.ASN6} {
		for _, r := range rs {
			for _, u := range []snapshot.U128{r.Start, r.End} {
				addrs = append(addrs, toAddr(u, rs[0].Start.Hi == 0 && rs[0].End.Hi == 0))
			}
		}
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		addrs = append(addrs, toAddr(snapshot.U128{Lo: uint64(rng.Uint32())}, true))
		addrs = append(addrs, toAddr(snapshot.U128{Hi: 0x2000_0000_0000_0000 | rng.Uint64()>>3, Lo: rng.Uint64()}, false))
	}
	for _, addr := range addrs {
		// Neighbours of a boundary are where off-by-ones live.
		for _, a := range []netip.Addr{addr.Prev(), addr, addr.Next()} {
			if !a.IsValid() {
				continue
			}
			cc, nw := f.reference(a)
			for name, tb := range map[string]*tables{"built": built, "decoded": decoded} {
				rec := tb.lookup(a)
				checkRecord(t, name, a, rec, cc, nw)
				if rec.Prefix.IsValid() {
					// The whole prefix answers the same.
					first, last := rec.Prefix.Masked().Addr(), lastAddr(rec.Prefix)
					for _, b := range []netip.Addr{first, last} {
						c2, n2 := f.reference(b)
						checkRecord(t, name+" prefix edge", b, rec, c2, n2)
					}
				}
			}
		}
	}
}

func checkRecord(t *testing.T, name string, a netip.Addr, rec source.Record, cc string, nw snapshot.Network) {
	t.Helper()
	gotCC, gotNet := "", snapshot.Network{}
	if rec.Geo != nil {
		gotCC = rec.Geo.CountryCode
	}
	if rec.Network != nil {
		gotNet = snapshot.Network{ASN: uint32(rec.Network.ASN), Org: rec.Network.Organization}
	}
	if gotCC != cc || gotNet != nw {
		t.Fatalf("%s %v: got %q %+v, want %q %+v", name, a, gotCC, gotNet, cc, nw)
	}
	if (cc == "" && nw == snapshot.Network{}) != rec.IsZero() {
		t.Fatalf("%s %v: miss %v, record %+v", name, a, rec.IsZero(), rec)
	}
}

func toAddr(u snapshot.U128, v4 bool) netip.Addr {
	if v4 {
		return netip.AddrFrom4([4]byte{byte(u.Lo >> 24), byte(u.Lo >> 16), byte(u.Lo >> 8), byte(u.Lo)})
	}
	var b [16]byte
	for i := range 8 {
		b[i], b[8+i] = byte(u.Hi>>(56-8*i)), byte(u.Lo>>(56-8*i))
	}
	return netip.AddrFrom16(b)
}

func lastAddr(p netip.Prefix) netip.Addr {
	a := p.Masked().Addr()
	b := a.AsSlice()
	for i := p.Bits(); i < len(b)*8; i++ {
		b[i/8] |= 1 << (7 - i%8)
	}
	out, _ := netip.AddrFromSlice(b)
	return out
}

// TestPrefix4 checks the widest-prefix arithmetic against brute force.
func TestPrefix4(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for range 5000 {
		first := rng.Uint32() >> uint(rng.IntN(32))
		last := first + rng.Uint32()>>uint(rng.IntN(33)%32)
		if last < first {
			last = ^uint32(0)
		}
		ip := first + uint32(rng.Uint64N(uint64(last-first)+1))
		got := prefix4(ip, first, last)
		want := 32
		for bits := 0; bits <= 32; bits++ {
			mask := uint32(0)
			if bits < 32 {
				mask = ^uint32(0) >> bits
			}
			if ip&^mask >= first && ip|mask <= last {
				want = bits
				break
			}
		}
		if got.Bits() != want || !got.Contains(toAddr(snapshot.U128{Lo: uint64(ip)}, true)) {
			t.Fatalf("prefix4(%x, %x, %x) = %v, want /%d", ip, first, last, got, want)
		}
	}
}

// TestPrefix6 checks the IPv6 arithmetic against the IPv4 one on addresses
// that differ only in their last 32 bits, and on whole-space bounds.
func TestPrefix6(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	base := snapshot.U128{Hi: 0x2001_0db8_0000_0000}
	for range 2000 {
		first := rng.Uint32() >> uint(rng.IntN(32))
		last := first + rng.Uint32()>>uint(rng.IntN(32))
		if last < first {
			last = ^uint32(0) - 1
		}
		ip := first + uint32(rng.Uint64N(uint64(last-first)+1))
		u := func(v uint32) snapshot.U128 { return snapshot.U128{Hi: base.Hi, Lo: uint64(v)} }
		got := prefix6(u(ip), u(first), u(last))
		want := prefix4(ip, first, last)
		if got.Bits() != 96+want.Bits() {
			t.Fatalf("prefix6 around %x in %x..%x = /%d, want /%d", ip, first, last, got.Bits(), 96+want.Bits())
		}
	}
	all := prefix6(snapshot.U128{Hi: 5}, snapshot.U128{}, snapshot.U128{Hi: ^uint64(0), Lo: ^uint64(0)})
	if all.Bits() != 0 {
		t.Errorf("whole space: %v", all)
	}
}

// TestFixtureClasses checks the class rules on the fixture's networks.
func TestFixtureClasses(t *testing.T) {
	tb, err := buildTables(loadFixture(t).in)
	if err != nil {
		t.Fatal(err)
	}
	for ip, want := range map[string]struct {
		kind  source.Kind
		conf  int
		usage string
	}{
		"81.2.69.1":     {source.Hosting, confHostName, "hosting"},  // "Example Hosting Ltd", by name
		"81.2.70.1":     {0, 0, ""},                                 // Andrews & Arnold: nothing known
		"200.0.0.100":   {source.VPN, confHostName, "hosting"},      // "Example VPN Company", by name
		"45.130.202.1":  {source.Hosting, confHostingAS, "hosting"}, // GSL Networks: hosting, then a weak VPN signal
		"2a03:1b20::1":  {source.VPN, 90, "hosting"},                // Mullvad
		"2a03:1b20:1::": {0, 0, ""},                                 // "Mobile Carrier Wireless": not in the table, no name rule for mobile
	} {
		rec := tb.lookup(netip.MustParseAddr(ip))
		if rec.Network == nil {
			t.Fatalf("%s: no network", ip)
		}
		if rec.Network.UsageType != want.usage {
			t.Errorf("%s: usage %q, want %q", ip, rec.Network.UsageType, want.usage)
		}
		if want.kind == 0 {
			if len(rec.Signals) != 0 {
				t.Errorf("%s: signals %+v", ip, rec.Signals)
			}
			continue
		}
		if len(rec.Signals) == 0 || rec.Signals[0].Kind != want.kind || rec.Signals[0].Confidence != want.conf {
			t.Errorf("%s: signals %+v, want %v at %d", ip, rec.Signals, want.kind, want.conf)
		}
	}
}
