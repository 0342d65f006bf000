package wire

import (
	"strconv"
	"strings"
)

// VectraIP, as VectraIP's public documentation (its published API page)
// describes it.
//
//	GET  {base}/v1/ip/{ip}      X-API-Key: …   → VectraIPResponse
//	POST {base}/v1/batch/ip     X-API-Key: …   VectraIPBatchRequest → VectraIPBatchResponse
//
// Errors are {"detail": "…"}: 400 bad IP or body, 401 missing or invalid
// key, 403 key revoked or quota exceeded, 422 validation, 429 rate limited
// (Retry-After header), 500. Private, loopback and reserved addresses are
// rejected. Rate limits use a sliding 60-second window per key, by plan.
// Every field below is documented (in the example response or in a field
// table) unless its comment says "inferred".
const (
	VectraIPBaseURL   = "https://api.vectraip.com"
	VectraIPLookup    = "/v1/ip/" // followed by the address
	VectraIPBatch     = "/v1/batch/ip"
	VectraIPKeyHeader = "X-API-Key"
	// VectraIPMaxBatch is the documented batch limit.
	VectraIPMaxBatch = 100
	// RequestIDHeader carries the request id (documented for VectraIP's
	// query.request_id).
	RequestIDHeader = "X-Request-Id"
)

// VectraIPResponse is the single-lookup response; each element of a batch
// response has the same shape.
type VectraIPResponse struct {
	Query      VectraIPQuery      `json:"query"`
	Privacy    VectraIPPrivacy    `json:"privacy"`
	Geo        VectraIPGeo        `json:"geo"`
	Network    VectraIPNetwork    `json:"network"`
	Monitoring VectraIPMonitoring `json:"monitoring"`
	Risk       VectraIPRisk       `json:"risk"`
	Meta       VectraIPMeta       `json:"meta"`
}

// VectraIPQuery echoes the request.
type VectraIPQuery struct {
	IP          Text `json:"ip"`
	ProcessedAt Text `json:"processed_at"` // ISO 8601
	CacheStatus Text `json:"cache_status"` // "hit", "db_hit" or "miss"
	RequestID   Text `json:"request_id"`   // "req_a1b2c3d4", also the X-Request-Id header
}

// VectraIPPrivacy is the anonymity section.
type VectraIPPrivacy struct {
	IsVPN     bool `json:"is_vpn"`
	IsProxy   bool `json:"is_proxy"`
	IsTor     bool `json:"is_tor"`
	IsRelay   bool `json:"is_relay"` // Apple Private Relay
	RiskScore Int  `json:"risk_score"`
}

// VectraIPGeo is the location. Continent is a name ("Asia"), not a code.
type VectraIPGeo struct {
	CountryCode Text                `json:"country_code"`
	CountryName Text                `json:"country_name"`
	Region      Text                `json:"region"`
	City        Text                `json:"city"`
	Timezone    Text                `json:"timezone"`
	Continent   Text                `json:"continent"`
	Coordinates VectraIPCoordinates `json:"coordinates"`
}

// VectraIPCoordinates is {"lat", "lng"}.
type VectraIPCoordinates struct {
	Lat float64 `json:"lat"`
	Lng float64 `json:"lng"`
}

// VectraIPNetwork is the network. ASN is text, "AS137409".
type VectraIPNetwork struct {
	ASN            Text `json:"asn"`
	Organization   Text `json:"organization"`
	CIDR           Text `json:"cidr"`
	ConnectionType Text `json:"connection_type"`
	UsageType      Text `json:"usage_type"`
	TrafficClass   Text `json:"traffic_class"` // "vpn_exit", …
}

// VectraIPMonitoring names uptime-monitoring probes (UptimeRobot…). Every
// field but detected is "string | null" (ISO 8601 for the times);
// confidence is "high", "medium" or "low".
type VectraIPMonitoring struct {
	Detected   bool     `json:"detected"`
	Provider   NullText `json:"provider"`
	Category   NullText `json:"category"`
	Confidence NullText `json:"confidence"`
	FirstSeen  NullText `json:"first_seen"`
	LastSeen   NullText `json:"last_seen"`
}

// VectraIPRisk is the provider's verdict. Every figure is an int 0–100;
// level is low, medium, high or critical.
type VectraIPRisk struct {
	Score                       Int  `json:"score"`
	Level                       Text `json:"level"`
	FraudProbability            Int  `json:"fraud_probability"`
	BotProbability              Int  `json:"bot_probability"`
	AbuseProbability            Int  `json:"abuse_probability"`
	DatacenterRisk              Int  `json:"datacenter_risk"`
	VPNConfidence               Int  `json:"vpn_confidence"`
	ResidentialTrust            Int  `json:"residential_trust"`
	SyntheticTrafficProbability Int  `json:"synthetic_traffic_probability"`
}

// Percentage is one figure documented as int (0–100), by JSON name.
type Percentage struct {
	Name  string
	Value Int
}

// Percentages returns the risk figures documented as int (0–100), for
// range checks.
func (r *VectraIPRisk) Percentages() [8]Percentage {
	return [8]Percentage{
		{"score", r.Score}, {"fraud_probability", r.FraudProbability}, {"bot_probability", r.BotProbability},
		{"abuse_probability", r.AbuseProbability}, {"datacenter_risk", r.DatacenterRisk},
		{"vpn_confidence", r.VPNConfidence}, {"residential_trust", r.ResidentialTrust},
		{"synthetic_traffic_probability", r.SyntheticTrafficProbability},
	}
}

// VectraIPMeta is shown in the example response.
type VectraIPMeta struct {
	ResponseTimeMS Millis   `json:"response_time_ms"`
	DataSources    []string `json:"data_sources"`
}

// VectraIPBatchRequest is the body of POST /v1/batch/ip: at most
// [VectraIPMaxBatch] addresses, deduplicated by the server.
type VectraIPBatchRequest struct {
	IPs []string `json:"ips"`
}

// VectraIPBatchResponse is the batch response: one result per distinct
// address that could be enriched (matched to the request by query.ip), how
// many were processed and how many failed.
type VectraIPBatchResponse struct {
	Results   []VectraIPResponse `json:"results"`
	Processed Int                `json:"processed"`
	Errors    Int                `json:"errors"`
}

// VectraIPError is the error envelope. FastAPI's 422 puts a list of
// validation errors in detail, so Detail is kept raw.
type VectraIPError struct {
	Detail RawText `json:"detail"`
}

// ConfidenceLevel turns a 0–100 confidence into VectraIP's documented
// monitoring confidence: "high" (75 and up), "medium" (40 and up) or "low".
// The band edges are ours: the page shows only the three words.
func ConfidenceLevel(c int) string {
	switch {
	case c >= 75:
		return "high"
	case c >= 40:
		return "medium"
	}
	return "low"
}

// LevelConfidence is the reverse of [ConfidenceLevel]: the middle of each
// band (high 90, medium 60, low 25). A number in the text ("80") is kept;
// anything else is 0, unknown.
func LevelConfidence(level string) int {
	switch s := strings.ToLower(strings.TrimSpace(level)); s {
	case "high":
		return 90
	case "medium":
		return 60
	case "low":
		return 25
	default:
		if n, err := strconv.Atoi(s); err == nil && n >= 0 && n <= 100 {
			return n
		}
	}
	return 0
}
