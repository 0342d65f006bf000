package builtin

import (
	"net/netip"
	"testing"
	"time"

	"github.com/ipintel/ipintel/source"
	"github.com/ipintel/ipintel/source/sourcetest"
)

// TestEnumerateLive: in live mode the listing merges the catalog feeds
// (here the source/feed fixtures, served locally) into the refreshed
// datasets exactly as Lookup does, on every listed prefix.
func TestEnumerateLive(t *testing.T) {
	s, _ := openLive(t, t.TempDir(), newLiveTransport(t, 300), 10*time.Second)
	defer s.Close()
	if r, _ := s.Lookup(t.Context(), netip.MustParseAddr("11.0.1.7")); r.Geo == nil || r.Geo.CountryCode != "FR" {
		t.Fatalf("refreshed data not in use: %+v", r)
	}
	sourcetest.Enumeration(t, s, 0)
	// The feeds' signals are in the listing, with and without embedded
	// data under them.
	var tor, mullvad bool
	for rec, err := range s.Enumerate(t.Context()) {
		if err != nil {
			t.Fatal(err)
		}
		tor = tor || hasSignal(rec, source.Tor, "Tor Project")
		mullvad = mullvad || hasSignal(rec, source.VPN, "Mullvad")
	}
	if !tor || !mullvad {
		t.Fatalf("feeds missing from the listing: tor %v, mullvad %v", tor, mullvad)
	}
}
