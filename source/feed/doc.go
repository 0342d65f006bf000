// Package feed turns CIDR and IP lists — VPN and datacenter lists, Tor exit
// lists, Apple's Private Relay ranges, cloud providers' range files,
// monitoring services' probe lists — into ipintel sources.
//
// Every match becomes a [source.Signal] with its provenance: Kind, Confidence
// and Provider from the [Spec], Source = Spec.Name, and a Category (the cloud
// service and region for the cloud files; the package's README.md has a table
// per format). Geofeed rows and cloud regions fill Record.Geo; TorDNSEL
// exit-addresses fill Signal.LastSeen and Onionoo relays FirstSeen and
// LastSeen. Record.Prefix is the most specific matching prefix.
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
// [NordVPN], [ProtonVPN], [PIA], [Windscribe], [AirVPN], [IVPN], [VPNGate])
// and Tor's [Onionoo] details are not detected: name the Format (the catalog
// presets do). Malformed lines are skipped and counted; [Feed.Stats] keeps
// the first few with their line numbers. A file with nothing usable fails
// with [source.ErrMalformed]; every read is bounded by Spec.MaxBytes.
//
// [FromURL] refreshes in the background with conditional requests, retries
// with jittered backoff, a deadline per fetch and an optional disk cache. A
// refresh (or a [Feed.Reload] of a file) that is empty, contains a prefix
// shorter than /8 (IPv4) or /16 (IPv6) unless Spec.AllowShortPrefixes, or
// loses more than Spec.MaxShrink of the prefixes is refused: the last good
// table stays, and [Feed.Datasets] reports why ([source.ErrPoisoned]).
//
// [Catalog] lists presets for the public feeds users reach for, with their
// official URLs; their licences and terms are in the package README.
// [OpenAll] opens many presets concurrently and merges them into a Set.
//
// # Start-up, budget and cache
//
// Loading takes a context: cancelling it ends the start-up at once (the
// downloads stop, no goroutine is left). With [WithCacheDir] start-up is
// cache first: a cached copy younger than its refresh interval is served with
// no network wait and refreshed in the background when due; an older one is
// served when the network fails, or, with [WithStartupBudget], when it has
// not answered within the budget, while the download goes on. A feed with no
// cached copy returns empty at the budget, reports [source.ErrUnavailable] in
// its Datasets, and fills in when its download completes.
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
// [Feed.Datasets], the [source.DatasetReporter] method, tells a feed's
// origin (network, cache, file), when its data was published or fetched,
// its entries, its last and next refresh and its last error; [Set.Datasets]
// reports every member and also a failed rebuild of the merged table after
// a refresh. [Feed.Stats] describes the data itself: format, size and the
// lines skipped as malformed.
//
// The disk cache holds one file a feed: a header with the validators, the
// save time and the body's length and SHA-256, then the body. It is
// written to a temporary file, fsynced, renamed over the last copy and the
// directory fsynced, so a crash at any point leaves the last good copy; a
// torn or altered file fails its checksum and is not used. The two-file
// layout of earlier versions is read once and replaced at the next save.
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
// Lookup is one longest-prefix match (cidr.Table on gaissmai/bart) that
// returns a record precomputed for every distinct set of covering entries:
// no allocation and no walk over covering prefixes at query time, however
// many feeds a [Set] merges. The merged table's memory is mostly those
// records: every distinct combination of covering entries holds its own
// []source.Signal, shared with the combinations it extends. Members keep
// their own tables, so that a Set can rebuild when one of them refreshes
// and a Feed also works alone.
//
// Start-up is mostly parsing: with a fresh disk cache no request is made,
// and with [WithStartupBudget] a feed with no cached copy and no answer yet
// starts empty at the budget and fills in when its download completes,
// instead of holding up start-up.
//
// Measured figures, beside cidranger in the same run, are in the
// repository's BENCHMARKS.md.
package feed
