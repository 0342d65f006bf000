package ipintel

import (
	"testing"

	"github.com/ipintel/ipintel/source"
)

// TestAuthoritativeGeoWins: a network's own statement of its location (an
// RFC 8805 geofeed row, a cloud region) beats a database's estimate
// whatever the source order; a database that agrees on the country fills
// the fields the statement leaves empty, one that disagrees adds nothing;
// two estimates keep the first-source-wins rule.
func TestAuthoritativeGeoWins(t *testing.T) {
	db := newMem("db").
		add("198.51.100.0/24", source.Record{Geo: &source.Geo{CountryCode: "DE", CountryName: "Germany", Continent: "EU", InEU: true, City: "Berlin", Timezone: "Europe/Berlin"}}).
		add("203.0.113.0/24", source.Record{Geo: &source.Geo{CountryCode: "US", CountryName: "United States", Continent: "NA", Timezone: "America/Chicago"}})
	geofeed := newMem("geofeed").
		add("198.51.100.0/24", source.Record{Geo: &source.Geo{CountryCode: "JP", RegionCode: "13", City: "Tokyo", Authoritative: true}}).
		add("203.0.113.0/24", source.Record{Geo: &source.Geo{CountryCode: "US", RegionCode: "TX", City: "Richardson", Authoritative: true}})
	other := newMem("other").
		add("198.51.100.0/24", source.Record{Geo: &source.Geo{CountryCode: "FR", CountryName: "France"}})
	for _, order := range [][]source.Source{{db, geofeed}, {geofeed, db}, {other, db, geofeed}} {
		c, err := New(WithSources(order...), WithAllowReserved(), WithCache(0, 0))
		if err != nil {
			t.Fatal(err)
		}
		r, err := c.Lookup(t.Context(), "198.51.100.7")
		if err != nil {
			t.Fatal(err)
		}
		want := Geo{CountryCode: "JP", RegionCode: "13", City: "Tokyo", Authoritative: true}
		if r.Geo == nil || *r.Geo != want {
			t.Errorf("%d sources, disagreeing: geo %+v, want %+v", len(order), r.Geo, want)
		}
		r, err = c.Lookup(t.Context(), "203.0.113.7")
		if err != nil {
			t.Fatal(err)
		}
		want = Geo{CountryCode: "US", CountryName: "United States", Continent: "NA", RegionCode: "TX", City: "Richardson", Timezone: "America/Chicago", Authoritative: true}
		if r.Geo == nil || *r.Geo != want {
			t.Errorf("%d sources, agreeing: geo %+v, want %+v", len(order), r.Geo, want)
		}
		c.Close()
	}
	// Estimates only: the first source still wins.
	c, err := New(WithSources(other, db), WithAllowReserved(), WithCache(0, 0))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	r, err := c.Lookup(t.Context(), "198.51.100.7")
	if err != nil {
		t.Fatal(err)
	}
	if r.Geo == nil || r.Geo.CountryCode != "FR" || r.Geo.City != "" || r.Geo.Authoritative {
		t.Errorf("estimates only: geo %+v, want France without Berlin", r.Geo)
	}
}
