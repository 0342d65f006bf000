// Package remote turns hosted IP-intelligence APIs into ipintel data
// sources: VectraIP, VPN Signal and Datpaq, plus [New] for any other JSON
// API. A remote [Source] is one source among the local ones; the Client asks
// it concurrently under its own deadline, and a failure or timeout is
// reported in Result.Meta.Errors without failing the lookup.
//
// # Usage
//
//	vectra, err := remote.VectraIP(os.Getenv("VECTRAIP_KEY"),
//		remote.WithTimeout(800*time.Millisecond),
//		remote.WithRateLimit(300.0/60, 30), // your plan's 300 a minute
//		remote.WithCache(10_000, 15*time.Minute))
//	if err != nil { … }
//	client, err := ipintel.New(ipintel.WithSources(localDB, vectra))
//
// The wire formats (endpoints, headers, JSON) are those of the providers'
// public documentation, the shapes package compat renders. Answers are
// read leniently where that is unambiguous (null sections, unknown extra
// fields, a number where a string is documented and the reverse, an
// integral 70.0); anything else (a fraction or an out-of-range value where
// an int 0–100 is documented, an object where a string is) is
// [source.ErrMalformed], never a silently wrong value. Only documented
// fields are needed: Datpaq's answer has no "found", VectraIP's batch
// reports "processed" and "errors" as numbers, Datpaq's batch may carry
// invalid_ips and per-result found/error flags. A provider's X-Request-Id
// names the request in a [*StatusError].
//
// # Mapping and the provider's own risk score
//
// Each answer becomes a source.Record: flags (is_vpn, is_tor…) become signals
// with the source's name as Signal.Source, the provider's confidence where it
// gives one and [FlagConfidence] otherwise; geography and network fill
// Record.Geo and Record.Network; a CIDR or route that contains the address
// becomes Record.Prefix. Every decoded record, an [Endpoint.Decode] one
// included, is checked: a Prefix or Network.CIDR that does not contain the
// address (in its family) is dropped. The provider's own verdict — VectraIP's
// risk.score, VPN Signal's risk_score, 100 − Datpaq's trust_score — becomes
// exactly one source.ProviderRisk signal whose Confidence is that figure (the
// level or recommendation in Category). It is evidence with provenance that
// the Client's scorer weighs like any other signal, never a score copied into
// ours: a vendor's opaque figure should move our verdict, not set it.
//
// # Failures
//
// Errors are typed: a [*StatusError] carries the HTTP status, the
// provider's error code and message (parsed from its envelope) and any
// Retry-After, and unwraps to [ErrUnauthorized] (401), [ErrForbidden]
// (402, 403), [source.ErrRateLimited] (429), [source.ErrInvalidInput] (400,
// 413, 422) or [source.ErrUnavailable] (5xx and any other status); other
// failures wrap [source.ErrUnavailable], [source.ErrMalformed],
// [source.ErrTooLarge], [source.ErrCircuitOpen] or [source.ErrClosed], and a
// bad option or endpoint [source.ErrInvalidOption]. "Not in the provider's
// data" is a miss (a zero Record and a nil error), not an error.
//
//   - Every call runs under a deadline (the earlier of [WithTimeout] and the
//     caller's), every body is read through a size limit
//     ([WithMaxResponseSize]); a longer or truncated body is an error.
//   - 5xx answers, timeouts and reset connections are retried
//     ([WithRetries]) with exponential back-off and jitter, never past the
//     deadline.
//   - A 429 honours Retry-After (seconds or an HTTP date), a retry_after
//     body field and X-RateLimit-Remaining/Reset: requests are not sent
//     until the provider's wait is over, and fail at once with a
//     [*StatusError] whose NotSent is true.
//   - A circuit breaker ([WithCircuitBreaker]) skips a source that keeps
//     failing for a cool-down; its error wraps [source.ErrCircuitOpen] and
//     says for how long.
//   - Redirects are never followed, so a key is never sent to another host.
//   - Reserved, private and loopback addresses are never sent out: they are
//     a miss.
//
// API keys never appear in errors, log lines or URLs: they travel in a
// header only, and every error text is scrubbed of the key.
//
// # Caching and deduplication
//
// Successful answers, misses included, are cached per address for the
// [WithCache] TTL (checked on read; no goroutine runs in the background).
// Errors and 429s are never cached. Concurrent lookups of one address share
// one request (singleflight); each caller keeps its own deadline: the request
// runs under the source's timeout, not the first caller's, and a caller
// returns when its own context ends. LookupBatch reuses cached answers,
// deduplicates the rest and sends one request per chunk of up to 100
// addresses.
//
// # Sharing answers across a fleet
//
// [WithSharedCache] adds a second level shared by every process using the
// same [store.Store] (package rediscache puts it on Redis): a lookup that
// misses the local cache reads the store; on a miss there, the process that
// claims the address first asks the API and stores the answer, and the
// others wait for it (bounded by [WithSharedWait], a quarter of the timeout
// by default) or ask the API themselves. With a batch endpoint, a batch
// does one multi-get per chunk, claims only what is missing, asks the API
// once for what it claimed and stores the answers with one multi-set;
// without one (VPN Signal), one multi-get answers what it can and each
// remaining address takes the single path. Misses are stored with their
// own, shorter TTL ([WithSharedCacheTTL]); errors never are. Keys carry the
// stored schema's version and [WithKeyPrefix], never the API key; a value
// that does not decode (garbage, truncated, another schema) is a miss,
// counted in [Source.SharedCacheStats]. The store failing never fails a
// lookup: every store operation has a deadline of a tenth of [WithTimeout], and
// after 5 failures in a row a breaker skips the store for 1 s, then probes.
//
// # Thread Safety
//
// A Source is safe for concurrent use. Close cancels requests in flight,
// waits for them, and makes later calls fail with [source.ErrClosed].
//
// # Performance
//
// A lookup answered from the cache makes no request and allocates nothing.
// A batch of up to 100 addresses is one request: one round trip, and one
// request against the plan's quota instead of one per address. Decoding an
// answer reads the documented shape into typed structs and checks it, with
// fewer allocations than decoding the same body into maps. With
// [WithSharedCache], a lookup another process has already answered costs a
// store round trip instead of an API call.
//
// Measured figures, beside single requests and the bare LRU in the same
// run, are in the repository's BENCHMARKS.md.
package remote
