// Package feed turns CIDR and IP lists — VPN and datacenter lists, Tor exit
// lists, Apple's Private Relay ranges, cloud providers' range files,
// monitoring services' probe lists — into ipintel sources.
//
// Every match becomes a [source.Signal] with its provenance: Kind,
// Confidence and Provider from the [Spec], Source = Spec.Name, and a
// Category (the cloud service and region for the cloud files, see the
// README). Geofeed rows and cloud regions fill Record.Geo; TorDNSEL
// exit-addresses fill Signal.LastSeen and Onionoo relays FirstSeen and
// LastSeen. Record.Prefix is the most specific matching prefix.
//
// # Location precedence: a network's own statement wins
//
// What a network publishes about its own prefixes is the best location
// there is, ahead of any database's estimate. Two kinds of feed carry it,
// and their Record.Geo has [source.Geo].Authoritative set:
//
//   - RFC 8805 geofeeds (Apple's Private Relay egress list, DigitalOcean,
//     Linode, any geofeed a user loads): the row's country, region, city
//     and postal code.
//   - Cloud range files that give a region (AWS region, and the metro of a
//     Local or Wavelength Zone's network_border_group; Google Cloud scope;
//     Oracle region; Azure Service Tag region): the region's country and,
//     where the provider names one, its city, from tables written by hand
//     from each provider's public region list. An unknown region (new,
//     internal or staging) and the global scopes give no location, never
//     a guess.
//
// Within a [Set] the most specific covering prefix with a location gives
// it. Across sources, the ipintel Client merges authoritative locations
// first, in source order, then every other source's: a set placed before
// or after builtin (or a GeoIP2 database) answers with the network's
// country, and a source that places the address in another country adds
// nothing (no "Tokyo, Germany"); one that agrees fills the fields left
// empty (time zone, coordinates). builtin's live mode applies the same rule
// inside its one Source: a catalog feed's location replaces the embedded
// country and gets the country's name and continent.
//
// # Usage
//
// Load feeds from files, readers or URLs, and merge them into one [Set] so
// that the Client pays one table search for all of them:
//
//	vpn, err := feed.Open("vpn.txt", feed.Spec{Name: "vpn-list", Kind: source.VPN})
//	aws, err := feed.FromURL(ctx, "https://ip-ranges.amazonaws.com/ip-ranges.json",
//		feed.Spec{Name: "aws", Kind: source.Hosting, Provider: "AWS"},
//		feed.WithRefresh(6*time.Hour), feed.WithCacheDir("/var/cache/ipintel"))
//	preset, _ := feed.CatalogPreset("tor-exits")
//	tor, err := preset.Open(ctx)
//	set, err := feed.NewSet(vpn, aws, tor)
//	client, err := ipintel.New(ipintel.WithSources(set))
//
// The format is detected from the content when Spec.Format is zero: plain
// lists (addresses, CIDRs, ranges "a-b", comments "#", ";", "//", CRLF, a
// BOM; FireHOL .netset/.ipset; the Tor bulk exit list), TorDNSEL
// exit-addresses, RFC 8805 geofeeds, and the AWS, GCP, Azure, Oracle and
// Cloudflare JSON files. The VPN providers' own server lists ([Mullvad],
// [NordVPN], [ProtonVPN], [PIA], [Windscribe], [AirVPN], [IVPN],
// [VPNGate]) and Tor's [Onionoo] details are not detected: name the
// Format (the catalog presets do). Malformed lines are skipped and counted; [Stats]
// keeps the first few with their line numbers. A file with nothing usable
// fails with [source.ErrMalformed]; every read is bounded by Spec.MaxBytes.
//
// [FromURL] refreshes in the background with conditional requests, retries
// with jittered backoff, a deadline per fetch and an optional disk cache. A
// refresh (or a [Feed.Reload] of a file) that is empty, contains a prefix
// shorter than /8 (IPv4) or /16 (IPv6) unless Spec.AllowShortPrefixes, or
// loses more than Spec.MaxShrink of the prefixes is refused: the last good
// table stays, and [Feed.Status] reports why ([source.ErrPoisoned]).
//
// [Catalog] lists presets for the public feeds users reach for, with their
// official URLs; their licences and terms are in the package README.
// [OpenAll] opens many presets concurrently and merges them into a Set.
//
// # Start-up, budget and cache
//
// Loading takes a context: cancelling it ends the start-up at once (the
// downloads stop, no goroutine is left). With [WithCacheDir] start-up is
// cache first: a cached copy younger than its refresh interval is served
// with no network wait and refreshed in the background when due; an older
// one is served when the network fails, or, with [WithStartupBudget], when
// it has not answered within the budget, while the download goes on. A
// feed with no cached copy returns empty at the budget, reports
// [source.ErrUnavailable] in its Status, and fills in when its download completes.
//
//	presets := feed.Catalog()[:0]
//	for _, p := range feed.Catalog() {
//		if p.URL != "" {
//			presets = append(presets, p)
//		}
//	}
//	set, err := feed.OpenAll(ctx, presets,
//		feed.WithCacheDir(dir), feed.WithStartupBudget(2*time.Second))
//	// err lists the feeds that could not be opened; set has the rest.
//
// [Feed.Status] and the [source.DatasetReporter] method Datasets tell each
// feed's origin (network, cache, file), age, entries, last and next
// refresh and last error; the merge error below a failed merge after a refresh.
//
// The disk cache holds one file a feed: a header with the validators, the
// save time and the body's length and SHA-256, then the body. It is
// written to a temporary file, fsynced, renamed over the last copy and the
// directory fsynced, so a crash at any point leaves the last good copy; a
// torn or altered file fails its checksum and is not used. The two-file
// layout of earlier versions is read once and replaced at the next save.
//
// # Thread Safety
//
// [Feed] and [Set] are safe for concurrent use. Lookups never lock: each
// reads an immutable snapshot through an atomic pointer. A refresh builds
// the new table off to the side and swaps it in; a [Set] rebuilds its merged
// table when a member swaps, also off to the side. The Signals slice and Geo
// of a returned Record are shared by every lookup that lands in the same
// place and must not be modified (the ipintel Client copies what it keeps).
// [Feed.Close] and [Set.Close] stop the refreshers and wait for them: no
// goroutine outlives Close.
//
// # Performance
//
// Start-up of the catalog (go test -bench OpenAll -benchtime 5x -count 3;
// 21 feeds: the first-party fixtures and the realdata files, AWS, GCP,
// Oracle, X4BNet and Tor lists among them, about 3.5 MB; other jobs were
// running): cold with the network up 0.62–0.88 s; warm, with the cache
// fresh and the network black-holed, 0.62–0.76 s, all of it parsing the
// cached bodies (no request is made); with no cache and the network
// black-holed, 0.102–0.106 s against a 100 ms budget. Before this, a warm
// start with the network black-holed waited 30 s per feed.
//
// Lookup is one longest-prefix match (cidr.Table on gaissmai/bart) that
// returns a record precomputed for every distinct set of covering entries:
// no allocation and no walk over covering prefixes at query time.
//
// Measured on a shared 2-core VM (Go 1.26, go test -bench . -benchmem
// -count 5, medians; other jobs were running). The real feeds loaded
// together are 47 files: X4BNet VPN and datacenter (IPv4 and IPv6), every
// lord-alfred provider list, TorDNSEL exit-addresses, Apple relay ranges
// (hroost), AWS, GCP, Azure, Oracle, the DigitalOcean geofeed and a
// monitoring list: 283,174 prefixes, 204,035 distinct in the set. The peer
// is cidranger v1.0.2 ContainingNetworks over the same prefixes, in the
// same run; 1024 rotating addresses.
//
//	case         feed.Set.Lookup    cidranger            ratio
//	hit IPv4      79 ns, 0 allocs   1291 ns, 4 allocs    16×
//	hit IPv6     175 ns, 0 allocs   1615 ns, 5 allocs     9×
//	miss IPv4     35 ns, 0 allocs    215 ns, 1 alloc      6×
//
//	build all 47 feeds and the set      0.48 s
//	heap, feeds and set together        123 bytes per feed prefix
//	heap, the set's merged table alone   89 bytes per distinct prefix
//	load 1M synthetic prefixes (plain)  1.2 s, 58 heap bytes per prefix
//
// IPv6 hits walk deeper (the Apple relay and Azure IPv6 prefixes are /45 to
// /64), and cidranger misses cheaply where the feeds are sparse. The merged
// table's memory is about 41 bytes a prefix for bart and most of the rest
// for the precomputed records: the Azure file lists most prefixes under
// several service tags, and every distinct combination of covering entries
// holds its own []source.Signal (112 bytes a signal), shared with the
// combinations it extends. Members keep their own tables, so that a Set can
// rebuild when one of them refreshes and a Feed also works alone.
package feed
