package compat_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/netip"

	"github.com/ipintel/ipintel"
	"github.com/ipintel/ipintel/compat"
	"github.com/ipintel/ipintel/source"
)

// A source that knows one Tor exit.
type torList struct{}

func (torList) Name() string { return "tor" }

func (torList) Lookup(_ context.Context, a netip.Addr) (source.Record, error) {
	if a != netip.MustParseAddr("185.220.101.1") {
		return source.Record{}, nil
	}
	return source.Record{
		Geo:     &source.Geo{CountryCode: "DE"},
		Network: &source.Network{ASN: 60729, Organization: "Stiftung Erneuerbare Freiheit"},
		Signals: []source.Signal{{Kind: source.Tor, Confidence: 100}},
	}, nil
}

func ExampleVPNSignal() {
	client, _ := ipintel.New(ipintel.WithSources(torList{}))
	defer client.Close()
	r, _ := client.Lookup(context.Background(), "185.220.101.1")
	b, _ := json.Marshal(compat.VPNSignal(r))
	fmt.Println(string(b))
	// Output:
	// {"ip":"185.220.101.1","is_vpn":false,"is_proxy":false,"is_tor":true,"is_relay":false,"is_hosting":false,"risk_score":90,"recommendation":"block","company":{"name":"Stiftung Erneuerbare Freiheit","type":"isp","domain":""},"location":{"country":"DE","country_name":"","city":"","region":"","latitude":0,"longitude":0},"asn":{"number":60729,"name":"Stiftung Erneuerbare Freiheit","route":""}}
}

func ExampleDatpaq() {
	client, _ := ipintel.New(ipintel.WithSources(torList{}))
	defer client.Close()
	r, _ := client.Lookup(context.Background(), "185.220.101.1")
	d := compat.Datpaq(r)
	d.CorrelationID = "req-123456789" // by default, the lookup's request id
	b, _ := json.Marshal(d)
	fmt.Println(string(b))
	// Output:
	// {"ip":"185.220.101.1","trust_score":10,"is_vpn":false,"is_tor":true,"asn":"AS60729","country":"DE","org":"Stiftung Erneuerbare Freiheit","correlationId":"req-123456789"}
}

func ExampleVectraIP() {
	client, _ := ipintel.New(ipintel.WithSources(torList{}))
	defer client.Close()
	r, _ := client.Lookup(context.Background(), "185.220.101.1")
	v := compat.VectraIP(r)
	fmt.Println(v.Privacy.IsTor, v.Risk.Score, v.Risk.Level, v.Network.ASN, v.Network.TrafficClass, v.Monitoring.Provider == nil)
	b, _ := json.Marshal(v.Monitoring)
	fmt.Println(string(b))
	// Output:
	// true 90 critical AS60729 tor_exit true
	// {"detected":false,"provider":null,"category":null,"confidence":null,"first_seen":null,"last_seen":null}
}
