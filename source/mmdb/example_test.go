package mmdb_test

import (
	"context"
	"fmt"
	"log"
	"net/netip"

	"github.com/ipintel/ipintel/source/mmdb"
)

func ExampleOpen() {
	city, err := mmdb.Open("../../testdata/ipintel-City.mmdb")
	if err != nil {
		log.Fatal(err)
	}
	defer city.Close()

	rec, err := city.Lookup(context.Background(), netip.MustParseAddr("81.2.69.142"))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(city.Name(), rec.Prefix)
	fmt.Println(rec.Geo.CountryCode, rec.Geo.City, rec.Geo.Timezone)
	// Output:
	// geolite2-city 81.2.69.0/24
	// GB London Europe/London
}

func ExampleOpen_anonymous() {
	anon, err := mmdb.Open("../../testdata/ipintel-Anonymous-IP.mmdb", mmdb.WithName("anonymous-ip"))
	if err != nil {
		log.Fatal(err)
	}
	defer anon.Close()

	rec, err := anon.Lookup(context.Background(), netip.MustParseAddr("45.130.202.105"))
	if err != nil {
		log.Fatal(err)
	}
	for _, s := range rec.Signals {
		fmt.Println(s.Kind, s.Confidence, s.Provider, s.Source, s.LastSeen.Format("2006-01-02"))
	}
	// Output:
	// vpn 95 ExampleVPN anonymous-ip 2025-12-28
	// hosting 95 ExampleVPN anonymous-ip 2025-12-28
}

func ExampleWithLanguage() {
	city, err := mmdb.Open("../../testdata/ipintel-City.mmdb", mmdb.WithLanguage("de"))
	if err != nil {
		log.Fatal(err)
	}
	defer city.Close()

	rec, err := city.Lookup(context.Background(), netip.MustParseAddr("185.220.101.1"))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(rec.Geo.CountryName, rec.Geo.City)
	// Output: Deutschland Berlin
}
