package compattest

import "slices"

// The documented paths of each API, typed in from the providers' public
// documentation: VectraIP's API docs, VPN Signal's API reference and
// Datpaq's IP Intelligence API docs, one page each. Doc names the page and
// the section in it (an example or a field table) that shows the path.

var pct = struct{ min, max int }{0, 100}

// VectraIP is GET /v1/ip/{ip}'s response (and each batch result).
var VectraIP = []Path{
	{Path: "query", Type: Object, Doc: `VectraIP API docs, "IP Lookup" example response`},
	{Path: "query.ip", Type: String, Doc: `VectraIP API docs, "Response: query" table`},
	{Path: "query.processed_at", Type: ISOTime, Doc: `VectraIP API docs, "Response: query" table`},
	{Path: "query.cache_status", Type: String, Enum: []string{"hit", "db_hit", "miss"}, Doc: `VectraIP API docs, "Response: query" table`},
	{Path: "query.request_id", Type: String, Doc: `VectraIP API docs, "Response: query" table`},
	{Path: "privacy", Type: Object, Doc: `VectraIP API docs, "IP Lookup" example response`},
	{Path: "privacy.is_vpn", Type: Bool, Doc: `VectraIP API docs, "Response: privacy" table`},
	{Path: "privacy.is_proxy", Type: Bool, Doc: `VectraIP API docs, "Response: privacy" table`},
	{Path: "privacy.is_tor", Type: Bool, Doc: `VectraIP API docs, "Response: privacy" table`},
	{Path: "privacy.is_relay", Type: Bool, Doc: `VectraIP API docs, "Response: privacy" table`},
	{Path: "privacy.risk_score", Type: Int, Min: pct.min, Max: pct.max, Doc: `VectraIP API docs, "Response: privacy" table`},
	{Path: "geo", Type: Object, Doc: `VectraIP API docs, "IP Lookup" example response`},
	{Path: "geo.country_code", Type: String, Doc: `VectraIP API docs, "IP Lookup" example response`},
	{Path: "geo.country_name", Type: String, Doc: `VectraIP API docs, "IP Lookup" example response`},
	{Path: "geo.region", Type: String, Doc: `VectraIP API docs, "IP Lookup" example response`},
	{Path: "geo.city", Type: String, Doc: `VectraIP API docs, "IP Lookup" example response`},
	{Path: "geo.timezone", Type: String, Doc: `VectraIP API docs, "IP Lookup" example response`},
	{Path: "geo.continent", Type: String, Doc: `VectraIP API docs, "IP Lookup" example response`},
	{Path: "geo.coordinates", Type: Object, Doc: `VectraIP API docs, "IP Lookup" example response`},
	{Path: "geo.coordinates.lat", Type: Number, Doc: `VectraIP API docs, "IP Lookup" example response`},
	{Path: "geo.coordinates.lng", Type: Number, Doc: `VectraIP API docs, "IP Lookup" example response`},
	{Path: "network", Type: Object, Doc: `VectraIP API docs, "IP Lookup" example response`},
	{Path: "network.asn", Type: String, Doc: `VectraIP API docs, "IP Lookup" example response`},
	{Path: "network.organization", Type: String, Doc: `VectraIP API docs, "IP Lookup" example response`},
	{Path: "network.cidr", Type: String, Doc: `VectraIP API docs, "IP Lookup" example response`},
	{Path: "network.connection_type", Type: String, Doc: `VectraIP API docs, "IP Lookup" example response`},
	{Path: "network.usage_type", Type: String, Doc: `VectraIP API docs, "IP Lookup" example response`},
	{Path: "network.traffic_class", Type: String, Doc: `VectraIP API docs, "IP Lookup" example response`},
	{Path: "monitoring", Type: Object, Doc: `VectraIP API docs, "IP Lookup" example response`},
	{Path: "monitoring.detected", Type: Bool, Doc: `VectraIP API docs, "Response: monitoring" table`},
	{Path: "monitoring.provider", Type: String, Null: true, Doc: `VectraIP API docs, "Response: monitoring" table`},
	{Path: "monitoring.category", Type: String, Null: true, Prose: true, Doc: `VectraIP API docs, "Response: monitoring" table`},
	{Path: "monitoring.confidence", Type: String, Null: true, Prose: true, Enum: []string{"high", "medium", "low"}, Doc: `VectraIP API docs, "Response: monitoring" table`},
	{Path: "monitoring.first_seen", Type: ISOTime, Null: true, Prose: true, Doc: `VectraIP API docs, "Response: monitoring" table`},
	{Path: "monitoring.last_seen", Type: ISOTime, Null: true, Prose: true, Doc: `VectraIP API docs, "Response: monitoring" table`},
	{Path: "risk", Type: Object, Doc: `VectraIP API docs, "IP Lookup" example response`},
	{Path: "risk.score", Type: Int, Min: pct.min, Max: pct.max, Doc: `VectraIP API docs, "Response: risk" table`},
	{Path: "risk.level", Type: String, Enum: []string{"low", "medium", "high", "critical"}, Doc: `VectraIP API docs, "Response: risk" table`},
	{Path: "risk.fraud_probability", Type: Int, Min: pct.min, Max: pct.max, Doc: `VectraIP API docs, "Response: risk" table`},
	{Path: "risk.bot_probability", Type: Int, Min: pct.min, Max: pct.max, Doc: `VectraIP API docs, "Response: risk" table`},
	{Path: "risk.abuse_probability", Type: Int, Min: pct.min, Max: pct.max, Doc: `VectraIP API docs, "Response: risk" table`},
	{Path: "risk.datacenter_risk", Type: Int, Min: pct.min, Max: pct.max, Prose: true, Doc: `VectraIP API docs, "Response: risk" table`},
	{Path: "risk.vpn_confidence", Type: Int, Min: pct.min, Max: pct.max, Doc: `VectraIP API docs, "Response: risk" table`},
	{Path: "risk.residential_trust", Type: Int, Min: pct.min, Max: pct.max, Doc: `VectraIP API docs, "Response: risk" table`},
	{Path: "risk.synthetic_traffic_probability", Type: Int, Min: pct.min, Max: pct.max, Doc: `VectraIP API docs, "Response: risk" table`},
	{Path: "meta", Type: Object, Doc: `VectraIP API docs, "IP Lookup" example response`},
	{Path: "meta.response_time_ms", Type: Int, Doc: `VectraIP API docs, "IP Lookup" example response`},
	{Path: "meta.data_sources", Type: Array, Doc: `VectraIP API docs, "IP Lookup" example response`},
	{Path: "meta.data_sources[]", Type: String, Doc: `VectraIP API docs, "IP Lookup" example response`},
}

