package wire

// VectraIP: https://vectraip.com/docs-guide.
//
//	GET  {base}/v1/ip/{ip}      X-API-Key: …   → VectraIPResponse
//	POST {base}/v1/batch/ip     X-API-Key: …   VectraIPBatchRequest → VectraIPBatchResponse
//
// Errors are {"detail": "…"} (FastAPI style): 400 bad IP or body, 401
// missing or invalid key, 403 key revoked or quota exceeded, 422 validation,
// 429 rate limited (Retry-After header), 500. Private, loopback and reserved
// addresses are rejected. Rate limits use a sliding 60-second window per key.
const (
	VectraIPBaseURL   = "https://api.vectraip.com"
	VectraIPLookup    = "/v1/ip/" // followed by the address
	VectraIPBatch     = "/v1/batch/ip"
	VectraIPKeyHeader = "X-API-Key"
	// VectraIPMaxBatch is the documented batch limit.
	VectraIPMaxBatch = 100
)

// VectraIPResponse is the documented single-lookup response; each element of
// a batch response has the same shape.
type VectraIPResponse struct {
	Query      VectraIPQuery      `json:"query"`
	Privacy    VectraIPPrivacy    `json:"privacy"`
	Geo        VectraIPGeo        `json:"geo"`
	Network    VectraIPNetwork    `json:"network"`
	Monitoring VectraIPMonitoring `json:"monitoring"`
	Risk       VectraIPRisk       `json:"risk"`
	Meta       VectraIPMeta       `json:"meta"`
}

// VectraIPQuery echoes the request (documented).
type VectraIPQuery struct {
	IP          string `json:"ip"`
	ProcessedAt string `json:"processed_at"` // RFC 3339
	CacheStatus string `json:"cache_status"` // "hit" or "miss"
	RequestID   string `json:"request_id"`
}

// VectraIPPrivacy is the anonymity section. The is_* flags and risk_score
// are documented; is_hosting and provider are inferred.
type VectraIPPrivacy struct {
	IsVPN     bool   `json:"is_vpn"`
	IsProxy   bool   `json:"is_proxy"`
	IsTor     bool   `json:"is_tor"`
	IsRelay   bool   `json:"is_relay"`
	RiskScore int    `json:"risk_score"`
	IsHosting bool   `json:"is_hosting,omitempty"` // inferred
	Provider  string `json:"provider,omitempty"`   // inferred: the VPN or relay operator
}

// VectraIPGeo is documented. Continent is a name ("Asia"), not a code.
type VectraIPGeo struct {
	CountryCode string              `json:"country_code"`
	CountryName string              `json:"country_name"`
	Region      string              `json:"region"`
	City        string              `json:"city"`
	Timezone    string              `json:"timezone"`
	Continent   string              `json:"continent"`
	Coordinates VectraIPCoordinates `json:"coordinates"`
}

// VectraIPCoordinates is documented as {"lat", "lng"}.
type VectraIPCoordinates struct {
	Lat float64 `json:"lat"`
	Lng float64 `json:"lng"`
}

// VectraIPNetwork is documented. ASN is text, "AS137409".
type VectraIPNetwork struct {
	ASN            string `json:"asn"`
	Organization   string `json:"organization"`
	CIDR           string `json:"cidr"`
	ConnectionType string `json:"connection_type"`
	UsageType      string `json:"usage_type"`
	TrafficClass   string `json:"traffic_class"` // "vpn_exit", …
}

// VectraIPMonitoring names uptime-monitoring probes (UptimeRobot, Pingdom…).
// detected and provider (null when none) are documented; the rest are
// inferred from the documentation's prose (provider, category, confidence,
// first and last seen).
type VectraIPMonitoring struct {
	Detected   bool    `json:"detected"`
	Provider   *string `json:"provider"`
	Category   string  `json:"category,omitempty"`   // inferred: "uptime", "synthetic", …
	Confidence int     `json:"confidence,omitempty"` // inferred: 0–100
	FirstSeen  string  `json:"first_seen,omitempty"` // inferred: RFC 3339
	LastSeen   string  `json:"last_seen,omitempty"`  // inferred: RFC 3339
}

// VectraIPRisk is the provider's own verdict. score, level (low, medium,
// high, critical), fraud_probability and bot_probability are documented; the
// other figures are named in the documentation's prose and their JSON names
// are inferred. All are 0–100.
type VectraIPRisk struct {
	Score                       int    `json:"score"`
	Level                       string `json:"level"`
	FraudProbability            int    `json:"fraud_probability"`
	BotProbability              int    `json:"bot_probability"`
	AbuseProbability            int    `json:"abuse_probability,omitempty"`             // inferred
	DatacenterProbability       int    `json:"datacenter_probability,omitempty"`        // inferred
	VPNConfidence               int    `json:"vpn_confidence,omitempty"`                // inferred
	ResidentialTrust            int    `json:"residential_trust,omitempty"`             // inferred
	SyntheticTrafficProbability int    `json:"synthetic_traffic_probability,omitempty"` // inferred
}

// VectraIPMeta is inferred: the documentation names a meta section without
// showing it. Found, when present and false, means the address is not in
// VectraIP's data (a miss).
type VectraIPMeta struct {
	Found          *bool    `json:"found,omitempty"`
	DataSources    []string `json:"data_sources,omitempty"`
	ResponseTimeMS float64  `json:"response_time_ms,omitempty"`
}

// VectraIPBatchRequest is the body of POST /v1/batch/ip (inferred name
// "ips"; at most [VectraIPMaxBatch] addresses, deduplicated by the server).
type VectraIPBatchRequest struct {
	IPs []string `json:"ips"`
}

// VectraIPBatchResponse is inferred: one result per unique address (matched
// to the request by query.ip, not by position) and per-address errors.
type VectraIPBatchResponse struct {
	Results []VectraIPResponse   `json:"results"`
	Errors  []VectraIPBatchError `json:"errors,omitempty"`
	Total   int                  `json:"total,omitempty"`
	Unique  int                  `json:"unique,omitempty"`
}

// VectraIPBatchError reports one address of a batch that failed (inferred).
type VectraIPBatchError struct {
	IP     string `json:"ip"`
	Detail string `json:"detail"`
}

// VectraIPError is the documented error envelope. FastAPI's 422 puts a list
// of validation errors in detail, so Detail is kept raw.
type VectraIPError struct {
	Detail RawText `json:"detail"`
}
