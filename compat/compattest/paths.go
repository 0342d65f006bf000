package compattest

import "slices"

// The documented paths of each API, typed in from the providers' public documentation. Doc
// gives file:line of the example or field-table row each comes from.

var pct = struct{ min, max int }{0, 100}

// VectraIP is GET /v1/ip/{ip}'s response (and each batch result).
var VectraIP = []Path{
	{Path: "query", Type: Object, Doc: "vectraip.txt:49"},
	{Path: "query.ip", Type: String, Doc: "vectraip.txt:151"},
	{Path: "query.processed_at", Type: ISOTime, Doc: "vectraip.txt:152"},
	{Path: "query.cache_status", Type: String, Enum: []string{"hit", "db_hit", "miss"}, Doc: "vectraip.txt:153"},
	{Path: "query.request_id", Type: String, Doc: "vectraip.txt:154"},
	{Path: "privacy", Type: Object, Doc: "vectraip.txt:55"},
	{Path: "privacy.is_vpn", Type: Bool, Doc: "vectraip.txt:159"},
	{Path: "privacy.is_proxy", Type: Bool, Doc: "vectraip.txt:160"},
	{Path: "privacy.is_tor", Type: Bool, Doc: "vectraip.txt:161"},
	{Path: "privacy.is_relay", Type: Bool, Doc: "vectraip.txt:162"},
	{Path: "privacy.risk_score", Type: Int, Min: pct.min, Max: pct.max, Doc: "vectraip.txt:163"},
	{Path: "geo", Type: Object, Doc: "vectraip.txt:62"},
	{Path: "geo.country_code", Type: String, Doc: "vectraip.txt:63"},
	{Path: "geo.country_name", Type: String, Doc: "vectraip.txt:64"},
	{Path: "geo.region", Type: String, Doc: "vectraip.txt:65"},
	{Path: "geo.city", Type: String, Doc: "vectraip.txt:66"},
	{Path: "geo.timezone", Type: String, Doc: "vectraip.txt:67"},
	{Path: "geo.continent", Type: String, Doc: "vectraip.txt:68"},
	{Path: "geo.coordinates", Type: Object, Doc: "vectraip.txt:69"},
	{Path: "geo.coordinates.lat", Type: Number, Doc: "vectraip.txt:69"},
	{Path: "geo.coordinates.lng", Type: Number, Doc: "vectraip.txt:69"},
	{Path: "network", Type: Object, Doc: "vectraip.txt:71"},
	{Path: "network.asn", Type: String, Doc: "vectraip.txt:72"},
	{Path: "network.organization", Type: String, Doc: "vectraip.txt:73"},
	{Path: "network.cidr", Type: String, Doc: "vectraip.txt:74"},
	{Path: "network.connection_type", Type: String, Doc: "vectraip.txt:75"},
	{Path: "network.usage_type", Type: String, Doc: "vectraip.txt:76"},
	{Path: "network.traffic_class", Type: String, Doc: "vectraip.txt:77"},
	{Path: "monitoring", Type: Object, Doc: "vectraip.txt:79"},
	{Path: "monitoring.detected", Type: Bool, Doc: "vectraip.txt:181"},
	{Path: "monitoring.provider", Type: String, Null: true, Doc: "vectraip.txt:182"},
	{Path: "monitoring.category", Type: String, Null: true, Prose: true, Doc: "vectraip.txt:183"},
	{Path: "monitoring.confidence", Type: String, Null: true, Prose: true, Enum: []string{"high", "medium", "low"}, Doc: "vectraip.txt:184"},
	{Path: "monitoring.first_seen", Type: ISOTime, Null: true, Prose: true, Doc: "vectraip.txt:185"},
	{Path: "monitoring.last_seen", Type: ISOTime, Null: true, Prose: true, Doc: "vectraip.txt:186"},
	{Path: "risk", Type: Object, Doc: "vectraip.txt:83"},
	{Path: "risk.score", Type: Int, Min: pct.min, Max: pct.max, Doc: "vectraip.txt:168"},
	{Path: "risk.level", Type: String, Enum: []string{"low", "medium", "high", "critical"}, Doc: "vectraip.txt:169"},
	{Path: "risk.fraud_probability", Type: Int, Min: pct.min, Max: pct.max, Doc: "vectraip.txt:170"},
	{Path: "risk.bot_probability", Type: Int, Min: pct.min, Max: pct.max, Doc: "vectraip.txt:171"},
	{Path: "risk.abuse_probability", Type: Int, Min: pct.min, Max: pct.max, Doc: "vectraip.txt:172"},
	{Path: "risk.datacenter_risk", Type: Int, Min: pct.min, Max: pct.max, Prose: true, Doc: "vectraip.txt:173"},
	{Path: "risk.vpn_confidence", Type: Int, Min: pct.min, Max: pct.max, Doc: "vectraip.txt:174"},
	{Path: "risk.residential_trust", Type: Int, Min: pct.min, Max: pct.max, Doc: "vectraip.txt:175"},
	{Path: "risk.synthetic_traffic_probability", Type: Int, Min: pct.min, Max: pct.max, Doc: "vectraip.txt:176"},
	{Path: "meta", Type: Object, Doc: "vectraip.txt:93"},
	{Path: "meta.response_time_ms", Type: Int, Doc: "vectraip.txt:94"},
	{Path: "meta.data_sources", Type: Array, Doc: "vectraip.txt:95"},
	{Path: "meta.data_sources[]", Type: String, Doc: "vectraip.txt:95"},
}

