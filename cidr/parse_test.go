package cidr_test

import (
	"errors"
	"math/rand/v2"
	"net/netip"
	"slices"
	"strings"
	"testing"

	"go4.org/netipx"

	"github.com/ipintel/ipintel/cidr"
	"github.com/ipintel/ipintel/source"
)

func TestParsePrefix(t *testing.T) {
	for _, tc := range []struct {
		in     string
		want   string
		masked bool
		err    bool
	}{
		{"192.0.2.1", "192.0.2.1/32", false, false},
		{"2001:db8::1", "2001:db8::1/128", false, false},
		{"192.0.2.0/24", "192.0.2.0/24", false, false},
		{"192.0.2.77/24", "192.0.2.0/24", true, false},
		{"2001:db8::1/32", "2001:db8::/32", true, false},
		{"::ffff:192.0.2.1", "192.0.2.1/32", false, false},
		{"::ffff:192.0.2.0/120", "192.0.2.0/24", false, false},
		{"::fffe:0:0/95", "::fffe:0:0/95", false, false},
		{"::ffff:0:0/96", "0.0.0.0/0", false, false},
		{"0.0.0.0/0", "0.0.0.0/0", false, false},
		{"fe80::1%eth0", "", false, true},
		{"fe80::1%eth0/64", "", false, true},
		{"192.0.2.0/33", "", false, true},
		{"192.0.2.0/", "", false, true},
		{"192.0.2", "", false, true},
		{"", "", false, true},
		{" 192.0.2.1", "", false, true},
		{"example.com", "", false, true},
	} {
		p, masked, err := cidr.ParsePrefix(tc.in)
		if (err != nil) != tc.err {
			t.Errorf("ParsePrefix(%q) error = %v, want error %v", tc.in, err, tc.err)
			continue
		}
		if err != nil {
			if !errors.Is(err, source.ErrInvalidInput) {
				t.Errorf("ParsePrefix(%q) error %v is not source.ErrInvalidInput", tc.in, err)
			}
			continue
		}
		if p.String() != tc.want || masked != tc.masked {
			t.Errorf("ParsePrefix(%q) = %v, %v; want %s, %v", tc.in, p, masked, tc.want, tc.masked)
		}
	}
	_, _, err := cidr.ParsePrefix(strings.Repeat("1", 10000))
	if err == nil || len(err.Error()) > 120 {
		t.Errorf("long input: error %d bytes, want short", len(err.Error()))
	}
}

func TestParse(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []string
		err  error
	}{
		{"10.0.0.1", []string{"10.0.0.1/32"}, nil},
		{"10.0.0.0/30", []string{"10.0.0.0/30"}, nil},
		{"10.0.0.0-10.0.0.255", []string{"10.0.0.0/24"}, nil},
		{"10.0.0.0 - 10.0.0.255", []string{"10.0.0.0/24"}, nil},
		{"10.0.0.1-10.0.0.6", []string{"10.0.0.1/32", "10.0.0.2/31", "10.0.0.4/31", "10.0.0.6/32"}, nil},
		{"10.0.0.5-10.0.0.5", []string{"10.0.0.5/32"}, nil},
		{"0.0.0.0-255.255.255.255", []string{"0.0.0.0/0"}, nil},
		{"::-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", []string{"::/0"}, nil},
		{"2001:db8::-2001:db8::ff", []string{"2001:db8::/120"}, nil},
		{"10.0.0.6-10.0.0.1", nil, source.ErrInvalidInput},
		{"10.0.0.1-2001:db8::", nil, source.ErrInvalidInput},
		{"10.0.0.1-", nil, source.ErrInvalidInput},
		{"-", nil, source.ErrInvalidInput},
		{"10.0.0.0/24-10.0.1.0", nil, source.ErrInvalidInput},
		{"nope", nil, source.ErrInvalidInput},
	} {
		got, _, err := cidr.Parse(nil, tc.in)
		if !errors.Is(err, tc.err) || (tc.err == nil) != (err == nil) {
			t.Errorf("Parse(%q) error = %v, want %v", tc.in, err, tc.err)
			continue
		}
		var gs []string
		for _, p := range got {
			gs = append(gs, p.String())
		}
		if !slices.Equal(gs, tc.want) {
			t.Errorf("Parse(%q) = %v, want %v", tc.in, gs, tc.want)
		}
	}
}

// TestAppendRangeAgainstNetipx checks range splitting against netipx, an
// independent implementation, on random IPv4 and IPv6 ranges.
func TestAppendRangeAgainstNetipx(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 5))
	for i := range 3000 {
		six := i%2 == 1
		a, b := randomAddr(r, six), randomAddr(r, six)
		if i%3 == 0 { // short ranges too
			b = a
			for range r.IntN(600) {
				if n := b.Next(); n.IsValid() {
					b = n
				}
			}
		}
		if b.Less(a) {
			a, b = b, a
		}
		got, err := cidr.AppendRange(nil, a, b)
		if err != nil {
			t.Fatal(err)
		}
		want := netipx.IPRangeFrom(a, b).Prefixes()
		if !slices.Equal(got, want) {
			t.Fatalf("AppendRange(%v, %v) = %v, netipx says %v", a, b, got, want)
		}
	}
	// The edges: whole spaces, single addresses, the last address.
	for _, c := range [][2]string{
		{"0.0.0.0", "255.255.255.255"}, {"::", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"},
		{"1.2.3.4", "1.2.3.4"}, {"::", "::"}, {"255.255.255.255", "255.255.255.255"},
		{"ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"},
		{"0.0.0.1", "255.255.255.254"}, {"::1", "8000::"},
	} {
		a, b := addr(c[0]), addr(c[1])
		got, err := cidr.AppendRange(nil, a, b)
		if want := netipx.IPRangeFrom(a, b).Prefixes(); err != nil || !slices.Equal(got, want) {
			t.Errorf("AppendRange(%v, %v) = %v, %v; netipx says %v", a, b, got, err, want)
		}
	}
	if _, err := cidr.AppendRange(nil, netip.Addr{}, addr("1.2.3.4")); !errors.Is(err, source.ErrInvalidInput) {
		t.Errorf("invalid from: %v", err)
	}
}

// randomAddr is a random address in a few IPv4 /8s or IPv6 /16s.
func randomAddr(r *rand.Rand, v6 bool) netip.Addr {
	if v6 {
		var b [16]byte
		b[0], b[1] = 0x20, byte(r.IntN(3))
		for i := 2; i < 16; i++ {
			b[i] = byte(r.Uint32())
		}
		return netip.AddrFrom16(b)
	}
	return netip.AddrFrom4([4]byte{byte(10 + r.IntN(3)), byte(r.Uint32()), byte(r.Uint32()), byte(r.Uint32())})
}
