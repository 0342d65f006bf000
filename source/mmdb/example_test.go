package mmdb_test

import (
	"context"
	"fmt"
	"log"
	"net/netip"
	"time"

	"github.com/ipintel/ipintel/source"

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

// A schema reads a database whose type ipintel does not map by itself, or
// reads a known one for more: here every network of the sample anonymous
// database that is a Tor exit becomes a Tor signal with a category, and
// nothing else is read.
func ExampleWithSchema() {
	s, err := mmdb.Open("../../testdata/ipintel-Anonymous-IP.mmdb",
		mmdb.WithName("tor-only"),
		mmdb.WithSchema(mmdb.Schema{
			Signals: []mmdb.SignalRule{{
				Kind:           source.Tor,
				If:             "is_tor_exit_node",
				ConfidencePath: "anonymizer_confidence",
				Category:       "exit",
			}},
		}))
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()

	for _, ip := range []string{"185.220.101.1", "45.130.202.105"} {
		rec, err := s.Lookup(context.Background(), netip.MustParseAddr(ip))
		if err != nil {
			log.Fatal(err)
		}
		fmt.Print(ip, ":")
		for _, sig := range rec.Signals {
			fmt.Print(" ", sig.Kind, "/", sig.Category, " ", sig.Confidence, " from ", sig.Source)
		}
		fmt.Println()
	}
	// Output:
	// 185.220.101.1: tor/exit 99 from tor-only
	// 45.130.202.105:
}

// A watched source reloads its file when it changes, keeping the loaded
// database when the new file is refused.
func ExampleWithWatch() {
	city, err := mmdb.Open("../../testdata/ipintel-City.mmdb",
		mmdb.WithWatch(time.Minute),
		mmdb.WithOnReload(func(err error) {
			if err != nil {
				log.Printf("GeoIP update refused: %v", err)
			}
		}))
	if err != nil {
		log.Fatal(err)
	}
	defer city.Close() // stops the watcher
	fmt.Println(city.Metadata().DatabaseType)
	// Output: GeoLite2-City
}
