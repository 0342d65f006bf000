package middleware

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/netip"
	"strings"

	"github.com/ipintel/ipintel"
	"github.com/ipintel/ipintel/source"
)

// Block reasons the middleware sets itself; a policy block's reason is the
// code of the Result's strongest risk reason ("TOR_EXIT", "VPN"…), or
// "policy" when it has none.
const (
	ReasonClientIPUnknown = "client_ip_unknown"
	ReasonLookupFailed    = "lookup_failed"
	ReasonPolicy          = "policy"
)

// New returns middleware that finds each request's client address (see
// [Resolver] and [WithTrustedProxies]), looks it up with client under a
// deadline, puts the address and the [ipintel.Result] in the request's
// context, and blocks the request when the policy says so.
//
// Requests on skipped paths pass untouched. Requests from reserved
// addresses (private, loopback… — internal traffic) pass without a lookup,
// with only [ClientIP] set. Unless [WithFailClosed] is given, a request whose
// address cannot be determined or whose lookup fails passes too.
//
// A nil client or an invalid option is an error wrapping
// [ipintel.ErrInvalidOption].
func New(client *ipintel.Client, opts ...Option) (func(http.Handler) http.Handler, error) {
	if client == nil {
		return nil, fmt.Errorf("middleware: %w: nil *ipintel.Client", ipintel.ErrInvalidOption)
	}
	c := defaultConfig()
	for _, o := range opts {
		if o == nil {
			continue
		}
		if err := o(&c); err != nil {
			return nil, err
		}
	}
	res, err := NewResolver(c.trusted, c.header)
	if err != nil {
		return nil, err
	}
	if c.logger == nil {
		c.logger = slog.New(slog.DiscardHandler)
	}
	g := &guard{cfg: c, client: client, resolver: res}
	for _, src := range client.Sources() {
		if d, ok := src.(source.Describer); ok && d.Describe().Remote {
			g.remote = true
		}
	}
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			g.serve(w, r, next)
		})
	}, nil
}

type guard struct {
	cfg      config
	client   *ipintel.Client
	resolver *Resolver
	// remote is whether the Client has remote sources: only they can be
	// slow, so only then does a lookup get its own deadline.
	remote bool
}

// state is what the middleware stores in a request's context.
type state struct {
	addr   netip.Addr
	result *ipintel.Result
	reason string
}

type ctxKey struct{}

// FromContext returns the lookup result the middleware stored for the
// request; false when there is none (a skipped path, a reserved address, an
// unknown client address, a failed lookup, or no middleware).
func FromContext(ctx context.Context) (*ipintel.Result, bool) {
	st, _ := ctx.Value(ctxKey{}).(*state)
	if st == nil || st.result == nil {
		return nil, false
	}
	return st.result, true
}

// ClientIP returns the client address the middleware determined for the
// request; false when it could not, or the path was skipped.
func ClientIP(ctx context.Context) (netip.Addr, bool) {
	st, _ := ctx.Value(ctxKey{}).(*state)
	if st == nil || !st.addr.IsValid() {
		return netip.Addr{}, false
	}
	return st.addr, true
}

// BlockReason returns why the middleware blocked the request, for an
// [WithOnBlock] handler: [ReasonClientIPUnknown], [ReasonLookupFailed],
// [ReasonPolicy] or a risk reason code such as "TOR_EXIT".
func BlockReason(ctx context.Context) (string, bool) {
	st, _ := ctx.Value(ctxKey{}).(*state)
	if st == nil || st.reason == "" {
		return "", false
	}
	return st.reason, true
}

func (g *guard) skip(path string) bool {
	if g.cfg.skipExact[path] {
		return true
	}
	for _, p := range g.cfg.skipPrefix {
		if strings.HasPrefix(path, p) {
			return !hasDotSegment(path)
		}
	}
	return false
}

// hasDotSegment reports whether path has a "." or ".." segment.
func hasDotSegment(path string) bool {
	for seg := range strings.SplitSeq(path, "/") {
		if seg == "." || seg == ".." {
			return true
		}
	}
	return false
}

func (g *guard) serve(w http.ResponseWriter, r *http.Request, next http.Handler) {
	if g.skip(r.URL.Path) {
		next.ServeHTTP(w, r)
		return
	}
	st := new(state)
	addr, err := g.resolver.ClientIP(r)
	if err != nil {
		g.cfg.logger.LogAttrs(r.Context(), slog.LevelWarn, "ipintel middleware: no client IP",
			slog.String("remote_addr", r.RemoteAddr), slog.String("error", err.Error()))
		g.fail(w, r, next, st, ReasonClientIPUnknown)
		return
	}
	st.addr = addr
	res, err := g.lookup(r.Context(), addr)
	switch {
	case errors.Is(err, ipintel.ErrReservedIP):
		// Internal traffic: nothing to look up.
		next.ServeHTTP(w, withState(r, st))
		return
	case err != nil:
		g.cfg.logger.LogAttrs(r.Context(), slog.LevelWarn, "ipintel middleware: lookup failed",
			slog.String("client_ip", addr.String()), slog.String("error", err.Error()))
		g.fail(w, r, next, st, ReasonLookupFailed)
		return
	}
	st.result = res
	if len(res.Meta.Errors) > 0 {
		// The Client reports these too; they matter here when they block.
		level := slog.LevelDebug
		if g.cfg.failClosed {
			level = slog.LevelWarn
		}
		g.cfg.logger.LogAttrs(r.Context(), level, "ipintel middleware: sources failed",
			slog.String("client_ip", addr.String()), slog.Any("errors", res.Meta.Errors))
		if g.cfg.failClosed {
			g.block(w, r, st, ReasonLookupFailed)
			return
		}
	}
	if g.cfg.policy(res) {
		reason := ReasonPolicy
		if len(res.Risk.Reasons) > 0 && res.Risk.Reasons[0].Code != "" {
			reason = res.Risk.Reasons[0].Code
		}
		g.block(w, r, st, reason)
		return
	}
	next.ServeHTTP(w, withState(r, st))
}

// lookup asks the Client, under the deadline when a source is remote.
func (g *guard) lookup(ctx context.Context, addr netip.Addr) (*ipintel.Result, error) {
	if !g.remote {
		return g.client.LookupAddr(ctx, addr)
	}
	ctx, cancel := context.WithTimeout(ctx, g.cfg.timeout)
	defer cancel()
	return g.client.LookupAddr(ctx, addr)
}

// fail handles a request that could not be judged.
func (g *guard) fail(w http.ResponseWriter, r *http.Request, next http.Handler, st *state, reason string) {
	if g.cfg.failClosed {
		g.block(w, r, st, reason)
		return
	}
	next.ServeHTTP(w, withState(r, st))
}

func (g *guard) block(w http.ResponseWriter, r *http.Request, st *state, reason string) {
	st.reason = reason
	g.cfg.logger.LogAttrs(r.Context(), slog.LevelInfo, "ipintel middleware: blocked",
		slog.String("client_ip", st.addr.String()), slog.String("reason", reason))
	g.cfg.onBlock.ServeHTTP(w, withState(r, st))
}

func withState(r *http.Request, st *state) *http.Request {
	return r.WithContext(context.WithValue(r.Context(), ctxKey{}, st))
}

// defaultBlock writes 403 {"error":"forbidden","reason":"…"}.
func defaultBlock(w http.ResponseWriter, r *http.Request) {
	reason, _ := BlockReason(r.Context())
	body, _ := json.Marshal(struct {
		Error  string `json:"error"`
		Reason string `json:"reason"`
	}{"forbidden", reason})
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusForbidden)
	w.Write(append(body, '\n'))
}