// VectraIPBatch is POST /v1/batch/ip's response.
var VectraIPBatch = append([]Path{
	{Path: "results", Type: Array, Doc: "vectraip.txt:111"},
	{Path: "processed", Type: Int, Min: 0, Max: 100, Doc: "vectraip.txt:112"},
	{Path: "errors", Type: Int, Min: 0, Max: 100, Doc: "vectraip.txt:113"},
}, under("results[].", VectraIP)...)

// VectraIPError is every VectraIP error.
var VectraIPError = []Path{
	{Path: "detail", Type: String, Doc: "vectraip.txt:16"},
}

// VPNSignal is POST /check's response.
var VPNSignal = []Path{
	{Path: "ip", Type: String, Doc: "vpnsignal.txt:67"},
	{Path: "is_vpn", Type: Bool, Doc: "vpnsignal.txt:68"},
	{Path: "is_proxy", Type: Bool, Doc: "vpnsignal.txt:69"},
	{Path: "is_tor", Type: Bool, Doc: "vpnsignal.txt:70"},
	{Path: "is_relay", Type: Bool, Doc: "vpnsignal.txt:71"},
	{Path: "is_hosting", Type: Bool, Doc: "vpnsignal.txt:72"},
	{Path: "risk_score", Type: Int, Min: pct.min, Max: pct.max, Doc: "vpnsignal.txt:73"},
	{Path: "recommendation", Type: String, Enum: []string{"allow", "verify", "block"}, Doc: "vpnsignal.txt:74"},
	{Path: "company", Type: Object, Null: true, Doc: "vpnsignal.txt:75,81"},
	{Path: "company.name", Type: String, Doc: "vpnsignal.txt:45"},
	{Path: "company.type", Type: String, Doc: "vpnsignal.txt:46"},
	{Path: "company.domain", Type: String, Doc: "vpnsignal.txt:47"},
	{Path: "location", Type: Object, Null: true, Doc: "vpnsignal.txt:76,81"},
	{Path: "location.country", Type: String, Doc: "vpnsignal.txt:50"},
	{Path: "location.country_name", Type: String, Doc: "vpnsignal.txt:51"},
	{Path: "location.city", Type: String, Doc: "vpnsignal.txt:52"},
	{Path: "location.region", Type: String, Doc: "vpnsignal.txt:53"},
	{Path: "location.latitude", Type: Number, Doc: "vpnsignal.txt:54"},
	{Path: "location.longitude", Type: Number, Doc: "vpnsignal.txt:55"},
	{Path: "asn", Type: Object, Null: true, Doc: "vpnsignal.txt:77,81"},
	{Path: "asn.number", Type: Int, Doc: "vpnsignal.txt:58"},
	{Path: "asn.name", Type: String, Doc: "vpnsignal.txt:59"},
	{Path: "asn.route", Type: String, Doc: "vpnsignal.txt:60"},
}

