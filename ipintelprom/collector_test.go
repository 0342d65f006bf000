package ipintelprom_test

import (
	"context"
	"errors"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/ipintel/ipintel"
	"github.com/ipintel/ipintel/ipintelprom"
	"github.com/ipintel/ipintel/source"
)

type fixedStats struct{ st ipintel.Stats }

func (f fixedStats) Stats() ipintel.Stats { return f.st }

func TestCollectorMetrics(t *testing.T) {
	updated := time.Now().Add(-48 * time.Hour)
	st := ipintel.Stats{
		Lookups: 10, CacheHits: 4, CacheMisses: 6,
		Sources: []ipintel.SourceStats{
			{
				Name: "geo", Calls: 6, Misses: 2,
				Datasets: []source.Dataset{{Name: "GeoLite2-City", Version: "1700000000", Updated: updated,
					Origin: source.OriginFile, Entries: 1234, LastRefresh: time.Unix(1700000100, 0),
					LastError: errors.New("reload refused")}},
			},
			{
				Name: "vectraip", Remote: true, Calls: 3, Errors: 2, Timeouts: 1, CircuitOpen: 1, Failing: true,
				Latency: ipintel.Histogram{Count: 3, Sum: 150 * time.Millisecond, Buckets: []ipintel.Bucket{
					{UpperBound: 10 * time.Millisecond, Count: 1}, {UpperBound: 100 * time.Millisecond, Count: 3}}},
				Datasets: []source.Dataset{{Name: "vectraip", Origin: source.OriginService, State: "circuit-open"}},
			},
		},
	}
	c := ipintelprom.NewCollector(fixedStats{st})
	want := `
# HELP ipintel_cache_hits_total Lookups answered from the result cache.
# TYPE ipintel_cache_hits_total counter
ipintel_cache_hits_total 4
# HELP ipintel_dataset_entries Prefixes or records loaded.
# TYPE ipintel_dataset_entries gauge
ipintel_dataset_entries{dataset="GeoLite2-City",source="geo"} 1234
# HELP ipintel_dataset_info The data a source answers from; always 1.
# TYPE ipintel_dataset_info gauge
ipintel_dataset_info{dataset="GeoLite2-City",origin="file",source="geo",version="1700000000"} 1
ipintel_dataset_info{dataset="vectraip",origin="service",source="vectraip",version=""} 1
# HELP ipintel_dataset_last_refresh_timestamp_seconds When this process last loaded the data successfully, as a Unix time.
# TYPE ipintel_dataset_last_refresh_timestamp_seconds gauge
ipintel_dataset_last_refresh_timestamp_seconds{dataset="GeoLite2-City",source="geo"} 1.7000001e+09
# HELP ipintel_dataset_refresh_failing 1 while the last reload or refresh failed (the last good data is kept).
# TYPE ipintel_dataset_refresh_failing gauge
ipintel_dataset_refresh_failing{dataset="GeoLite2-City",source="geo"} 1
# HELP ipintel_dataset_state 1 for a hosted service's current state (ok, circuit-open, half-open, rate-limited, closed).
# TYPE ipintel_dataset_state gauge
ipintel_dataset_state{dataset="vectraip",source="vectraip",state="circuit-open"} 1
# HELP ipintel_lookups_total Addresses the client answered (cache hits included, batch duplicates included).
# TYPE ipintel_lookups_total counter
ipintel_lookups_total 10
# HELP ipintel_source_errors_total Failed calls of a source, by kind: timeout, rate_limited, circuit_open, panic, other.
# TYPE ipintel_source_errors_total counter
ipintel_source_errors_total{kind="circuit_open",source="geo"} 0
ipintel_source_errors_total{kind="circuit_open",source="vectraip"} 1
ipintel_source_errors_total{kind="other",source="geo"} 0
ipintel_source_errors_total{kind="other",source="vectraip"} 0
ipintel_source_errors_total{kind="panic",source="geo"} 0
ipintel_source_errors_total{kind="panic",source="vectraip"} 0
ipintel_source_errors_total{kind="rate_limited",source="geo"} 0
ipintel_source_errors_total{kind="rate_limited",source="vectraip"} 0
ipintel_source_errors_total{kind="timeout",source="geo"} 0
ipintel_source_errors_total{kind="timeout",source="vectraip"} 1
# HELP ipintel_source_failing 1 while the source's last call failed.
# TYPE ipintel_source_failing gauge
ipintel_source_failing{source="geo"} 0
ipintel_source_failing{source="vectraip"} 1
# HELP ipintel_source_request_duration_seconds Time a remote source's call (or any batch call) took.
# TYPE ipintel_source_request_duration_seconds histogram
ipintel_source_request_duration_seconds_bucket{source="vectraip",le="0.01"} 1
ipintel_source_request_duration_seconds_bucket{source="vectraip",le="0.1"} 3
ipintel_source_request_duration_seconds_bucket{source="vectraip",le="+Inf"} 3
ipintel_source_request_duration_seconds_sum{source="vectraip"} 0.15
ipintel_source_request_duration_seconds_count{source="vectraip"} 3
`
	names := []string{"ipintel_cache_hits_total", "ipintel_dataset_entries", "ipintel_dataset_info",
		"ipintel_dataset_last_refresh_timestamp_seconds", "ipintel_dataset_refresh_failing", "ipintel_dataset_state",
		"ipintel_lookups_total", "ipintel_source_errors_total", "ipintel_source_failing",
		"ipintel_source_request_duration_seconds"}
	if err := testutil.CollectAndCompare(c, strings.NewReader(want), names...); err != nil {
		t.Error(err)
	}

	// Data age is a gauge an alert can fire on: about two days here.
	reg := prometheus.NewPedanticRegistry()
	reg.MustRegister(c)
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, mf := range mfs {
		if mf.GetName() != "ipintel_dataset_age_seconds" {
			continue
		}
		found = true
		age := mf.GetMetric()[0].GetGauge().GetValue()
		if age < 47*3600 || age > 49*3600 {
			t.Errorf("ipintel_dataset_age_seconds = %v, want about 172800", age)
		}
	}
	if !found {
		t.Error("no ipintel_dataset_age_seconds")
	}
	if problems, err := testutil.CollectAndLint(c); err != nil || len(problems) > 0 {
		t.Errorf("lint: %v %+v", err, problems)
	}
}

