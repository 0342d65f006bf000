package remote

import (
	"context"
	"errors"
	"net/netip"
	"sync/atomic"
	"testing"

	"github.com/ipintel/ipintel/source"
)

func TestCheckPrefix(t *testing.T) {
	for _, tc := range []struct {
		name, addr, cidr, want string // want "" : dropped
	}{
		{"IPv4 network holding the address", "1.1.1.1", "1.1.1.0/24", "1.1.1.0/24"},
		{"IPv4-mapped network of an IPv4 address", "1.1.1.1", "::ffff:1.1.1.0/120", "1.1.1.0/24"},
		{"IPv4 network, IPv4-mapped query", "::ffff:1.1.1.1", "1.1.1.0/24", "1.1.1.0/24"},
		{"host bits set", "1.1.1.1", "1.1.1.9/24", "1.1.1.0/24"},
		{"IPv6 network for an IPv4 address", "1.1.1.1", "::/37", ""},
		{"mapped space shorter than /96", "1.1.1.1", "::ffff:0:0/95", ""},
		{"IPv4 network not holding the address", "1.1.1.1", "8.8.8.0/24", ""},
		{"IPv4 network for an IPv6 address", "2001:db8::1", "0.0.0.0/0", ""},
		{"IPv6 network holding the address", "2001:db8::1", "2001:db8::/32", "2001:db8::/32"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := netip.MustParsePrefix(tc.cidr)
			in := source.Record{Prefix: p, Network: &source.Network{CIDR: p}}
			got := checkPrefix(in, netip.MustParseAddr(tc.addr))
			want := netip.Prefix{}
			if tc.want != "" {
				want = netip.MustParsePrefix(tc.want)
			}
			if got.Prefix != want {
				t.Errorf("Prefix = %v, want %v", got.Prefix, want)
			}
			if want.IsValid() && (got.Network == nil || got.Network.CIDR != want) {
				t.Errorf("Network = %+v, want CIDR %v", got.Network, want)
			}
			if !want.IsValid() && got.Network != nil {
				t.Errorf("Network = %+v, want nil (it held only the dropped CIDR)", got.Network)
			}
			if in.Network.CIDR != p {
				t.Error("the decoder's Network was modified in place")
			}
		})
	}
	// A batch answer is checked record by record, against its own address.
	recs := []source.Record{{Prefix: netip.MustParsePrefix("1.1.1.0/24")}, {Prefix: netip.MustParsePrefix("1.1.1.0/24")}}
	checkPrefixes(recs, []netip.Addr{netip.MustParseAddr("1.1.1.1"), netip.MustParseAddr("9.9.9.9")})
	if recs[0].Prefix.String() != "1.1.1.0/24" || recs[1].Prefix.IsValid() {
		t.Errorf("checkPrefixes: %v, %v; want 1.1.1.0/24 and none", recs[0].Prefix, recs[1].Prefix)
	}
	// A Network with more than the CIDR keeps the rest.
	rec := checkPrefix(source.Record{Network: &source.Network{ASN: 13335, CIDR: netip.MustParsePrefix("::/37")}}, netip.MustParseAddr("1.1.1.1"))
	if rec.Network == nil || rec.Network.ASN != 13335 || rec.Network.CIDR.IsValid() {
		t.Errorf("Network = %+v, want ASN kept and CIDR dropped", rec.Network)
	}
}

// TestDecodedPrefixChecked runs an Endpoint whose Decode reports the
// network ::/37 for every address (as a careless decoder of a provider's
// "cidr" might): the IPv4 lookups, single and batch, must not show it.
func TestDecodedPrefixChecked(t *testing.T) {
	var hits atomic.Int64
	srv := genericServer(t, &hits)
	bad := netip.MustParsePrefix("::/37")
	s, err := New(testKey, Endpoint{Name: "g", URL: srv.URL + "/json/{ip}", Auth: Auth{Header: "X-Key"},
		Decode: func(a netip.Addr, b []byte) (source.Record, error) {
			rec, err := decodeGeneric(a, b)
			rec.Prefix, rec.Network = bad, &source.Network{CIDR: bad, ASN: 64500}
			return rec, err
		}})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	check := func(rec source.Record, a netip.Addr) {
		t.Helper()
		if rec.Prefix.IsValid() || rec.Network == nil || rec.Network.CIDR.IsValid() || rec.Network.ASN != 64500 {
			t.Errorf("%v: Prefix %v, Network %+v: want the network dropped, the ASN kept", a, rec.Prefix, rec.Network)
		}
	}
	a := netip.MustParseAddr("45.1.1.1")
	rec, err := s.Lookup(context.Background(), a)
	if err != nil {
		t.Fatal(err)
	}
	check(rec, a)
	addrs := []netip.Addr{netip.MustParseAddr("45.2.2.2"), netip.MustParseAddr("45.2.2.3")}
	recs, err := s.LookupBatch(context.Background(), addrs)
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range recs {
		check(r, addrs[i])
	}
	// An IPv6 address inside ::/37 keeps it.
	v6 := netip.MustParseAddr("::45:1")
	if rec, err := s.Lookup(context.Background(), v6); err != nil || rec.Prefix != bad {
		t.Errorf("Lookup(%v) = %v, %v; want prefix %v", v6, rec.Prefix, err, bad)
	}
}

// TestSharedValueNetworkOutsideAddress: a shared-store value whose
// Network.CIDR does not hold the address it is stored for is corrupt, like
// one whose Prefix does not; FuzzDecodeShared found the decoder accepting
// {"n":{"cidr":"0.0.0.0/7"}} for 45.130.202.105 (issue 14).
func TestSharedValueNetworkOutsideAddress(t *testing.T) {
	a := netip.MustParseAddr("45.130.202.105")
	for _, tc := range []struct {
		name string
		rec  source.Record
		ok   bool
	}{
		{"network holding the address", source.Record{Network: &source.Network{ASN: 1, CIDR: netip.MustParsePrefix("45.130.202.0/24")}}, true},
		{"network without CIDR", source.Record{Network: &source.Network{ASN: 1}}, true},
		{"IPv4 network elsewhere", source.Record{Network: &source.Network{ASN: 1, CIDR: netip.MustParsePrefix("0.0.0.0/7")}}, false},
		{"IPv6 network", source.Record{Network: &source.Network{ASN: 1, CIDR: netip.MustParsePrefix("::/37")}}, false},
		{"prefix elsewhere", source.Record{Prefix: netip.MustParsePrefix("1.0.0.0/8"), Network: &source.Network{ASN: 1}}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, err := encodeShared(tc.rec)
			if err != nil {
				t.Fatal(err)
			}
			_, err = decodeShared(b, a)
			if tc.ok && err != nil || !tc.ok && !errors.Is(err, errSharedValue) {
				t.Errorf("decodeShared = %v, want ok %v", err, tc.ok)
			}
		})
	}
}
