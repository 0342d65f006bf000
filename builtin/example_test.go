package builtin_test

import (
	"context"
	"fmt"

	"github.com/ipintel/ipintel"
	"github.com/ipintel/ipintel/builtin"
)

func Example() {
	src, err := builtin.Open()
	if err != nil {
		panic(err)
	}
	client, err := ipintel.New(ipintel.WithSources(src))
	if err != nil {
		panic(err)
	}
	defer client.Close()

	r, err := client.Lookup(context.Background(), "45.130.202.105")
	if err != nil {
		panic(err)
	}
	fmt.Println(r.Network.ASN, r.Network.Organization, r.Network.CIDR)
	fmt.Println("hosting:", r.Privacy.IsHosting, "vpn:", r.Privacy.IsVPN, "vpn_confidence:", r.Risk.VPNConfidence, "provider:", r.Privacy.Provider)
	// Output:
	// AS137409 GSL Networks Pty LTD 45.130.202.0/24
	// hosting: true vpn: true vpn_confidence: 30 provider: GSL Networks
}

// A known operator's network answers offline, with a reason naming the
// operator.
func Example_knownOperator() {
	src, err := builtin.Open()
	if err != nil {
		panic(err)
	}
	client, err := ipintel.New(ipintel.WithSources(src))
	if err != nil {
		panic(err)
	}
	defer client.Close()

	r, err := client.Lookup(context.Background(), "185.220.101.1")
	if err != nil {
		panic(err)
	}
	fmt.Println("tor:", r.Privacy.IsTor, "score:", r.Risk.Score, r.Risk.Recommendation)
	for _, reason := range r.Risk.Reasons {
		fmt.Printf("%s %q %d\n", reason.Code, reason.Provider, reason.Confidence)
	}
	fmt.Println(r.Signals[0].Category)
	// Output:
	// tor: true score: 81 verify
	// TOR_EXIT "Stiftung Erneuerbare Freiheit" 90
	// Tor operator's network
}

func ExampleSource_Datasets() {
	src, err := builtin.Open()
	if err != nil {
		panic(err)
	}
	for _, d := range src.Datasets() {
		fmt.Println(d.Name, d.Origin, d.License)
	}
	// Output:
	// geo-whois-asn-country embedded CC0 1.0; NRO data CC BY 4.0
	// asn embedded CC BY 4.0
	// network-class embedded part of ipintel's source
}
