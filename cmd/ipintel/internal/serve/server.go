package serve

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/ipintel/ipintel"
	"github.com/ipintel/ipintel/middleware"
	"github.com/prometheus/client_golang/prometheus"
)

// maxBody bounds request bodies: a batch of 100 addresses is under 5 KiB.
// A body over it is answered 413 (see body.go).
const maxBody = 64 << 10

// tooLargeMsg is the 413 text.
var tooLargeMsg = fmt.Sprintf("Request body too large: at most %d bytes", maxBody)

// config is what newHandler needs; run fills it from flags.
type config struct {
	client     *ipintel.Client
	keys       keyring
	datpaqRate int                  // Datpaq requests per client IP per minute
	resolver   *middleware.Resolver // the caller's address: Datpaq's "no ip" and its per-IP limit
	timeout    time.Duration        // per request lookup deadline
	now        func() time.Time     // the clock; time.Now unless testing
	logger     *slog.Logger
	registry   *prometheus.Registry // metrics are registered here
	authBurst  int                  // failed authentications in a row per client address (throttle.go)
	authRefill time.Duration        // the time for authBurst of them to be allowed again
}

// server serves the three APIs.
type server struct {
	config
	vectraMinute *slidingLimiter // per key
	vectraMonth  *fixedLimiter   // per key
	vpnSecond    *slidingLimiter // per key
	vpnDay       *fixedLimiter   // per key
	datpaqIP     *slidingLimiter // per client IP
	authFails    *authThrottle   // per client network
	metrics      *metrics
}

// newHandler returns the handler for all endpoints of the three APIs.
func newHandler(cfg config) http.Handler {
	if cfg.now == nil {
		cfg.now = time.Now
	}
	if cfg.logger == nil {
		cfg.logger = slog.New(slog.DiscardHandler)
	}
	if cfg.registry == nil {
		cfg.registry = prometheus.NewRegistry()
	}
	if cfg.timeout <= 0 {
		cfg.timeout = 5 * time.Second
	}
	if cfg.datpaqRate <= 0 {
		cfg.datpaqRate = defaultDatpaqRate
	}
	if cfg.authBurst <= 0 {
		cfg.authBurst = defaultAuthBurst
	}
	if cfg.authRefill <= 0 {
		cfg.authRefill = defaultAuthRefill
	}
	s := &server{
		config:       cfg,
		vectraMinute: newSlidingLimiter(time.Minute, cfg.now),
		vectraMonth:  newFixedLimiter(utcMonth, cfg.now),
		vpnSecond:    newSlidingLimiter(time.Second, cfg.now),
		vpnDay:       newFixedLimiter(utcDay, cfg.now),
		datpaqIP:     newSlidingLimiter(time.Minute, cfg.now),
		authFails:    newAuthThrottle(cfg.authBurst, cfg.authRefill, maxTracked, cfg.now),
		metrics:      newMetrics(cfg.registry),
	}

	mux := http.NewServeMux()
	v, vs, d := vectraAPI{s}, vpnSignalAPI{s}, datpaqAPI{s}
	// VectraIP, at the root of its base URL.
	mux.Handle("GET "+vectraIPLookupPath+"{ip}", s.api(v, "lookup", true, v.lookup))
	mux.Handle("POST "+vectraIPBatchPath, s.api(v, "batch", true, v.batch))
	// VPN Signal, under its base URL's path /api/v1.
	mux.Handle("POST "+vpnSignalBase+vpnSignalCheckPath, s.api(vs, "check", true, vs.check))
	mux.Handle("GET "+vpnSignalBase+vpnSignalHealthPath, s.api(vs, "health", false, vs.health))
	// Datpaq.
	mux.Handle("GET "+datpaqLookupPath, s.api(d, "lookup", true, d.lookup))
	mux.Handle("GET "+datpaqBatchPath, s.api(d, "batch", true, d.batchGet))
	mux.Handle("POST "+datpaqBatchPath, s.api(d, "batch", true, d.batchPost))
	mux.Handle("GET "+datpaqBatchInfoPath, s.api(d, "batch_info", false, d.batchInfo))
	mux.Handle("GET "+datpaqHealthPath, s.api(d, "health", false, d.health))
	// Datpaq's metrics path is one of its endpoints, so it answers as
	// Datpaq does (request ids, the per-client-IP limit); /metrics is the
	// operator's scrape target and carries neither.
	mux.Handle("GET "+datpaqMetrics, s.api(d, "metrics", false, ignoreID(s.metrics.handler(cfg.registry))))
	mux.Handle("GET /metrics", s.metrics.handler(cfg.registry))
	mux.Handle("/", unknownRoute(s.api(v, "other", false, v.notFound), s.api(d, "other", false, d.notFound), s.api(vs, "other", false, vs.notFound)))
	return canonicalPaths(mux)
}

// unknownRoute answers a path no endpoint serves in the envelope of the
// API whose base it is under. It is the one "/" route rather than a
// subtree per API ("/v1/", Datpaq's "…/") because ServeMux answers /tree,
// for a subtree /tree/, with a bare redirect: no request id, no JSON, and
// a POST sent on to a path that cannot serve it.
func unknownRoute(vectraIP, datpaq, vpnSignal http.Handler) http.Handler {
	under := func(p, base string) bool { return p == base || strings.HasPrefix(p, base+"/") }
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch p := r.URL.Path; {
		case under(p, vectraIPBase):
			vectraIP.ServeHTTP(w, r)
		case under(p, datpaqLookupPath):
			datpaq.ServeHTTP(w, r)
		default:
			vpnSignal.ServeHTTP(w, r)
		}
	})
}