// VectraIPBatch is POST /v1/batch/ip's response.
var VectraIPBatch = append([]Path{
	{Path: "results", Type: Array, Doc: `VectraIP API docs, "Batch Lookup" response`},
	{Path: "processed", Type: Int, Min: 0, Max: 100, Doc: `VectraIP API docs, "Batch Lookup" response`},
	{Path: "errors", Type: Int, Min: 0, Max: 100, Doc: `VectraIP API docs, "Batch Lookup" response`},
}, under("results[].", VectraIP)...)

// VectraIPError is every VectraIP error.
var VectraIPError = []Path{
	{Path: "detail", Type: String, Doc: `VectraIP API docs, "Errors" example`},
}

// VPNSignal is POST /check's response.
var VPNSignal = []Path{
	{Path: "ip", Type: String, Doc: `VPN Signal API reference, "Check IP" response fields`},
	{Path: "is_vpn", Type: Bool, Doc: `VPN Signal API reference, "Check IP" response fields`},
	{Path: "is_proxy", Type: Bool, Doc: `VPN Signal API reference, "Check IP" response fields`},
	{Path: "is_tor", Type: Bool, Doc: `VPN Signal API reference, "Check IP" response fields`},
	{Path: "is_relay", Type: Bool, Doc: `VPN Signal API reference, "Check IP" response fields`},
	{Path: "is_hosting", Type: Bool, Doc: `VPN Signal API reference, "Check IP" response fields`},
	{Path: "risk_score", Type: Int, Min: pct.min, Max: pct.max, Doc: `VPN Signal API reference, "Check IP" response fields`},
	{Path: "recommendation", Type: String, Enum: []string{"allow", "verify", "block"}, Doc: `VPN Signal API reference, "Check IP" response fields`},
	{Path: "company", Type: Object, Null: true, Doc: `VPN Signal API reference, "Check IP" response fields and their note on null`},
	{Path: "company.name", Type: String, Doc: `VPN Signal API reference, "Check IP" example response`},
	{Path: "company.type", Type: String, Doc: `VPN Signal API reference, "Check IP" example response`},
	{Path: "company.domain", Type: String, Doc: `VPN Signal API reference, "Check IP" example response`},
	{Path: "location", Type: Object, Null: true, Doc: `VPN Signal API reference, "Check IP" response fields and their note on null`},
	{Path: "location.country", Type: String, Doc: `VPN Signal API reference, "Check IP" example response`},
	{Path: "location.country_name", Type: String, Doc: `VPN Signal API reference, "Check IP" example response`},
	{Path: "location.city", Type: String, Doc: `VPN Signal API reference, "Check IP" example response`},
	{Path: "location.region", Type: String, Doc: `VPN Signal API reference, "Check IP" example response`},
	{Path: "location.latitude", Type: Number, Doc: `VPN Signal API reference, "Check IP" example response`},
	{Path: "location.longitude", Type: Number, Doc: `VPN Signal API reference, "Check IP" example response`},
	{Path: "asn", Type: Object, Null: true, Doc: `VPN Signal API reference, "Check IP" response fields and their note on null`},
	{Path: "asn.number", Type: Int, Doc: `VPN Signal API reference, "Check IP" example response`},
	{Path: "asn.name", Type: String, Doc: `VPN Signal API reference, "Check IP" example response`},
	{Path: "asn.route", Type: String, Doc: `VPN Signal API reference, "Check IP" example response`},
}

