package main

import (
	"crypto/rand"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/ipintel/ipintel"
	"github.com/ipintel/ipintel/internal/wire"
	"github.com/ipintel/ipintel/middleware"
	"github.com/prometheus/client_golang/prometheus"
)

// Limits of the server.
const (
	// maxBody bounds request bodies: a batch of 100 addresses is under 5 KiB.
	maxBody = 64 << 10
	// window is the rate limit's sliding window.
	window = 60 * time.Second
)

// config is what newHandler needs; run fills it from flags.
type config struct {
	client   *ipintel.Client
	keys     keyring
	rate     int                  // requests per key per window
	resolver *middleware.Resolver // for Datpaq's "no ip: the caller"
	timeout  time.Duration        // per request lookup deadline
	now      func() time.Time     // the clock; time.Now unless testing
	logger   *slog.Logger
	registry *prometheus.Registry // metrics are registered here
}

// server serves the three APIs.
type server struct {
	config
	limiter *limiter
	metrics *metrics
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
	s := &server{config: cfg, limiter: newLimiter(cfg.rate, window, cfg.now), metrics: newMetrics(cfg.registry)}

	mux := http.NewServeMux()
	v, vs, d := vectraAPI{s}, vpnSignalAPI{s}, datpaqAPI{s}
	// VectraIP.
	mux.Handle("GET "+wire.VectraIPLookup+"{ip}", s.api(v, "lookup", true, v.lookup))
	mux.Handle("POST "+wire.VectraIPBatch, s.api(v, "batch", true, v.batch))
	mux.Handle("/v1/", s.api(v, "other", false, v.notFound))
	// VPN Signal.
	mux.Handle("POST "+wire.VPNSignalCheck, s.api(vs, "check", true, vs.check))
	mux.Handle("GET "+wire.VPNSignalHealthP, s.api(vs, "health", false, vs.health))
	// Datpaq.
	mux.Handle("GET "+wire.DatpaqLookup, s.api(d, "lookup", true, d.lookup))
	mux.Handle("GET "+wire.DatpaqBatch, s.api(d, "batch", true, d.batchGet))
	mux.Handle("POST "+wire.DatpaqBatch, s.api(d, "batch", true, d.batchPost))
	mux.Handle("GET "+wire.DatpaqHealth, s.api(d, "health", false, d.health))
	mux.Handle("GET "+datpaqMetrics, s.metrics.handler(cfg.registry))
	mux.Handle("GET /metrics", s.metrics.handler(cfg.registry))
	mux.Handle(wire.DatpaqLookup+"/", s.api(d, "other", false, d.notFound))
	mux.Handle("/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusNotFound, map[string]string{"error": "not_found"})
	}))
	return mux
}

// errKind is a failure every API reports in its own envelope.
type errKind int

const (
	errUnauthorized errKind = iota
	errRateLimited
	errBadJSON
	errMissingIP
	errInvalidIP
	errReservedIP
	errBatchSize
	errNotFound
	errRoute
	errInternal
)

// failure describes an error for an API's envelope.
type failure struct {
	kind       errKind
	msg        string // for people; never holds a key
	ip         string // the offending input, cut short
	requested  int    // batch size, for errBatchSize
	retryAfter int    // seconds, for errRateLimited
}

// flavor is one API's way of speaking: its auth header and error envelope.
type flavor interface {
	name() string
	key(r *http.Request) string
	fail(w http.ResponseWriter, id string, f failure)
	// ids sets the request id headers of a response.
	ids(w http.ResponseWriter, id string)
}

// handlerFunc is an endpoint: it gets the request id.
type handlerFunc func(w http.ResponseWriter, r *http.Request, id string)

// api wraps an endpoint with request ids, metrics, authentication (when
// auth is true) and the per-key rate limit.
func (s *server) api(fl flavor, endpoint string, auth bool, h handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := s.now()
		rec := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		id := newRequestID()
		fl.ids(rec, id)
		defer func() {
			s.metrics.observe(fl.name(), endpoint, rec.status, s.now().Sub(start))
		}()
		if auth {
			key := s.keys.check(fl.key(r))
			if key == "" {
				s.metrics.authFailures.WithLabelValues(fl.name()).Inc()
				fl.fail(rec, id, failure{kind: errUnauthorized, msg: "Invalid or missing API key"})
				return
			}
			v := s.limiter.allow(key)
			if fl.name() == apiVPNSignal {
				h := rec.Header()
				h.Set(wire.RateLimitLimit, strconv.Itoa(v.limit))
				h.Set(wire.RateLimitRemaining, strconv.Itoa(v.remaining))
				h.Set(wire.RateLimitReset, strconv.Itoa(seconds(v.reset)))
			}
			if !v.allowed {
				s.metrics.rateLimited.WithLabelValues(fl.name()).Inc()
				retry := seconds(v.reset)
				rec.Header().Set("Retry-After", strconv.Itoa(retry))
				fl.fail(rec, id, failure{kind: errRateLimited, msg: "Rate limit exceeded", retryAfter: retry})
				return
			}
		}
		if r.Body != nil {
			r.Body = http.MaxBytesReader(rec, r.Body, maxBody)
		}
		h(rec, r, id)
	})
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

// newRequestID returns a random UUID-formatted id.
func newRequestID() string {
	var id ipintel.RequestID
	rand.Read(id[:])
	id[6] = id[6]&0x0f | 0x40
	id[8] = id[8]&0x3f | 0x80
	return id.String()
}

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

// decodeBody reads one JSON value from a request body of at most maxBody
// bytes; trailing data is an error.
func decodeBody(r *http.Request, v any) error {
	dec := json.NewDecoder(r.Body)
	if err := dec.Decode(v); err != nil {
		return err
	}
	if _, err := dec.Token(); err != io.EOF {
		return errTrailing
	}
	return nil
}

// errTrailing: a body holds more than one JSON value.
var errTrailing = errors.New("server: trailing data after the JSON value")

// echo cuts an offending input to a length safe to repeat in an error.
func echo(s string) string {
	const max = 64
	if len(s) > max {
		return s[:max] + "…"
	}
	return s
}
