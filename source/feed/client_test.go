package feed_test

import (
	"strings"
	"testing"

	"github.com/ipintel/ipintel"
	"github.com/ipintel/ipintel/source"
	"github.com/ipintel/ipintel/source/feed"
)

// TestClientWithSet runs a feed set through the ipintel Client: an address
// in a VPN range inside a hosting range is both.
func TestClientWithSet(t *testing.T) {
	hosting, err := feed.Load(strings.NewReader("45.130.0.0/16\n"), feed.Spec{Name: "dc", Kind: source.Hosting, Provider: "ExampleCloud"})
	if err != nil {
		t.Fatal(err)
	}
	vpn, err := feed.Load(strings.NewReader("45.130.202.0/24\n"), feed.Spec{Name: "vpn", Kind: source.VPN, Provider: "ExampleVPN", Confidence: 95})
	if err != nil {
		t.Fatal(err)
	}
	set, err := feed.NewSet(hosting, vpn)
	if err != nil {
		t.Fatal(err)
	}
	c, err := ipintel.New(ipintel.WithSources(set))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	r, err := c.Lookup(ctx, "45.130.202.105")
	if err != nil {
		t.Fatal(err)
	}
	if !r.Privacy.IsVPN || !r.Privacy.IsHosting || r.Privacy.Provider != "ExampleVPN" {
		t.Errorf("privacy %+v; want VPN and hosting by ExampleVPN", r.Privacy)
	}
	r, err = c.Lookup(ctx, "45.131.0.1")
	if err != nil {
		t.Fatal(err)
	}
	if r.Privacy.IsVPN || r.Privacy.IsHosting {
		t.Errorf("miss reported %+v", r.Privacy)
	}
}
