// Package ipintel is embeddable IP intelligence: is this address a VPN,
// proxy, Tor exit, iCloud Private Relay egress, hosting range or
// uptime-monitoring probe; where is it; which network owns it; how risky is
// it, and why — answered in-process from local data, with hosted APIs as
// optional extra sources.
//
// # Usage
//
// Build one [Client] at start-up from the sources you want, in priority
// order, and share it:
//
//	city, err := mmdb.Open("GeoLite2-City.mmdb")
//	...
//	tor, err := feed.Open("tor-exits.txt", feed.Spec{Name: "tor", Kind: source.Tor, Confidence: 100})
//	...
//	client, err := ipintel.New(
//		ipintel.WithSources(city, tor),
//		ipintel.WithCache(100_000, 10*time.Minute),
//	)
//	...
//	defer client.Close()
//
//	r, err := client.Lookup(ctx, "185.220.101.1")
//	if err != nil { // bad input, reserved address, closed client, done ctx
//		...
//	}
//	if r.Risk.Recommendation == ipintel.Block { ... }
//	for _, reason := range r.Risk.Reasons {
//		log.Printf("%s (%s): %d points", reason.Code, reason.Source, reason.Points)
//	}
//
// [Client.LookupBatch] answers many addresses at once (validated one by one,
// deduplicated, batching sources called per chunk, results in input order);
// [Client.LookupSeq] streams any number of addresses in input order with
// flat memory; [Client.LookupInto] writes into a Result you reuse, for
// loops that must not allocate.
//
// Input is trimmed of surrounding spaces, tabs and line ends;
// IPv4-mapped IPv6 is treated as IPv4. Malformed and zoned input fails with
// [ErrInvalidIP]; private, loopback, link-local, multicast, CGNAT,
// documentation, benchmarking and the other IANA special-purpose ranges
// (and, for IPv6, everything outside 2000::/3) fail with [ErrReservedIP]
// unless the Client is built [WithAllowReserved]. Both errors are
// [*AddrError] values that repeat at most 64 bytes of the input.
//
// # Sources
//
// A source is anything that implements [source.Source]: package source/mmdb
// reads MaxMind-format databases, source/feed CIDR lists, Tor exit lists,
// geofeeds and cloud range files, source/remote the hosted APIs. Local
// sources are asked inline; sources that describe themselves as remote
// ([source.Traits]) are asked concurrently, each under its own deadline: its
// own Traits.Timeout, capped by [WithRemoteTimeout] (the smaller wins;
// [DefaultRemoteTimeout] when neither is set). A source that fails, times out
// or panics never fails the lookup: its [*SourceError] is in [Meta].Errors
// and the other sources still answer.
//
// Geo and network fields are merged field by field, the first source (in
// WithSources order) that knows a field winning; a source that places the
// address in another country than an earlier one adds no geo fields.
// Authoritative locations ([source.Geo].Authoritative: what a network
// publishes about itself in a geofeed or a cloud region list) are merged
// before every other source's, wherever their sources stand. Signals from
// every source are kept, with their provenance, in [Result].Signals.
//
// # Scoring
//
// The default [WeightedScorer] gives each kind of signal a weight (Tor
// 0.90 … Monitoring 0.05); the strongest signal of each kind contributes
// weight × confidence, and contributions combine by noisy-OR, so two weak
// signals raise the risk less than one certain one. Every contribution is a
// [Reason] with a stable code (TOR_EXIT, VPN, PUBLIC_PROXY,
// RESIDENTIAL_PROXY, HOSTING, PRIVATE_RELAY, MONITORING, ABUSE, BOT,
// PROVIDER_RISK) whose Points add up to the score. Default bands: low
// below 25, medium from 25, high from 50, critical from 85; allow below 50,
// verify from 50, block from 85. A private relay (Apple users) or a
// monitoring probe lowers trust only a little, and an identified monitoring
// probe is recommended allow with a high synthetic-traffic probability.
// Replace any of it with [WithScorer].
//
// # Operations
//
// [Client.Stats] returns a snapshot of the Client's counters: lookups,
// cache hits and misses, and per source its calls, misses, errors by kind
// (timeouts, rate limited, circuit open, panics, other), last error,
// whether it is failing, a latency [Histogram] of remote and batch calls,
// and the data it answers from (through [source.DatasetReporter]). The
// nested module ipintelprom exports it to Prometheus.
//
// With [WithLogger], a source that starts failing is logged once at Warn
// (at most once a minute per source), its recovery at Info, and a data
// reload failure at Warn once, noticed by [Client.Reload] or, for reloads
// a source runs in the background, by a check of the sources' datasets
// every 30 seconds in a goroutine that Close stops; each single failure
// stays at Debug. Stats only reads: it never logs.
//
// # Thread Safety
//
// A Client is safe for concurrent use by any number of goroutines; build
// one and share it. Every [Result] returned belongs to its caller alone,
// including results served from the cache. [Client.Close] aborts remote
// calls in flight, waits for every goroutine the Client started, and
// closes the sources that implement io.Closer.
//
// # Performance
//
// [Client.LookupInto] allocates nothing, cache hits included; [Client.Lookup]
// allocates the [Result] it returns (one allocation for a miss, four for a
// hit with signals). The Client's own work — parse, validate, merge, score
// and fill the Result — costs about a microsecond for two local sources,
// on top of what the sources' own lookups cost. Counting for [Client.Stats]
// is one atomic add per lookup of local sources and no allocation;
// failures and remote calls count more, off the fast path.
// [Client.LookupSeq] keeps a bounded window of addresses in flight, so its
// memory stays flat however long the input. A remote source costs its
// round trip; [Client.LookupBatch] asks a batching source once per chunk
// rather than once per address.
//
// Measured figures, with the commands that produced them and the peers they
// were run beside, are in the repository's BENCHMARKS.md.
package ipintel
