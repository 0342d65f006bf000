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
				"homepage and call FromURL(ctx, url, preset.Spec), or Open a downloaded copy.",
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
			Spec:     Spec{Name: "linode", Kind: source.Hosting, Provider: "Linode", Format: Geofeed, Confidence: 95},
			URL:      "https://geoip.linode.com/",
			Homepage: "https://www.linode.com/global-infrastructure/",
			Refresh:  day,
			Note:     "RFC 8805 geofeed of Linode (Akamai Cloud); the datacenter's location fills Record.Geo.",
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
			Spec:     Spec{Name: "tor-onionoo", Kind: source.Tor, Provider: "Tor Project", Format: Onionoo, Confidence: 100},
			URL:      "https://onionoo.torproject.org/details?type=relay&running=true&flag=Exit&fields=or_addresses,exit_addresses,first_seen,last_seen,flags",
			Homepage: "https://metrics.torproject.org/onionoo.html",
			Refresh:  time.Hour,
			Note: "Running relays with the Exit flag: exit and OR addresses, IPv4 and IPv6; each match carries " +
				"the relay's first and last seen times.",
		},
		// First-party VPN server lists: each provider's own public list.
		{
			Spec:     Spec{Name: "mullvad", Kind: source.VPN, Provider: "Mullvad", Format: Mullvad, Confidence: 95},
			URL:      "https://api.mullvad.net/www/relays/all/",
			Homepage: "https://mullvad.net/en/servers",
			Refresh:  6 * time.Hour,
			Note:     "All relays (WireGuard, OpenVPN, bridges), IPv4 and IPv6.",
		},
		{
			Spec:     Spec{Name: "mullvad-wireguard", Kind: source.VPN, Provider: "Mullvad", Format: Mullvad, Confidence: 95, Category: "wireguard"},
			URL:      "https://api.mullvad.net/www/relays/wireguard/",
			Homepage: "https://mullvad.net/en/servers",
			Refresh:  6 * time.Hour,
			Note:     "WireGuard relays only; the same shape as the full list.",
		},
		{
			Spec:     Spec{Name: "nordvpn", Kind: source.VPN, Provider: "NordVPN", Format: NordVPN, Confidence: 95},
			URL:      "https://api.nordvpn.com/v1/servers?limit=16384",
			Homepage: "https://nordvpn.com/servers/",
			Refresh:  6 * time.Hour,
			Note:     "About 10 MB of JSON; the limit parameter asks for every server.",
		},
		// No ProtonVPN preset: its server list (api.protonvpn.ch/vpn/logicals)
		// answers only signed-in clients since 2025, so a default URL would
		// fail (401/400). The ProtonVPN format reads the response; fetch it
		// with your own session, see the README.
		{
			Spec:     Spec{Name: "pia", Kind: source.VPN, Provider: "Private Internet Access", Format: PIA, Confidence: 95},
			URL:      "https://serverlist.piaservers.net/vpninfo/servers/v7",
			Homepage: "https://www.privateinternetaccess.com/vpn-server",
			Refresh:  6 * time.Hour,
			Note:     "The v7 list open-source clients read since 2026: one line of JSON, then a signature.",
		},
		{
			Spec:     Spec{Name: "windscribe", Kind: source.VPN, Provider: "Windscribe", Format: Windscribe, Confidence: 90},
			URL:      "https://assets.windscribe.com/serverlist/mob-v2/1/0",
			Homepage: "https://windscribe.com/status",
			Refresh:  6 * time.Hour,
			Note: "mob-v2/<pro>/<revision>: pro 1 asks for the list with the paid-tier locations too; the apps " +
				"put their list revision (or a Unix time) last, 0 here. Each city's ping_ip and each node's " +
				"ip, ip2 and ip3; paid-tier cities may list no nodes, only their ping_ip.",
		},
		{
			Spec:     Spec{Name: "airvpn", Kind: source.VPN, Provider: "AirVPN", Format: AirVPN, Confidence: 95},
			URL:      "https://airvpn.org/api/status/",
			Homepage: "https://airvpn.org/status/",
			Refresh:  6 * time.Hour,
			Note:     "Entry addresses (IPv4 and IPv6); AirVPN exits can differ and are not listed.",
		},
		{
			Spec:     Spec{Name: "ivpn", Kind: source.VPN, Provider: "IVPN", Format: IVPN, Confidence: 95},
			URL:      "https://api.ivpn.net/v5/servers.json",
			Homepage: "https://www.ivpn.net/status/",
			Refresh:  6 * time.Hour,
			Note:     "Every WireGuard and OpenVPN host's address, its V2Ray address and its IPv6 address where given.",
		},
		{
			Spec:     Spec{Name: "vpngate", Kind: source.VPN, Provider: "VPN Gate", Format: VPNGate, Confidence: 80},
			URL:      "https://www.vpngate.net/api/iphone/",
			Homepage: "https://www.vpngate.net/",
			Refresh:  2 * time.Hour,
			Note:     "Volunteer relays, mostly home connections: they churn by the hour.",
		},
		// Monitoring probes: the providers' official published lists.
		{
			Spec:     Spec{Name: "pingdom-v4", Kind: source.Monitoring, Provider: "Pingdom", Format: Plain, Confidence: 100, Category: "uptime"},
			URL:      "https://my.pingdom.com/probes/ipv4",
			Homepage: "https://documentation.solarwinds.com/en/success_center/pingdom/content/topics/pingdom-probe-servers-ip-addresses.htm",
			Refresh:  day,
		},
		{
			Spec:     Spec{Name: "pingdom-v6", Kind: source.Monitoring, Provider: "Pingdom", Format: Plain, Confidence: 100, Category: "uptime"},
			URL:      "https://my.pingdom.com/probes/ipv6",
			Homepage: "https://documentation.solarwinds.com/en/success_center/pingdom/content/topics/pingdom-probe-servers-ip-addresses.htm",
			Refresh:  day,
		},
		{
			Spec:     Spec{Name: "betterstack", Kind: source.Monitoring, Provider: "Better Stack", Format: Plain, Confidence: 100, Category: "uptime"},
			URL:      "https://uptime.betterstack.com/ips.txt",
			Homepage: "https://betterstack.com/docs/uptime/frequently-asked-questions/",
			Refresh:  day,
		},
		{
			Spec:     Spec{Name: "statuscake", Kind: source.Monitoring, Provider: "StatusCake", Format: Plain, Confidence: 100, Category: "uptime"},
			URL:      "https://app.statuscake.com/Workfloor/Locations.php?format=txt",
			Homepage: "https://www.statuscake.com/kb/knowledge-base/what-are-your-ip-addresses/",
			Refresh:  day,
		},
		{
			Spec:     Spec{Name: "pulsetic-v4", Kind: source.Monitoring, Provider: "Pulsetic", Format: Plain, Confidence: 100, Category: "uptime"},
			URL:      "https://api.pulsetic.com/ip-ranges.txt",
			Homepage: "https://pulsetic.com/",
			Refresh:  day,
		},
		{
			Spec:     Spec{Name: "pulsetic-v6", Kind: source.Monitoring, Provider: "Pulsetic", Format: Plain, Confidence: 100, Category: "uptime"},
			URL:      "https://api.pulsetic.com/ipv6-ranges.txt",
			Homepage: "https://pulsetic.com/",
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
		return nil, fmt.Errorf("%w: %s has no fixed URL: %s", errInvalidSpec, p.Spec.Name, p.Note)
	}
	return FromURL(ctx, p.URL, p.Spec, append([]Option{WithRefresh(p.Refresh)}, opts...)...)
}