// memSource knows one prefix.
type memSource struct{ name string }

func (m memSource) Name() string { return m.name }
func (m memSource) Lookup(_ context.Context, a netip.Addr) (source.Record, error) {
	if netip.MustParsePrefix("1.1.1.0/24").Contains(a) {
		return source.Record{Network: &source.Network{ASN: 13335}}, nil
	}
	return source.Record{}, nil
}

func TestCollectorOverClient(t *testing.T) {
	client, err := ipintel.New(ipintel.WithSources(memSource{"asn"}), ipintel.WithCache(10, time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	for _, ip := range []string{"1.1.1.1", "1.1.1.1", "8.8.8.8"} {
		if _, err := client.Lookup(context.Background(), ip); err != nil {
			t.Fatal(err)
		}
	}
	c := ipintelprom.NewCollector(client)
	want := `
# HELP ipintel_lookups_total Addresses the client answered (cache hits included, batch duplicates included).
# TYPE ipintel_lookups_total counter
ipintel_lookups_total 3
# HELP ipintel_cache_hits_total Lookups answered from the result cache.
# TYPE ipintel_cache_hits_total counter
ipintel_cache_hits_total 1
# HELP ipintel_source_calls_total Calls of a source: one per address, or one per batch call.
# TYPE ipintel_source_calls_total counter
ipintel_source_calls_total{source="asn"} 2
# HELP ipintel_source_misses_total Addresses a source knew nothing about.
# TYPE ipintel_source_misses_total counter
ipintel_source_misses_total{source="asn"} 1
`
	if err := testutil.CollectAndCompare(c, strings.NewReader(want), "ipintel_lookups_total", "ipintel_cache_hits_total",
		"ipintel_source_calls_total", "ipintel_source_misses_total"); err != nil {
		t.Error(err)
	}
}

func BenchmarkCollect(b *testing.B) {
	client, err := ipintel.New(ipintel.WithSources(memSource{"a"}, memSource{"b"}, memSource{"c"}))
	if err != nil {
		b.Fatal(err)
	}
	defer client.Close()
	reg := prometheus.NewRegistry()
	reg.MustRegister(ipintelprom.NewCollector(client))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := reg.Gather(); err != nil {
			b.Fatal(err)
		}
	}
}
