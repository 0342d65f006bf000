package ipintelprom

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/ipintel/ipintel"
)

// Stater is what a collector reads: an *ipintel.Client.
type Stater interface {
	Stats() ipintel.Stats
}

// NewCollector returns a prometheus.Collector that reads c's Stats on every
// scrape. Like client_golang's own collectors (collectors.NewGoCollector…)
// it is returned as the interface: its one use is to be registered.
func NewCollector(c Stater) prometheus.Collector {
	return &collector{src: c}
}

// collector is the prometheus.Collector NewCollector returns.
type collector struct {
	src Stater
}

var (
	sourceLabels  = []string{"source"}
	datasetLabels = []string{"source", "dataset"}

	lookupsDesc = prometheus.NewDesc("ipintel_lookups_total",
		"Addresses the client answered (cache hits included, batch duplicates included).", nil, nil)
	cacheHitsDesc = prometheus.NewDesc("ipintel_cache_hits_total",
		"Lookups answered from the result cache.", nil, nil)
	cacheMissesDesc = prometheus.NewDesc("ipintel_cache_misses_total",
		"Lookups the result cache did not hold.", nil, nil)
	callsDesc = prometheus.NewDesc("ipintel_source_calls_total",
		"Calls of a source: one per address, or one per batch call.", sourceLabels, nil)
	missesDesc = prometheus.NewDesc("ipintel_source_misses_total",
		"Addresses a source knew nothing about.", sourceLabels, nil)
	errorsDesc = prometheus.NewDesc("ipintel_source_errors_total",
		"Failed calls of a source, by kind: timeout, rate_limited, circuit_open, panic, other.",
		[]string{"source", "kind"}, nil)
	failingDesc = prometheus.NewDesc("ipintel_source_failing",
		"1 while the source's last call failed.", sourceLabels, nil)
	durationDesc = prometheus.NewDesc("ipintel_source_request_duration_seconds",
		"Time a remote source's call (or any batch call) took.", sourceLabels, nil)
	infoDesc = prometheus.NewDesc("ipintel_dataset_info",
		"The data a source answers from; always 1.", []string{"source", "dataset", "version", "origin"}, nil)
	ageDesc = prometheus.NewDesc("ipintel_dataset_age_seconds",
		"Time since the publisher built the data a source answers from.", datasetLabels, nil)
	entriesDesc = prometheus.NewDesc("ipintel_dataset_entries",
		"Prefixes or records loaded.", datasetLabels, nil)
	refreshDesc = prometheus.NewDesc("ipintel_dataset_last_refresh_timestamp_seconds",
		"When this process last loaded the data successfully, as a Unix time.", datasetLabels, nil)
	refreshFailingDesc = prometheus.NewDesc("ipintel_dataset_refresh_failing",
		"1 while the last reload or refresh failed (the last good data is kept).", datasetLabels, nil)
	stateDesc = prometheus.NewDesc("ipintel_dataset_state",
		"1 for a hosted service's current state (ok, circuit-open, half-open, rate-limited, closed).",
		[]string{"source", "dataset", "state"}, nil)

	allDescs = []*prometheus.Desc{lookupsDesc, cacheHitsDesc, cacheMissesDesc, callsDesc, missesDesc, errorsDesc,
		failingDesc, durationDesc, infoDesc, ageDesc, entriesDesc, refreshDesc, refreshFailingDesc, stateDesc}
)

// Describe implements prometheus.Collector.
func (c *collector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range allDescs {
		ch <- d
	}
}

// Collect implements prometheus.Collector.
func (c *collector) Collect(ch chan<- prometheus.Metric) {
	st := c.src.Stats()
	now := time.Now()
	counter := func(d *prometheus.Desc, v uint64, labels ...string) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.CounterValue, float64(v), labels...)
	}
	gauge := func(d *prometheus.Desc, v float64, labels ...string) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v, labels...)
	}
	counter(lookupsDesc, st.Lookups)
	counter(cacheHitsDesc, st.CacheHits)
	counter(cacheMissesDesc, st.CacheMisses)
	for _, s := range st.Sources {
		counter(callsDesc, s.Calls, s.Name)
		counter(missesDesc, s.Misses, s.Name)
		counter(errorsDesc, s.Timeouts, s.Name, "timeout")
		counter(errorsDesc, s.RateLimited, s.Name, "rate_limited")
		counter(errorsDesc, s.CircuitOpen, s.Name, "circuit_open")
		counter(errorsDesc, s.Panics, s.Name, "panic")
		counter(errorsDesc, s.OtherErrors, s.Name, "other")
		gauge(failingDesc, boolValue(s.Failing), s.Name)
		if s.Remote || s.Latency.Count > 0 {
			ch <- histogram(s)
		}
		for _, d := range s.Datasets {
			gauge(infoDesc, 1, s.Name, d.Name, d.Version, string(d.Origin))
			if !d.Updated.IsZero() {
				gauge(ageDesc, now.Sub(d.Updated).Seconds(), s.Name, d.Name)
			}
			if d.Entries > 0 {
				gauge(entriesDesc, float64(d.Entries), s.Name, d.Name)
			}
			if !d.LastRefresh.IsZero() {
				gauge(refreshDesc, float64(d.LastRefresh.UnixNano())/1e9, s.Name, d.Name)
			}
			if d.Origin != "service" || d.LastError != nil {
				gauge(refreshFailingDesc, boolValue(d.LastError != nil), s.Name, d.Name)
			}
			if d.State != "" {
				gauge(stateDesc, 1, s.Name, d.Name, d.State)
			}
		}
	}
}

func histogram(s ipintel.SourceStats) prometheus.Metric {
	buckets := make(map[float64]uint64, len(s.Latency.Buckets))
	for _, b := range s.Latency.Buckets {
		buckets[b.UpperBound.Seconds()] = b.Count
	}
	return prometheus.MustNewConstHistogram(durationDesc, s.Latency.Count, s.Latency.Sum.Seconds(), buckets, s.Name)
}

func boolValue(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
