// Package builtin is a [source.Source] answering from real, open IP data
// compiled into the binary: the country of every routed IPv4 and IPv6
// address, the autonomous system and organisation that announce it, and
// what kind of network that is (cloud or hosting, CDN, mobile carrier, or
// a known operator: a Tor exit organisation, a VPN company, iCloud Private
// Relay's egress network, hosting known for VPN exits). It needs no files,
// no account and no network.
//
// # Usage
//
//	src, err := builtin.Open()
//	if err != nil {
//		return err
//	}
//	client, err := ipintel.New(ipintel.WithSources(src))
//
// 45.130.202.105 then answers AS137409, GSL Networks Pty LTD, its country,
// a hosting signal and a weak VPN signal with provider "GSL Networks" (a
// hosting network known for VPN exits); 185.220.101.1 answers is_tor with a
// TOR_EXIT reason naming "Stiftung Erneuerbare Freiheit", the foundation
// whose network exists to carry Tor exits.
// Put richer sources in front: with
//
//	ipintel.WithSources(city, src) // city: mmdb.Open("GeoLite2-City.mmdb")
//
// the City database answers geo down to the city, and builtin fills the AS,
// organisation and network class it lacks (the Client merges field by
// field, the first source that knows a field wins).
//
// # Data
//
// A snapshot of npm packages: data/manifest.json pins their versions and
// records the snapshot's date and counts, [Source.Datasets] reports them at
// run time, NOTICE gives the licences.
//
//   - @ip-location-db/geo-whois-asn-country (CC0; its RIR data CC BY 4.0 by
//     NRO): the country of every routed range. A range's country is what its network publishes in an RFC
//     8805 geofeed where it has one, else the RIR whois country, else the
//     country its AS is registered in. It was chosen over DB-IP's country
//     lite, asn-country and iptoasn-country, alone or voting, by measuring
//     them against networks' own statements (see Accuracy).
//   - @ip-location-db/asn: RouteViews, the RIRs (via NRO) and DB-IP's IP to
//     ASN Lite (CC BY 4.0): the autonomous system and organisation that
//     announce every routed range.
//   - country names, continents and EU membership: a table in this package.
//   - network class: two tables written by hand from public facts, then a
//     rule on organisation names ("host…", "cloud", "server",
//     "datacenter", "vps", "vpn"…) at lower confidence. The first
//     (networks.go) holds the autonomous systems of clouds, hosting,
//     dedicated-server and colocation companies, CDNs and mobile carriers
//     (AWS, Google Cloud, Azure, Oracle, DigitalOcean, Hetzner, OVHcloud,
//     Linode, Vultr, Contabo, Scaleway, Alibaba, Tencent, Leaseweb,
//     Rackspace, SAKURA internet…; Cloudflare, Fastly, Akamai…), each with
//     a public reference (the operator's own page). The second, the known
//     operators (operators.go), holds networks whose holder tells what the
//     traffic is, each with its organisation, class, confidence and a
//     public reference (the operator's page or the registry's record).
//
// Classes become signals and Network fields: hosting and CDN networks a
// [source.Hosting] signal (confidence 90 and 80; 50 by name) naming the
// provider; UsageType "hosting", "cdn" or "mobile" and ConnectionType
// "hosting" or "cellular". Networks the tables and the rule say nothing
// about get no signal and empty UsageType: unknown, not "residential".
//
// # Known operators
//
// The known-operator signals name the operator as Provider, so the
// Client's Reasons say why ("TOR_EXIT", provider "Stiftung Erneuerbare
// Freiheit"), and carry a Category naming the class:
//
//   - Tor operator's network: organisations that exist to run Tor exits
//     (Stiftung Erneuerbare Freiheit AS60729, F3 Netze, nothingtohide.nl,
//     Foundation for Applied Privacy, Emerald Onion, DFRI; The Calyx
//     Institute, Quintex and dotsrc.org, which run other services too, at
//     lower confidence): a [source.Tor] signal at 60–90. With the default
//     scorer a Tor signal at 90 scores 81, high, verify: an AS-level guess
//     never blocks on its own; Tor's exit list (live mode) does.
//   - VPN operator's network: the VPN companies' own autonomous systems
//     (Mullvad, Proton VPN, NordVPN's PacketHub, Surfshark's Cyberzone,
//     Strong Technology for StrongVPN and IPVanish, IVPN, Windscribe): a
//     [source.VPN] signal at 70–90 (85: score 55, verify).
//   - privacy relay egress network: AS36183, Akamai's network for iCloud
//     Private Relay egress: a [source.Relay] signal at 80 (score 8, allow).
//     Most relay egress is in Cloudflare's, Fastly's and Akamai's CDN
//     networks, in ranges only Apple's egress list names: live mode.
//   - hosting known for VPN exits, the lower-confidence class: hosting
//     networks that carry the exits of many VPN services at scale (M247,
//     Datacamp, GSL Networks, HostRoyale, Clouvider, tzulo, Crea Nova).
//     They keep their [source.Hosting] signal at 90 and add a [source.VPN]
//     signal at 30. So is_vpn is true (any VPN signal sets it), and
//     vpn_confidence is 30, against 70–90 for a VPN company's own network:
//     a caller who wants only strong evidence tests VPNConfidence ≥ 50.
//     With the default scorer the score is 52 (high, verify), between plain
//     hosting (41, medium, allow) and a VPN operator's network at 85 (55).
//     The reason: most VPN exits are rented servers in these networks, so
//     without the class an offline lookup finds almost no VPN server (see
//     Accuracy), while the networks serve no residential users.
//     A server of any other customer there is flagged too: put a VPN feed
//     or database in front, or use [WithLive], for address-level answers.
//
// Left out on purpose: hosting networks where Tor exits or VPN servers are
// a small share (OVHcloud, Hetzner, FranTech, Vultr…) stay plain hosting,
// and no consumer ISP is in either table.
//
// Rows over the IANA special-purpose blocks (private, loopback,
// documentation, multicast…) are dropped whatever upstream says: the
// geofeed data places 192.168.0.0/16 in Australia.
//
// The data is regenerated from the registry with one command, run in this
// directory (it needs npm):
//
//	go run ./internal/gen -update   # the newest published versions, pinned anew
//	go run ./internal/gen -fetch    # the pinned versions: the committed bytes back
//
// The output is byte-for-byte reproducible and data/manifest.json records
// the inputs' sha256, the output's and the counts (tests check all three).
// A weekly workflow (.github/workflows/refresh-data.yml) runs the first and
// opens a pull request when the data changed. The format is this package's
// own: the country and AS ranges of each family merged into one sorted step
// function, varint-delta coded, in DEFLATE sections, with the manifest
// inside.
//
// # Fresh data
//
// The embedded snapshot ages: networks move and change hands. Three ways
// to newer data, none needing a rebuild of the program:
//
//   - [WithLive] (below) refreshes the country and AS datasets daily and adds
//     the live feeds.
//   - [OpenFile] answers from a snapshot file instead: data/snapshot.bin of a
//     newer release, or what go run ./internal/gen -update -out DIR wrote.
//     The file is checked whole (sections, checksums, manifest, counts); a
//     bad one is an error wrapping [source.ErrMalformed].
//   - Upgrading the module, whose data the weekly workflow keeps current.
//
// With live mode off, [Open] and [OpenFile] log one Warn to the [WithLogger]
// logger when the snapshot is older than [StaleAfter] (120 days).
//
// # Accuracy
//
// The country dataset was chosen for agreeing best with what networks
// publish about their own prefixes (RFC 8805 geofeeds, cloud regions); Tor
// exits, VPN
// servers and iCloud Private Relay egress are found offline only where the
// network's operator says what it carries (the known operators above),
// and residential networks are not flagged. The tests that measure this
// (TestAccuracy, TestAccuracyByClass, TestOperatorRecall,
// TestCountryCandidates) read third-party lists and skip without them; the
// tables they printed, with dates, are in the repository's BENCHMARKS.md.
//
// # Live mode
//
// Opt in with [WithLive] (a library never phones home by default):
//
//	src, err := builtin.Open(builtin.WithLive(cacheDir), builtin.WithStartupBudget(3*time.Second))
//	if err != nil {
//		return err
//	}
//	defer src.Close()
//
// Every feed of source/feed's catalog (Tor exit lists and Onionoo, Apple
// Private Relay, cloud ranges, X4BNet, the VPN providers' own server lists,
// monitoring probes) joins the embedded data, and the country and AS
// datasets it was built from are refreshed daily from ip-location-db's
// published files (raw.githubusercontent.com/sapics/ip-location-db), each
// with its own schedule, a durable copy in cacheDir, conditional requests
// and a poisoning guard (an empty file, or a file with fewer than half the rows
// in use, is refused and the data in use kept). [Open] returns within the
// budget (default [DefaultStartupBudget]) with whatever is embedded or
// cached; the rest arrives in the background. [Source.Datasets] reports
// each dataset's origin (embedded, cache, network), date, entries, last
// and next refresh and last error. [Source.Close] stops every goroutine.
// A lookup that lands in a feed allocates the merged signals.
//
// Start-up answers within the budget whatever the network does: from the
// cache at once when it is fresh, from the embedded data when there is
// neither network nor cache (figures in BENCHMARKS.md).
//
// # Thread Safety
//
// A Source is safe for concurrent use. The decoded tables are immutable and
// shared by every Source in the process (the first [Open] decodes them, the
// others reuse them), held behind an atomic pointer so a refresh can swap
// in new tables without locking readers. The *Geo, *Network and Signals a
// Lookup returns are shared by every address in the same network: read
// them, never modify them.
//
// # Performance
//
// A lookup is one binary search within the steps of the address's /16 (an
// index by the top 16 bits per family), then shared answers: no
// allocation. The first [Open] in a process decodes the snapshot (its
// sections in parallel); later Opens share the tables. Measured figures,
// beside github.com/phuslu/iploc, are in BENCHMARKS.md.
package builtin
