package cli

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/ipintel/ipintel/source"
)

// TestReportDatasets: one line per dataset without fresh data, and one
// summary saying where the data came from and how old the oldest copy is.
func TestReportDatasets(t *testing.T) {
	var b strings.Builder
	now := time.Now()
	reportDatasets(&b, "live", []source.Dataset{
		{Name: "aws", Origin: source.OriginNetwork, LastRefresh: now},
		{Name: "tor-exits", Origin: source.OriginCache, LastRefresh: now.Add(-3 * time.Hour), LastError: errors.New("offline")},
		{Name: "dbip-country", Origin: source.OriginEmbedded, Updated: time.Date(2026, 6, 17, 0, 0, 0, 0, time.UTC), LastError: errors.New("offline")},
		{Name: "nordvpn", LastError: errors.New("offline")},
	})
	want := "ipintel: tor-exits: offline, answering from the copy cached 3h0m0s ago\n" +
		"ipintel: dbip-country: refresh failed, answering from the embedded copy of 2026-06-17\n" +
		"ipintel: nordvpn: no data yet (offline, nothing cached)\n" +
		"ipintel: live: 1 datasets downloaded now, 1 from the cache (oldest 3h0m0s), 1 embedded, 1 without data (retried in the background)\n"
	if b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
}
