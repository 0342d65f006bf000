package feed

import (
	"context"
	"fmt"
	"time"

	"github.com/ipintel/ipintel/source"
)

// Preset is a well-known public feed: where it is published and how its
// matches should be reported. Each one's licence or terms are in the
// package README; read them before you rely on or redistribute the data.
type Preset struct {
	Spec Spec
	// URL is the official download address. It is empty for Azure, whose
	// file name changes every week; see Note.
	URL string
	// Homepage documents the feed.
	Homepage string
	// Refresh is a sensible refresh interval for [WithRefresh].
	Refresh time.Duration
	// Note says anything a user must know (format quirks, URL changes).
	Note string
}

// Catalog returns the built-in presets, a fresh copy each call.
func Catalog() []Preset {
	const day = 24 * time.Hour
	x4b := "https://raw.githubusercontent.com/X4BNet/lists_vpn/main/output/"
	return []Preset{
		{
			Spec:     Spec{Name: "tor-exits", Kind: source.Tor, Provider: "Tor Project", Format: Plain, Confidence: 100},
			URL:      "https://check.torproject.org/torbulkexitlist",
			Homepage: "https://check.torproject.org/",
			Refresh:  30 * time.Minute,
		},
		{
			Spec:     Spec{Name: "tor-exit-addresses", Kind: source.Tor, Provider: "Tor Project", Format: TorExitAddresses, Confidence: 100},
			URL:      "https://check.torproject.org/exit-addresses",
			Homepage: "https://metrics.torproject.org/collector.html#type-tordnsel",
			Refresh:  30 * time.Minute,
			Note:     "TorDNSEL format; each match carries the exit's last-seen time.",
		},
		{
			Spec:     Spec{Name: "apple-private-relay", Kind: source.Relay, Provider: "iCloud Private Relay", Format: Geofeed, Confidence: 100},
			URL:      "https://mask-api.icloud.com/egress-ip-ranges.csv",
			Homepage: "https://developer.apple.com/support/prepare-your-network-for-icloud-private-relay/",
			Refresh:  day,
			Note:     "RFC 8805 geofeed; each range's country, region and city fill Record.Geo.",
		},
		{
			Spec:     Spec{Name: "aws", Kind: source.Hosting, Provider: "AWS", Format: AWS, Confidence: 95},
			URL:      "https://ip-ranges.amazonaws.com/ip-ranges.json",
			Homepage: "https://docs.aws.amazon.com/vpc/latest/userguide/aws-ip-ranges.html",
			Refresh:  6 * time.Hour,
		},
		{
			Spec:     Spec{Name: "gcp", Kind: source.Hosting, Provider: "Google Cloud", Format: GCP, Confidence: 95},
			URL:      "https://www.gstatic.com/ipranges/cloud.json",
			Homepage: "https://cloud.google.com/compute/docs/faq#find_ip_range",
			Refresh:  day,
		},
		{
			Spec:     Spec{Name: "azure", Kind: source.Hosting, Provider: "Microsoft Azure", Format: Azure, Confidence: 95},
			Homepage: "https://www.microsoft.com/en-us/download/details.aspx?id=56519",
			Refresh:  7 * day,
			Note: "Microsoft publishes the Service Tags file under a new name every week " +
				"(ServiceTags_Public_YYYYMMDD.json) and no stable URL; take the current one from the " +
				"homepage and call FromURL(url, preset.Spec), or Open a downloaded copy.",
		},
		{
			Spec:     Spec{Name: "oracle", Kind: source.Hosting, Provider: "Oracle Cloud", Format: Oracle, Confidence: 95},
			URL:      "https://docs.oracle.com/en-us/iaas/tools/public_ip_ranges.json",
			Homepage: "https://docs.oracle.com/en-us/iaas/Content/General/Concepts/addressranges.htm",
			Refresh:  day,
		},
		{
			Spec:     Spec{Name: "cloudflare", Kind: source.Hosting, Provider: "Cloudflare", Format: Cloudflare, Confidence: 95, Category: "cdn"},
			URL:      "https://api.cloudflare.com/client/v4/ips",
			Homepage: "https://www.cloudflare.com/ips/",
			Refresh:  day,
			Note:     "Cloudflare's edge and egress addresses: traffic from them is proxied, not Cloudflare's own.",
		},
		{
			Spec:     Spec{Name: "digitalocean", Kind: source.Hosting, Provider: "DigitalOcean", Format: Geofeed, Confidence: 95},
			URL:      "https://digitalocean.com/geo/google.csv",
			Homepage: "https://docs.digitalocean.com/platform/",
			Refresh:  day,
			Note:     "RFC 8805 geofeed; the datacenter's location fills Record.Geo.",
		},
		{
			Spec:     Spec{Name: "x4bnet-vpn-v4", Kind: source.VPN, Format: Plain, Confidence: 75},
			URL:      x4b + "vpn/ipv4.txt",
			Homepage: "https://github.com/X4BNet/lists_vpn",
			Refresh:  day,
			Note:     "Known VPN networks, largely derived from ASNs: good recall, some false positives.",
		},
		{
			Spec:     Spec{Name: "x4bnet-vpn-v6", Kind: source.VPN, Format: Plain, Confidence: 75},
			URL:      x4b + "vpn/ipv6.txt",
			Homepage: "https://github.com/X4BNet/lists_vpn",
			Refresh:  day,
		},
		{
			Spec:     Spec{Name: "x4bnet-datacenter-v4", Kind: source.Hosting, Format: Plain, Confidence: 70},
			URL:      x4b + "datacenter/ipv4.txt",
			Homepage: "https://github.com/X4BNet/lists_vpn",
			Refresh:  day,
			Note:     "VPNs and datacenters: anything that is not an eyeball network.",
		},
		{
			Spec:     Spec{Name: "x4bnet-datacenter-v6", Kind: source.Hosting, Format: Plain, Confidence: 70},
			URL:      x4b + "datacenter/ipv6.txt",
			Homepage: "https://github.com/X4BNet/lists_vpn",
			Refresh:  day,
		},
		{
			Spec:     Spec{Name: "uptimerobot", Kind: source.Monitoring, Provider: "UptimeRobot", Format: Plain, Confidence: 100, Category: "uptime"},
			URL:      "https://uptimerobot.com/inc/files/ips/IPv4andIPv6.txt",
			Homepage: "https://uptimerobot.com/help/locations/",
			Refresh:  day,
		},
	}
}

// CatalogPreset returns the preset called name ("tor-exits", "aws"…).
func CatalogPreset(name string) (Preset, bool) {
	for _, p := range Catalog() {
		if p.Spec.Name == name {
			return p, true
		}
	}
	return Preset{}, false
}

// Open fetches the preset's feed with [FromURL], refreshing every
// p.Refresh; opts come after and may override that. ctx bounds the
// start-up, as for FromURL.
func (p Preset) Open(ctx context.Context, opts ...Option) (*Feed, error) {
	if p.URL == "" {
		return nil, fmt.Errorf("%w: %s has no fixed URL: %s", ErrInvalidSpec, p.Spec.Name, p.Note)
	}
	return FromURL(ctx, p.URL, p.Spec, append([]Option{WithRefresh(p.Refresh)}, opts...)...)
}
