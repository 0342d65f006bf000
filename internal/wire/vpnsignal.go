package wire

// VPN Signal: https://www.vpnsignal.io/docs/api-reference.
//
//	POST {base}/check   Authorization: Bearer …   VPNSignalRequest → VPNSignalResponse
//	GET  {base}/health  (no authentication)       → VPNSignalHealth
//
// There is no batch endpoint. Errors are {"error": code, "message",
// "details"}: 400 invalid_ip, missing_ip, invalid_json; 401 unauthorized,
// invalid_api_key; 403 forbidden; 429 rate_limit_exceeded (with a
// "retry_after" in seconds in the body). Responses carry X-RateLimit-Limit,
// X-RateLimit-Remaining and X-RateLimit-Reset. Plans allow 1 (free) to 100
// (enterprise) requests per second.
const (
	VPNSignalBaseURL = "https://vpnsignal.io/api/v1"
	VPNSignalCheck   = "/check"
	VPNSignalHealthP = "/health"
	// VPNSignalAuthHeader carries "Bearer " and the key.
	VPNSignalAuthHeader = "Authorization"

	RateLimitLimit     = "X-RateLimit-Limit"
	RateLimitRemaining = "X-RateLimit-Remaining"
	RateLimitReset     = "X-RateLimit-Reset"
)

// VPNSignalRequest is the documented body of POST /check.
type VPNSignalRequest struct {
	IP string `json:"ip"`
}

// VPNSignalResponse is documented. Company, Location and ASN are null when
// the provider has no data.
type VPNSignalResponse struct {
	IP             string             `json:"ip"`
	IsVPN          bool               `json:"is_vpn"`
	IsProxy        bool               `json:"is_proxy"`
	IsTor          bool               `json:"is_tor"`
	IsRelay        bool               `json:"is_relay"` // iCloud Private Relay
	IsHosting      bool               `json:"is_hosting"`
	RiskScore      int                `json:"risk_score"`     // 0–100
	Recommendation string             `json:"recommendation"` // allow, verify, block
	Company        *VPNSignalCompany  `json:"company"`
	Location       *VPNSignalLocation `json:"location"`
	ASN            *VPNSignalASN      `json:"asn"`
}

// VPNSignalCompany is documented.
type VPNSignalCompany struct {
	Name   string `json:"name"`
	Type   string `json:"type"` // "hosting", "isp", …
	Domain string `json:"domain"`
}

// VPNSignalLocation is documented. Country is ISO 3166-1 alpha-2.
type VPNSignalLocation struct {
	Country     string  `json:"country"`
	CountryName string  `json:"country_name"`
	City        string  `json:"city"`
	Region      string  `json:"region"`
	Latitude    float64 `json:"latitude"`
	Longitude   float64 `json:"longitude"`
}

// VPNSignalASN is documented; Route is the announced prefix, "1.1.1.0/24".
type VPNSignalASN struct {
	Number uint32 `json:"number"`
	Name   string `json:"name"`
	Route  string `json:"route"`
}

// VPNSignalError is the documented error envelope. RetryAfter (seconds) is
// documented on rate_limit_exceeded only.
type VPNSignalError struct {
	Error      string         `json:"error"`
	Message    string         `json:"message"`
	Details    map[string]any `json:"details"`
	RetryAfter int            `json:"retry_after,omitempty"`
}

// VPNSignalHealth is the body of GET /health (field names inferred).
type VPNSignalHealth struct {
	Status    string `json:"status"`
	Timestamp string `json:"timestamp,omitempty"`
}
