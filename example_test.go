package ipintel_test

import (
	"context"
	"fmt"
	"log"
	"net/netip"

	"github.com/ipintel/ipintel"
	"github.com/ipintel/ipintel/source"
)

// threatList is a tiny in-memory source; real programs use source/mmdb,
// source/feed or source/remote.
type threatList map[netip.Prefix][]source.Signal

func (threatList) Name() string { return "threats" }

func (l threatList) Lookup(_ context.Context, addr netip.Addr) (source.Record, error) {
	for p, sigs := range l {
		if p.Contains(addr) {
			return source.Record{Prefix: p, Signals: sigs}, nil
		}
	}
	return source.Record{}, nil // a miss is not an error
}

var threats = threatList{
	netip.MustParsePrefix("185.220.101.0/24"): {{Kind: source.Tor, Confidence: 100}},
	netip.MustParsePrefix("45.130.202.0/24"):  {{Kind: source.VPN, Confidence: 95, Provider: "NordVPN"}},
}

func ExampleClient_Lookup() {
	client, err := ipintel.New(ipintel.WithSources(threats))
	if err != nil {
		log.Fatal(err)
	}
	defer client.Close()

	r, err := client.Lookup(context.Background(), "185.220.101.1")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("tor:", r.Privacy.IsTor, "score:", r.Risk.Score, r.Risk.Level, r.Risk.Recommendation)
	for _, reason := range r.Risk.Reasons {
		fmt.Printf("  %s from %s: %d points\n", reason.Code, reason.Source, reason.Points)
	}

	_, err = client.Lookup(context.Background(), "192.168.1.10")
	fmt.Println(err)
	// Output:
	// tor: true score: 90 critical block
	//   TOR_EXIT from threats: 90 points
	// ipintel: reserved IP "192.168.1.10": private-use (RFC 1918)
}

func ExampleClient_LookupBatch() {
	client, err := ipintel.New(ipintel.WithSources(threats), ipintel.WithMaxBatch(100))
	if err != nil {
		log.Fatal(err)
	}
	defer client.Close()

	b, err := client.LookupBatch(context.Background(), []string{"45.130.202.105", "not-an-ip", "8.8.8.8", "45.130.202.105"})
	if err != nil {
		log.Fatal(err)
	}
	for _, it := range b.Items {
		if it.Err != nil {
			fmt.Printf("%d %s: %v\n", it.Index, it.Input, it.Err)
			continue
		}
		fmt.Printf("%d %s: vpn=%v provider=%q %s\n", it.Index, it.Input, it.Result.Privacy.IsVPN,
			it.Result.Privacy.Provider, it.Result.Risk.Recommendation)
	}
	fmt.Printf("%+v\n", b.Summary)
	// Output:
	// 0 45.130.202.105: vpn=true provider="NordVPN" verify
	// 1 not-an-ip: ipintel: invalid IP "not-an-ip": not an IPv4 or IPv6 address
	// 2 8.8.8.8: vpn=false provider="" allow
	// 3 45.130.202.105: vpn=true provider="NordVPN" verify
	// {Total:4 Unique:2 Valid:3 Invalid:1 Found:2 NotFound:1 Failed:0}
}

func ExampleClient_LookupSeq() {
	client, err := ipintel.New(ipintel.WithSources(threats))
	if err != nil {
		log.Fatal(err)
	}
	defer client.Close()

	lines := func(yield func(string) bool) {
		for _, s := range []string{"185.220.101.7", "1.1.1.1", "garbage"} {
			if !yield(s) {
				return
			}
		}
	}
	for r, err := range client.LookupSeq(context.Background(), lines) {
		if err != nil {
			fmt.Println("skip:", err)
			continue
		}
		fmt.Println(r.Query.IP, r.Risk.Score)
	}
	// Output:
	// 185.220.101.7 90
	// 1.1.1.1 0
	// skip: ipintel: invalid IP "garbage": not an IPv4 or IPv6 address
}
