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
	fmt.Println("hosting:", r.Privacy.IsHosting, "provider:", r.Signals[0].Provider)
	// Output:
	// AS137409 GSL Networks Pty LTD 45.130.202.0/24
	// hosting: true provider: GSL Networks
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
