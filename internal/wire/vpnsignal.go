package wire

// VPN Signal, as VPN Signal's public documentation (its published API
// page) describes it. Base URL https://vpnsignal.io/api/v1.
//
//	POST {base}/check   Authorization: Bearer …   VPNSignalRequest → VPNSignalResponse
//	GET  {base}/health  (no authentication)       → VPNSignalHealth
//
// There is no batch endpoint. Errors are {"error": code, "message",
// "details"}: 400 invalid_ip, 401 unauthorized, 403 forbidden, 429
// rate_limit_exceeded (daily limit), 500 internal_error. Every response
// carries X-RateLimit-Limit, X-RateLimit-Remaining and X-RateLimit-Reset (a
// Unix time). Limits are per key, per day and per second, by plan.
const (
	VPNSignalBaseURL = "https://vpnsignal.io/api/v1"
	VPNSignalCheck   = "/check"
	VPNSignalHealthP = "/health"
	// VPNSignalAuthHeader carries "Bearer " and the key.
	VPNSignalAuthHeader = "Authorization"

	RateLimitLimit     = "X-RateLimit-Limit"
	RateLimitRemaining = "X-RateLimit-Remaining"
	RateLimitReset     = "X-RateLimit-Reset" // Unix seconds, "1640995200"
)

// VPNSignalRequest is the body of POST /check.
type VPNSignalRequest struct {
	IP string `json:"ip"`
}

// VPNSignalResponse is the answer of POST /check. Company, Location and
// ASN are null when the provider has no data.
type VPNSignalResponse struct {
	IP             Text               `json:"ip"`
	IsVPN          bool               `json:"is_vpn"`
	IsProxy        bool               `json:"is_proxy"`
	IsTor          bool               `json:"is_tor"`
	IsRelay        bool               `json:"is_relay"` // iCloud Private Relay
	IsHosting      bool               `json:"is_hosting"`
	RiskScore      Int                `json:"risk_score"`     // 0–100
	Recommendation Text               `json:"recommendation"` // allow, verify, block
	Company        *VPNSignalCompany  `json:"company"`
	Location       *VPNSignalLocation `json:"location"`
	ASN            *VPNSignalASN      `json:"asn"`
}

// VPNSignalCompany is the network's owner.
type VPNSignalCompany struct {
	Name   Text `json:"name"`
	Type   Text `json:"type"` // "hosting", "isp", …
	Domain Text `json:"domain"`
}

// VPNSignalLocation is the location. Country is ISO 3166-1 alpha-2.
type VPNSignalLocation struct {
	Country     Text    `json:"country"`
	CountryName Text    `json:"country_name"`
	City        Text    `json:"city"`
	Region      Text    `json:"region"`
	Latitude    float64 `json:"latitude"`
	Longitude   float64 `json:"longitude"`
}

// VPNSignalASN is the autonomous system; Route is the announced prefix,
// "1.1.1.0/24".
type VPNSignalASN struct {
	Number Int  `json:"number"`
	Name   Text `json:"name"`
	Route  Text `json:"route"`
}

// VPNSignalError is the error envelope. RetryAfter (seconds) is inferred:
// the page does not show it, and a client that finds it honours it.
type VPNSignalError struct {
	Error      Text           `json:"error"`
	Message    RawText        `json:"message"`
	Details    map[string]any `json:"details"`
	RetryAfter Int            `json:"retry_after,omitempty"` // inferred
}

// VPNSignalHealth is the body of GET /health: {"status": "healthy"}.
type VPNSignalHealth struct {
	Status string `json:"status"`
}