// VPNSignalError is every VPN Signal error.
var VPNSignalError = []Path{
	{Path: "error", Type: String, Doc: `VPN Signal API reference, "Error Responses" example`},
	{Path: "message", Type: String, Doc: `VPN Signal API reference, "Error Responses" example`},
	{Path: "details", Type: Object, Doc: `VPN Signal API reference, "Error Responses" example`},
}

// VPNSignalHealth is GET /health's response.
var VPNSignalHealth = []Path{
	{Path: "status", Type: String, Enum: []string{"healthy"}, Doc: `VPN Signal API reference, "Health Check" response`},
}

// datpaqRecord is Datpaq's per-address record, its field table.
var datpaqRecord = []Path{
	{Path: "ip", Type: String, Doc: `Datpaq API docs, field table`},
	{Path: "trust_score", Type: Int, Min: pct.min, Max: pct.max, Doc: `Datpaq API docs, field table`},
	{Path: "is_vpn", Type: Bool, Doc: `Datpaq API docs, field table`},
	{Path: "is_tor", Type: Bool, Doc: `Datpaq API docs, field table`},
	{Path: "asn", Type: String, Doc: `Datpaq API docs, field table`},
	{Path: "country", Type: String, Doc: `Datpaq API docs, field table`},
	{Path: "org", Type: String, Doc: `Datpaq API docs, field table`},
}

// Datpaq is GET /api/v1/ip-intelligence's response: the field table's
// fields, correlationId beside the others.
var Datpaq = append(slices.Clone(datpaqRecord),
	Path{Path: "correlationId", Type: String, Doc: `Datpaq API docs, field table`})

// DatpaqBatch is the batch response (POST, or GET with a comma list). A
// result's trust_score is null when the address was not found (inferred).
var DatpaqBatch = append([]Path{
	{Path: "success", Type: Bool, Doc: `Datpaq API docs, "Example error response (batch invalid IP)"`},
	{Path: "data", Type: Object, Doc: `Datpaq API docs, "Example error response (batch invalid IP)"`},
	{Path: "data.summary", Type: Object, Doc: `Datpaq API docs, "Example error response (batch invalid IP)"`},
	{Path: "data.summary.total_requested", Type: Int, Min: 0, Max: 100, Doc: `Datpaq API docs, "Example error response (batch invalid IP)"`},
	{Path: "data.summary.valid_ips", Type: Int, Min: 0, Max: 100, Doc: `Datpaq API docs, "Example error response (batch invalid IP)"`},
	{Path: "data.summary.invalid_ips", Type: Int, Min: 0, Max: 100, Doc: `Datpaq API docs, "Example error response (batch invalid IP)"`},
	{Path: "data.summary.found", Type: Int, Min: 0, Max: 100, Prose: true, Doc: `Datpaq API docs, "Batch up to 100 IPs"`},
	{Path: "data.summary.not_found", Type: Int, Min: 0, Max: 100, Prose: true, Doc: `Datpaq API docs, "Batch up to 100 IPs"`},
	{Path: "data.invalid_ips", Type: Array, Prose: true, Doc: `Datpaq API docs, "Example error response (batch invalid IP)"`},
	{Path: "data.invalid_ips[].index", Type: Int, Min: 0, Max: 99, Doc: `Datpaq API docs, "Example error response (batch invalid IP)"`},
	{Path: "data.invalid_ips[].ip", Type: String, Doc: `Datpaq API docs, "Example error response (batch invalid IP)"`},
	{Path: "data.invalid_ips[].reason", Type: String, Doc: `Datpaq API docs, "Example error response (batch invalid IP)"`},
	{Path: "data.results", Type: Array, Prose: true, Doc: `Datpaq API docs, "Batch lookup (POST)"`},
	{Path: "data.results[].found", Type: Bool, Prose: true, Doc: `Datpaq API docs, "Batch lookup (POST)"`},
	{Path: "data.results[].error", Type: Bool, Prose: true, Doc: `Datpaq API docs, "Batch lookup (POST)"`},
	{Path: "correlationId", Type: String, Doc: `Datpaq API docs, "Example error response (batch invalid IP)"`},
}, under("data.results[].", nullable(datpaqRecord, "trust_score"))...)

// nullable returns paths with the named one allowed to be null.
func nullable(paths []Path, name string) []Path {
	out := slices.Clone(paths)
	for i := range out {
		if out[i].Path == name {
			out[i].Null = true
		}
	}
	return out
}

// DatpaqError is every Datpaq error: a plain-English error and the
// correlation id.
var DatpaqError = []Path{
	{Path: "error", Type: String, Doc: `Datpaq API docs, "Error reference"`},
	{Path: "correlationId", Type: String, Doc: `Datpaq API docs, "Error reference"`},
}