// VPNSignalError is every VPN Signal error.
var VPNSignalError = []Path{
	{Path: "error", Type: String, Doc: "vpnsignal.txt:116"},
	{Path: "message", Type: String, Doc: "vpnsignal.txt:117"},
	{Path: "details", Type: Object, Doc: "vpnsignal.txt:118"},
}

// VPNSignalHealth is GET /health's response.
var VPNSignalHealth = []Path{
	{Path: "status", Type: String, Enum: []string{"healthy"}, Doc: "vpnsignal.txt:107"},
}

// datpaqRecord is Datpaq's per-address record, its field table.
var datpaqRecord = []Path{
	{Path: "ip", Type: String, Doc: "datpaq.txt:32"},
	{Path: "trust_score", Type: Int, Min: pct.min, Max: pct.max, Doc: "datpaq.txt:33"},
	{Path: "is_vpn", Type: Bool, Doc: "datpaq.txt:34"},
	{Path: "is_tor", Type: Bool, Doc: "datpaq.txt:35"},
	{Path: "asn", Type: String, Doc: "datpaq.txt:36"},
	{Path: "country", Type: String, Doc: "datpaq.txt:37"},
	{Path: "org", Type: String, Doc: "datpaq.txt:38"},
}

// Datpaq is GET /api/v1/ip-intelligence's response: the field table's
// fields, correlationId beside the others.
var Datpaq = append(slices.Clone(datpaqRecord),
	Path{Path: "correlationId", Type: String, Doc: "datpaq.txt:39"})

// DatpaqBatch is the batch response (POST, or GET with a comma list). A
// result's trust_score is null when the address was not found (inferred).
var DatpaqBatch = append([]Path{
	{Path: "success", Type: Bool, Doc: "datpaq.txt:61"},
	{Path: "data", Type: Object, Doc: "datpaq.txt:62"},
	{Path: "data.summary", Type: Object, Doc: "datpaq.txt:63"},
	{Path: "data.summary.total_requested", Type: Int, Min: 0, Max: 100, Doc: "datpaq.txt:63"},
	{Path: "data.summary.valid_ips", Type: Int, Min: 0, Max: 100, Doc: "datpaq.txt:63"},
	{Path: "data.summary.invalid_ips", Type: Int, Min: 0, Max: 100, Doc: "datpaq.txt:63"},
	{Path: "data.summary.found", Type: Int, Min: 0, Max: 100, Prose: true, Doc: "datpaq.txt:12"},
	{Path: "data.summary.not_found", Type: Int, Min: 0, Max: 100, Prose: true, Doc: "datpaq.txt:12"},
	{Path: "data.invalid_ips", Type: Array, Prose: true, Doc: "datpaq.txt:64"},
	{Path: "data.invalid_ips[].index", Type: Int, Min: 0, Max: 99, Doc: "datpaq.txt:65"},
	{Path: "data.invalid_ips[].ip", Type: String, Doc: "datpaq.txt:65"},
	{Path: "data.invalid_ips[].reason", Type: String, Doc: "datpaq.txt:65"},
	{Path: "data.results", Type: Array, Prose: true, Doc: "datpaq.txt:23"},
	{Path: "data.results[].found", Type: Bool, Prose: true, Doc: "datpaq.txt:23"},
	{Path: "data.results[].error", Type: Bool, Prose: true, Doc: "datpaq.txt:23"},
	{Path: "correlationId", Type: String, Doc: "datpaq.txt:68"},
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
	{Path: "error", Type: String, Doc: "datpaq.txt:50"},
	{Path: "correlationId", Type: String, Doc: "datpaq.txt:50"},
}
