package wire

// Datpaq IP Intelligence: https://www.datpaq.com/api-list/ip-intelligence
// and https://www.datpaq.com/docs/ip-intelligence.
//
//	GET  {base}/api/v1/ip-intelligence?ip=…        → DatpaqResponse (omit ip: the caller's address)
//	GET  {base}/api/v1/ip-intelligence/batch?ip=a,b → DatpaqBatchResponse
//	POST {base}/api/v1/ip-intelligence/batch       DatpaqBatchRequest → DatpaqBatchResponse
//	GET  {base}/api/v1/ip-intelligence/health, …/metrics (Prometheus)
//
// Authentication: the documentation's FAQ says to send the key "as a bearer
// token in the Authorization header"; sibling Datpaq APIs also take an
// x-api-key header or an api_key query parameter. We send the bearer header
// and never the query parameter, which would put the key in URLs, logs and
// error messages.
//
// Errors are {"error": "…", "correlationId": "…"}: 400 INVALID_IP, 404
// NOT_FOUND when no CIDR block matches the address (a miss, not a failure),
// 500 INTERNAL_ERROR. A batch over the limit is a 400 with "requested" and
// "maximum".
const (
	DatpaqBaseURL    = "https://datpaq.com"
	DatpaqLookup     = "/api/v1/ip-intelligence"
	DatpaqBatch      = "/api/v1/ip-intelligence/batch"
	DatpaqHealth     = "/api/v1/ip-intelligence/health"
	DatpaqAuthHeader = "Authorization" // "Bearer " + key
	DatpaqMaxBatch   = 100
)

// DatpaqIntel is the documented per-address record. ASN is text ("AS13335"
// or "13335"); TrustScore is 0 (high risk) to 100 (clean).
type DatpaqIntel struct {
	IP         string `json:"ip"`
	TrustScore *int   `json:"trust_score"` // nil when absent (not found)
	IsVPN      bool   `json:"is_vpn"`
	IsTor      bool   `json:"is_tor"`
	ASN        string `json:"asn"`
	Country    string `json:"country"`
	Org        string `json:"org"`
	Found      bool   `json:"found"`
}

// DatpaqMeta is documented (batch_size_range on batch responses only).
type DatpaqMeta struct {
	Timestamp        string `json:"timestamp"`
	ProcessingTimeMS int    `json:"processing_time_ms"`
	BatchSizeRange   string `json:"batch_size_range,omitempty"`
}

// DatpaqResponse is the single-lookup response.
type DatpaqResponse struct {
	Success       bool        `json:"success"`
	Data          DatpaqIntel `json:"data"`
	Meta          DatpaqMeta  `json:"meta"`
	CorrelationID string      `json:"correlationId"`
}

// DatpaqBatchRequest is the documented POST body: {"ip": [...]}, at most
// [DatpaqMaxBatch] addresses.
type DatpaqBatchRequest struct {
	IP []string `json:"ip"`
}

// DatpaqBatchResponse is the batch response.
type DatpaqBatchResponse struct {
	Success       bool            `json:"success"`
	Data          DatpaqBatchData `json:"data"`
	Meta          DatpaqMeta      `json:"meta"`
	CorrelationID string          `json:"correlationId"`
}

// DatpaqBatchData holds the documented summary and per-item results.
type DatpaqBatchData struct {
	Summary DatpaqSummary     `json:"summary"`
	Results []DatpaqBatchItem `json:"results"`
}

// DatpaqSummary is documented.
type DatpaqSummary struct {
	TotalRequested   int `json:"total_requested"`
	ValidIPs         int `json:"valid_ips"`
	InvalidIPs       int `json:"invalid_ips"`
	Found            int `json:"found"`
	NotFound         int `json:"not_found"`
	Errors           int `json:"errors"`
	ProcessingTimeMS int `json:"processing_time_ms,omitempty"`
}

// DatpaqBatchItem is one result of a batch: the intel fields plus its index
// in the request and, for an invalid or failed address, an error and reason
// (documented as per-item index, found/error flags and reason; exact names
// inferred).
type DatpaqBatchItem struct {
	Index int `json:"index"`
	DatpaqIntel
	Error  string `json:"error,omitempty"`
	Reason string `json:"reason,omitempty"`
}

// DatpaqError is the documented error envelope; Requested and Maximum appear
// on a batch that is too large.
type DatpaqError struct {
	Error         string `json:"error"`
	CorrelationID string `json:"correlationId,omitempty"`
	Requested     int    `json:"requested,omitempty"`
	Maximum       int    `json:"maximum,omitempty"`
}
