// Package middleware protects net/http handlers with ipintel: it finds each
// request's real client address without trusting forgeable headers, looks
// it up, puts the answer in the request's context and, if the policy says
// so, blocks the request.
//
// # Usage
//
// Build one [ipintel.Client] at start-up and wrap the handlers:
//
//	client, err := ipintel.New(ipintel.WithSources(city, asn, anon))
//	if err != nil { … }
//	guard, err := middleware.New(client,
//		middleware.WithTrustedProxies([]netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}),
//		middleware.WithSkipPaths("/healthz"))
//	if err != nil { … }
//
//	mux := http.NewServeMux()
//	mux.HandleFunc("GET /", func(w http.ResponseWriter, r *http.Request) {
//		if res, ok := middleware.FromContext(r.Context()); ok && res.Privacy.IsVPN {
//			// ask for a second factor
//		}
//	})
//	http.ListenAndServe(":8080", guard(mux))
//
// [New] returns func(http.Handler) http.Handler, the shape routers accept:
// chi's r.Use(guard), gorilla/mux's r.Use(guard) (mux.MiddlewareFunc is that
// type), and any net/http server as guard(handler). gin takes it through an
// adapter such as github.com/gwatts/gin-adapter (adapter.Wrap(guard)),
// echo through echo.WrapMiddleware(guard).
//
// By default only requests the Client recommends to block ([ipintel.Block]: a
// certain Tor exit, for instance) get a 403 with
// {"error":"forbidden","reason":"TOR_EXIT"}; the others reach the handler
// with the [ipintel.Result] in [FromContext] and the address in [ClientIP].
// [WithBlockRecommendations], [WithBlockScore] and [WithBlockFunc] change the
// policy, [WithOnBlock] the response. Requests from reserved addresses
// (private, loopback… — internal traffic) pass without a lookup, and
// [WithSkipPaths] and [WithSkipPrefixes] exempt health checks and static
// files.
//
// Each lookup runs under [WithTimeout] (default 50 ms), which only matters for
// remote sources. A lookup that fails, or a client address that cannot be
// determined, lets the request through (fail open) and is logged to
// [WithLogger]; [WithFailClosed] blocks such requests instead.
//
// [Resolver] is the client-address logic on its own, for code that needs
// the address without a lookup.
//
// # Security
//
// The TCP peer's address (RemoteAddr) cannot be forged; headers can. Any
// client can send X-Forwarded-For: 8.8.8.8. So headers are never read
// unless the peer is one of your own proxies, listed in [WithTrustedProxies].
// With no trusted proxies, the client address is always the peer.
//
// When the peer is trusted, the address comes from one header
// ([WithClientIPHeader]):
//
//   - X-Forwarded-For (the default). Each proxy appends the address it
//     received the request from, so the list is read from the right: your
//     proxies' entries are skipped and the first address that is not one of
//     your proxies is the client. Everything to its left was written by the
//     client and is ignored, however it is formed. All X-Forwarded-For lines
//     count, in order, since a proxy may add a line rather than extend one.
//   - Forwarded (RFC 7239): the same rule over the for= parameters, reading
//     quoted strings from the right so that a client's unbalanced quote
//     cannot swallow what your proxies appended.
//   - a single-address header (X-Real-IP, CF-Connecting-IP, True-Client-IP):
//     your proxy must set it, replacing any value the client sent. If it
//     appears twice, or holds anything but one address, the request's
//     address is unknown.
//
// List every proxy between the internet and the service, and only those: a
// prefix that also holds untrusted machines lets them claim any address.
// Behind Cloudflare, trust Cloudflare's published ranges and read
// CF-Connecting-IP; behind a cloud load balancer, trust its subnet and read
// X-Forwarded-For. Only the last [MaxHeaderBytes] of a header and [MaxHops]
// of its entries are read, so a padded header costs nothing and cannot push
// the proxies' entries out of view.
//
// # Thread Safety
//
// The middleware, a [Resolver] and the [ipintel.Client] are safe for
// concurrent use; build them once and share them. Options are read once, in
// [New]. A policy function given to [WithBlockFunc] is called concurrently.
// The Result in a request's context belongs to that request.
//
// # Performance
//
// The middleware adds about a microsecond to the lookup it makes: copying
// the request to carry its context value, and the value itself; with
// remote sources, a deadline context too. Finding the client address does
// not allocate and reads at most [MaxHeaderBytes] of a header, so a padded
// header costs no more than a short one. A skipped path costs only the
// path match, and a request from a reserved address is not looked up.
//
// Measured figures, with the command that reproduces them, are in the
// repository's BENCHMARKS.md.
package middleware
