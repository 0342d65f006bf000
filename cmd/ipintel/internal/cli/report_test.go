package cli

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/ipintel/ipintel/source"
)

// TestReportDatasets: one line, whatever happened: a summary of where the
// data came from, or a warning naming a few datasets that could not be
// fetched and the first error.
func TestReportDatasets(t *testing.T) {
	now := time.Now()
	for _, tc := range []struct {
		name string
		ds   []source.Dataset
		want string
	}{
		{"all fresh", []source.Dataset{
			{Name: "aws", Origin: source.OriginNetwork, LastRefresh: now},
			{Name: "tor-exits", Origin: source.OriginCache, LastRefresh: now.Add(-3 * time.Hour)},
			{Name: "asn", Origin: source.OriginEmbedded},
		}, "ipintel: live: 1 datasets downloaded now, 1 from the cache (oldest 3h0m0s), 1 embedded\n"},
		{"some failed", []source.Dataset{
			{Name: "aws", Origin: source.OriginNetwork, LastRefresh: now},
			{Name: "tor-exits", Origin: source.OriginCache, LastRefresh: now.Add(-3 * time.Hour), LastError: errors.New("dial tcp: lookup\ncheck.torproject.org: no such host")},
			{Name: "geo-whois-asn-country", Origin: source.OriginEmbedded, LastError: errors.New("offline")},
			{Name: "nordvpn", LastError: errors.New("offline")},
			{Name: "mullvad", LastError: errors.New("offline")},
		}, "ipintel: warning: live: 4 of 5 datasets could not be refreshed (tor-exits, geo-whois-asn-country, nordvpn and 1 more); " +
			"answering from 1 datasets downloaded now, 1 from the cache (oldest 3h0m0s), 1 embedded; retrying in the background " +
			"(first error: dial tcp: lookup check.torproject.org: no such host)\n"},
		{"nothing at all", []source.Dataset{{Name: "nordvpn", LastError: errors.New("offline")}},
			"ipintel: warning: live: 1 of 1 datasets could not be refreshed (nordvpn); answering from nothing yet; " +
				"retrying in the background (first error: offline)\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var b strings.Builder
			reportDatasets(&b, "live", tc.ds)
			if b.String() != tc.want {
				t.Errorf("got\n%s\nwant\n%s", b.String(), tc.want)
			}
		})
	}
}
