package feed_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/ipintel/ipintel/source"
	"github.com/ipintel/ipintel/source/feed"
)

// TestIPv4MappedEntries checks feeds that write IPv4 networks IPv4-mapped
// (issue 14): an IPv4 lookup, mapped or not, reports an IPv4 prefix that
// holds the address, and a mapped /96 counts as the 0.0.0.0/0 it is.
func TestIPv4MappedEntries(t *testing.T) {
	for _, tc := range []struct {
		name   string
		format feed.Format
		data   string
		ip     string
		want   string
	}{
		{"plain, mapped prefix", feed.Plain, "::ffff:192.0.2.0/120\n", "192.0.2.7", "192.0.2.0/24"},
		{"plain, mapped prefix, mapped query", feed.Plain, "::ffff:192.0.2.0/120\n", "::ffff:192.0.2.7", "192.0.2.0/24"},
		{"plain, mapped address", feed.Plain, "::ffff:198.51.100.1\n", "198.51.100.1", "198.51.100.1/32"},
		{"plain, mapped range", feed.Plain, "::ffff:203.0.113.0 - ::ffff:203.0.113.127\n", "::ffff:203.0.113.9", "203.0.113.0/25"},
		{"geofeed, mapped prefix", feed.Geofeed, "::ffff:192.0.2.0/120,GB,GB-EN,London,\n", "192.0.2.200", "192.0.2.0/24"},
		{"AWS, mapped prefix", feed.AWS, `{"prefixes":[{"ip_prefix":"::ffff:192.0.2.0/120","service":"EC2"}]}`, "192.0.2.1", "192.0.2.0/24"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, err := feed.Load(strings.NewReader(tc.data), feed.Spec{Name: "mapped", Kind: source.Hosting, Format: tc.format})
			if err != nil {
				t.Fatal(err)
			}
			r := lookup(t, f, tc.ip)
			if r.IsZero() || r.Prefix.String() != tc.want {
				t.Fatalf("Lookup(%s) = %+v, want prefix %s", tc.ip, r, tc.want)
			}
			if a := addr(tc.ip).Unmap(); !r.Prefix.Contains(a) {
				t.Errorf("Lookup(%s): prefix %v does not contain %v", tc.ip, r.Prefix, a)
			}
		})
	}
	// ::ffff:0:0/96 is every IPv4 address: refused as a short prefix.
	_, err := feed.Load(strings.NewReader("::ffff:0:0/96\n"), feed.Spec{Name: "mapped", Kind: source.VPN, Format: feed.Plain})
	var fe *feed.Error
	if !errors.As(err, &fe) || fe.Stats.Short != 1 {
		t.Errorf("Load(::ffff:0:0/96) = %v, want a short-prefix refusal", err)
	}
}
