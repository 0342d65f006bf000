package serve

import (
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// datpaqMetrics is Datpaq's Prometheus endpoint; /metrics serves the same.
const datpaqMetrics = datpaqMetricsPath

type metrics struct {
	requests     *prometheus.CounterVec
	duration     *prometheus.HistogramVec
	lookups      *prometheus.CounterVec
	authFailures *prometheus.CounterVec
	rateLimited  *prometheus.CounterVec
	// authThrottled counts requests refused because their address
	// failed authentication too often.
	authThrottled *prometheus.CounterVec
}

func newMetrics(reg *prometheus.Registry) *metrics {
	m := &metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "ipintel_server_requests_total",
			Help: "HTTP requests by API, endpoint and status code.",
		}, []string{"api", "endpoint", "code"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "ipintel_server_request_duration_seconds",
			Help:    "Time to answer a request, by API and endpoint.",
			Buckets: []float64{0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5},
		}, []string{"api", "endpoint"}),
		lookups: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "ipintel_server_lookups_total",
			Help: "Addresses looked up, by outcome: found, not_found, invalid (malformed or reserved), failed.",
		}, []string{"outcome"}),
		authFailures: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "ipintel_server_auth_failures_total",
			Help: "Requests refused for a missing or unknown API key, by API.",
		}, []string{"api"}),
		rateLimited: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "ipintel_server_rate_limited_total",
			Help: "Requests refused with 429 by the per-key sliding window, by API.",
		}, []string{"api"}),
		authThrottled: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "ipintel_server_auth_throttled_total",
			Help: "Requests refused with 429 because their client address failed authentication too often, by API.",
		}, []string{"api"}),
	}
	reg.MustRegister(m.requests, m.duration, m.lookups, m.authFailures, m.rateLimited, m.authThrottled,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

func (m *metrics) observe(api, endpoint string, code int, d time.Duration) {
	m.requests.WithLabelValues(api, endpoint, strconv.Itoa(code)).Inc()
	m.duration.WithLabelValues(api, endpoint).Observe(d.Seconds())
}

func (m *metrics) handler(reg *prometheus.Registry) http.Handler {
	return promhttp.HandlerFor(reg, promhttp.HandlerOpts{Registry: reg})
}
