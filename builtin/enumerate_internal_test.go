package builtin

import (
	"math/rand/v2"
	"net/netip"
	"slices"
	"testing"

	"github.com/ipintel/ipintel/cidr"
)

func TestAppendPrefixesMatchesCIDR(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for i := range 20000 {
		var a, b netip.Addr
		if i%2 == 0 {
			x, y := r.Uint32(), r.Uint32()
			if i%4 == 0 {
				y = x + uint32(r.IntN(5000))
				if y < x {
					y = x
				}
			}
			a, b = addr4(min(x, y)), addr4(max(x, y))
		} else {
			var x, y [16]byte
			for j := range x {
				x[j], y[j] = byte(r.Uint32()), byte(r.Uint32())
			}
			if i%4 == 1 {
				y = x
				y[15] ^= byte(r.Uint32())
				y[9] ^= byte(r.Uint32())
			}
			a, b = netip.AddrFrom16(x), netip.AddrFrom16(y)
			if b.Less(a) {
				a, b = b, a
			}
		}
		want, err := cidr.AppendRange(nil, a, b)
		if err != nil {
			t.Fatal(err)
		}
		if got := appendPrefixes(nil, a, b); !slices.Equal(got, want) {
			t.Fatalf("%v-%v: %v, want %v", a, b, got, want)
		}
	}
	for _, c := range [][2]string{{"0.0.0.0", "255.255.255.255"}, {"::", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"}, {"1.2.3.4", "1.2.3.4"}, {"::", "::"}} {
		a, b := netip.MustParseAddr(c[0]), netip.MustParseAddr(c[1])
		want, _ := cidr.AppendRange(nil, a, b)
		if got := appendPrefixes(nil, a, b); !slices.Equal(got, want) {
			t.Fatalf("%v-%v: %v, want %v", a, b, got, want)
		}
	}
}
