package builtin

import (
	"context"
	"testing"

	"github.com/ipintel/ipintel"
	"github.com/ipintel/ipintel/internal/realdata"
	"github.com/ipintel/ipintel/source/mmdb"
)

// TestLayeringBehindCity checks the documented layering: a GeoIP2/GeoLite2
// City database first gives city-level geo, builtin behind it fills what
// the City database lacks (AS, organisation, network class).
func TestLayeringBehindCity(t *testing.T) {
	for _, db := range []struct {
		name, path string
	}{
		{"repo sample", "../testdata/ipintel-City.mmdb"},
		{"MaxMind test City", ""},
	} {
		t.Run(db.name, func(t *testing.T) {
			path := db.path
			if path == "" {
				path = realdata.Path(t, "maxmind-MaxMind-DB", "test-data", "GeoIP2-City-Test.mmdb")
			}
			city, err := mmdb.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			c, err := ipintel.New(ipintel.WithSources(city, open(t)))
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			r, err := c.Lookup(context.Background(), "81.2.69.142")
			if err != nil {
				t.Fatal(err)
			}
			if r.Geo == nil || r.Geo.City != "London" || r.Geo.CountryCode != "GB" {
				t.Errorf("geo %+v, want London, GB from the City database", r.Geo)
			}
			if r.Network == nil || r.Network.ASN != 20712 || r.Network.Organization == "" {
				t.Errorf("network %+v, want AS20712 from builtin", r.Network)
			}
			if len(r.Meta.DataSources) != 2 || r.Meta.DataSources[1] != Name {
				t.Errorf("data sources %v, want the City database and builtin", r.Meta.DataSources)
			}
		})
	}
}