// canonicalPaths serves a path with "." or ".." segments or doubled
// slashes as its clean form. ServeMux would answer it with a bare redirect
// to that form; serving it directly gives the same answer with the API's
// request id and envelope, and a client that joins its base URL with a
// doubled slash its answer at once.
func canonicalPaths(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if esc := r.URL.EscapedPath(); r.Method != http.MethodConnect {
			if clean := cleanPath(esc); clean != esc {
				u, err := url.Parse(clean)
				if err == nil {
					u2 := *r.URL
					u2.Path, u2.RawPath = u.Path, u.RawPath
					r = r.WithContext(r.Context()) // a shallow copy
					r.URL = &u2
				}
			}
		}
		h.ServeHTTP(w, r)
	})
}

// cleanPath is ServeMux's canonical form of a path: rooted, with "." and
// ".." resolved and slashes single, keeping a trailing slash.
func cleanPath(p string) string {
	if p == "" || p[0] != '/' {
		p = "/" + p
	}
	clean := path.Clean(p)
	if strings.HasSuffix(p, "/") && clean != "/" {
		clean += "/"
	}
	return clean
}

// errKind is a failure every API reports in its own envelope.
type errKind int

const (
	errUnauthorized errKind = iota
	errQuota                // VectraIP: monthly quota used up (403)
	errRateLimited
	errBadJSON
	errMissingIP
	errInvalidIP
	errReservedIP
	errBatchSize
	errBodyTooLarge // 413
	errNotFound
	errRoute
	errInternal
)

// failure describes an error for an API's envelope.
type failure struct {
	kind       errKind
	msg        string // for people; never holds a key
	ip         string // the offending input, cut short
	retryAfter int    // seconds, for errRateLimited
}

// flavor is one API's way of speaking: its request ids, auth, rate limits
// and error envelope.
type flavor interface {
	name() string
	newID() string
	key(r *http.Request) string
	// admit applies the API's rate limits to a request from acct (nil
	// when the request has no valid key) and sets their headers; it
	// returns the failure to send when the request is refused.
	admit(w http.ResponseWriter, r *http.Request, acct *account) *failure
	fail(w http.ResponseWriter, id string, f failure)
}

// handlerFunc is an endpoint: it gets the request id.
type handlerFunc func(w http.ResponseWriter, r *http.Request, id string)

// api wraps an endpoint with a request id (X-Request-Id on every
// response), metrics, the API's rate limits and, when auth is true, its
// authentication.
func (s *server) api(fl flavor, endpoint string, auth bool, h handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := s.now()
		rec := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		id := fl.newID()
		rec.Header().Set(requestIDHeader, id)
		defer func() {
			s.metrics.observe(fl.name(), endpoint, rec.status, s.now().Sub(start))
		}()
		acct := s.keys.check(fl.key(r))
		if auth {
			if wait, refused := s.authFails.attempt(clientNet(s.resolver, r), acct != nil); refused {
				s.throttled(fl, rec, r, id, wait)
				return
			}
		}
		if f := fl.admit(rec, r, acct); f != nil {
			if f.kind == errRateLimited {
				s.metrics.rateLimited.WithLabelValues(fl.name()).Inc()
			}
			fl.fail(rec, id, *f)
			return
		}
		if auth && acct == nil {
			s.metrics.authFailures.WithLabelValues(fl.name()).Inc()
			fl.fail(rec, id, failure{kind: errUnauthorized, msg: "Missing or invalid API key"})
			return
		}
		if r.Body != nil {
			r.Body = http.MaxBytesReader(rec, r.Body, maxBody)
		}
		h(rec, r, id)
	})
}

// throttled answers a request from a client address that has failed
// authentication too often (throttle.go): 429 with Retry-After in the
// API's envelope, with the headers of a request without a key, the same
// whatever key it carries.
func (s *server) throttled(fl flavor, w http.ResponseWriter, r *http.Request, id string, wait time.Duration) {
	s.metrics.authThrottled.WithLabelValues(fl.name()).Inc()
	retry := seconds(wait)
	if f := fl.admit(w, r, nil); f != nil && f.retryAfter > retry {
		retry = f.retryAfter // Datpaq's per-IP limit waits longer
	}
	w.Header().Set("Retry-After", strconv.Itoa(retry))
	fl.fail(w, id, failure{kind: errRateLimited, retryAfter: retry, msg: "Too many failed authentication attempts from this address"})
}

// ignoreID makes a plain handler an endpoint that has no use for the
// request id.
func ignoreID(h http.Handler) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request, _ string) { h.ServeHTTP(w, r) }
}

// statusWriter remembers the status code for metrics.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	w.status = code
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status = http.StatusInternalServerError
		b = []byte(`{"error":"internal_error"}`)
	}
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(append(b, '\n'))
}

// echo cuts an offending input to a length safe to repeat in an error.
func echo(s string) string {
	const max = 64
	if len(s) > max {
		return s[:max] + "…"
	}
	return s
}
