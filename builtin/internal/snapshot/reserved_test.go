package snapshot

import (
	"net/netip"
	"testing"
)

func rng4(a, b string) Range {
	return Range{Start: FromAddr(netip.MustParseAddr(a)), End: FromAddr(netip.MustParseAddr(b)), Value: 1}
}

// TestWithoutReserved: rows over special-purpose blocks lose those parts
// and keep the rest, whatever their shape.
func TestWithoutReserved(t *testing.T) {
	r4, r6 := reserved()
	for _, tc := range []struct {
		name string
		in   []Range
		want []Range
	}{
		{"wholly reserved", []Range{rng4("192.168.0.0", "192.168.255.255")}, nil},
		{"inside a block", []Range{rng4("10.1.0.0", "10.1.0.255")}, nil},
		{"untouched", []Range{rng4("8.8.8.0", "8.8.8.255")}, []Range{rng4("8.8.8.0", "8.8.8.255")}},
		{"straddles two blocks", []Range{rng4("9.0.0.0", "12.0.0.0")},
			[]Range{rng4("9.0.0.0", "9.255.255.255"), rng4("11.0.0.0", "12.0.0.0")}},
		{"covers several", []Range{rng4("192.0.1.0", "192.169.0.0")},
			[]Range{rng4("192.0.1.0", "192.0.1.255"), rng4("192.0.3.0", "192.167.255.255"), rng4("192.169.0.0", "192.169.0.0")}},
		{"runs to the end", []Range{rng4("223.0.0.0", "255.255.255.255")}, []Range{rng4("223.0.0.0", "223.255.255.255")}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := withoutReserved(tc.in, r4)
			if len(got) != len(tc.want) {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
			for i := range got {
				if got[i] != tc.want[i] {
					t.Errorf("range %d: got %v, want %v", i, got[i], tc.want[i])
				}
			}
		})
	}
	v6 := []Range{{Start: FromAddr(netip.MustParseAddr("2001:db8::")), End: FromAddr(netip.MustParseAddr("2001:db8:ffff:ffff:ffff:ffff:ffff:ffff")), Value: 2}}
	if got := withoutReserved(v6, r6); len(got) != 0 {
		t.Errorf("2001:db8::/32 kept as %v", got)
	}
}
