package cidr_test

import (
	"fmt"
	"net/netip"

	"github.com/ipintel/ipintel/cidr"
)

func ExampleTable_Lookup() {
	var b cidr.Builder[string]
	b.Add(netip.MustParsePrefix("203.0.113.0/24"), "hosting")
	b.Add(netip.MustParsePrefix("203.0.113.64/26"), "vpn")
	tab, err := b.Table()
	if err != nil {
		panic(err)
	}
	pfx, vals, ok := tab.Lookup(netip.MustParseAddr("203.0.113.70"))
	fmt.Println(pfx, vals, ok)
	pfx, vals, ok = tab.Lookup(netip.MustParseAddr("203.0.113.1"))
	fmt.Println(pfx, vals, ok)
	_, _, ok = tab.Lookup(netip.MustParseAddr("198.51.100.1"))
	fmt.Println(ok)
	// Output:
	// 203.0.113.64/26 [vpn hosting] true
	// 203.0.113.0/24 [hosting] true
	// false
}

func ExampleParse() {
	for _, s := range []string{"192.0.2.7", "192.0.2.7/24", "192.0.2.1 - 192.0.2.6"} {
		ps, masked, err := cidr.Parse(nil, s)
		fmt.Println(ps, masked, err)
	}
	// Output:
	// [192.0.2.7/32] false <nil>
	// [192.0.2.0/24] true <nil>
	// [192.0.2.1/32 192.0.2.2/31 192.0.2.4/31 192.0.2.6/32] false <nil>
}
