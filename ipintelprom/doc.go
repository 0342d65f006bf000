// Package ipintelprom exports an ipintel Client's [ipintel.Stats] to
// Prometheus. It is a module of its own so that the library never requires
// client_golang.
//
// # Usage
//
//	reg := prometheus.NewRegistry()
//	reg.MustRegister(ipintelprom.NewCollector(client))
//	http.Handle("/metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
//
// The collector calls [ipintel.Client.Stats] on every scrape; nothing runs
// between scrapes. Metrics (source and dataset are labels):
//
//	ipintel_lookups_total                             counter
//	ipintel_cache_hits_total, ipintel_cache_misses_total counters
//	ipintel_source_calls_total{source}                counter
//	ipintel_source_misses_total{source}               counter
//	ipintel_source_errors_total{source,kind}          counter; kind: timeout, rate_limited, circuit_open, panic, other
//	ipintel_source_failing{source}                    gauge, 1 while the source's last call failed
//	ipintel_source_request_duration_seconds{source}   histogram, remote and batch calls
//	ipintel_dataset_info{source,dataset,version,origin} gauge, always 1
//	ipintel_dataset_age_seconds{source,dataset}       gauge, since the publisher built the data
//	ipintel_dataset_entries{source,dataset}           gauge
//	ipintel_dataset_last_refresh_timestamp_seconds{source,dataset} gauge
//	ipintel_dataset_refresh_failing{source,dataset}   gauge, 1 while the last reload failed (the old data is kept)
//	ipintel_dataset_state{source,dataset,state}       gauge, 1 for a hosted service's current state
//
// An alert on stale data that is meant to be refreshed (the embedded builtin
// snapshot is months old by design, so leave origin "embedded" out):
//
//	ipintel_dataset_age_seconds > 7*86400
//	  and on(source, dataset) ipintel_dataset_info{origin!="embedded"}
//
// and on a dead source (the error counter has a kind label, the gauge not,
// so match on source):
//
//	rate(ipintel_source_errors_total[5m]) > 0 and on(source) ipintel_source_failing == 1
//
// # Thread Safety
//
// The collector is safe for concurrent scrapes.
//
// # Performance
//
// A scrape calls [ipintel.Client.Stats] once (which asks each source for its
// datasets) and builds every metric afresh, so its cost grows with the
// number of sources and datasets. Nothing runs between scrapes, and lookups
// pay nothing for the collector.
//
// Measured figures are in the repository's BENCHMARKS.md.
package ipintelprom
