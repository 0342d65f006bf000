package wire

// Datpaq IP Intelligence, as Datpaq's public documentation (its published
// API page) describes it. The page documents:
//
//	GET  {base}/api/v1/ip-intelligence?ip=…         single lookup (omit ip: the caller's address)
//	GET  {base}/api/v1/ip-intelligence/batch?ip=a,b  batch, comma-separated, ≤ 100
//	POST {base}/api/v1/ip-intelligence/batch         {"ip": [...]}, ≤ 100
//
// and, without giving their paths, a batch-info, a health and a Prometheus
// metrics endpoint. The key goes as
// a bearer token, an x-api-key header or an api_key query parameter; a
// client here sends the bearer header and never the query parameter, which
// would put the key in URLs and logs. Lookups are rate limited per client
// IP. Every response, errors too, has a correlationId; errors have a
// plain-English "error".
//
// The documented per-address fields are ip, trust_score, is_vpn, is_tor,
// asn, country, org, with correlationId beside them. The envelope
// {"success", "data", "correlationId"} is documented by the batch example.
const (
	DatpaqBaseURL    = "https://datpaq.com"
	DatpaqLookup     = "/api/v1/ip-intelligence"
	DatpaqBatch      = "/api/v1/ip-intelligence/batch"
	DatpaqAuthHeader = "Authorization" // "Bearer " + key
	DatpaqMaxBatch   = 100
)

// DatpaqIntel is the documented per-address record. ASN is text
// ("AS15169"); TrustScore is 0 (high risk) to 100 (clean).
type DatpaqIntel struct {
	IP         Text `json:"ip"`
	TrustScore *Int `json:"trust_score"` // null for an address not found
	IsVPN      bool `json:"is_vpn"`
	IsTor      bool `json:"is_tor"`
	ASN        Text `json:"asn"`
	Country    Text `json:"country"`
	Org        Text `json:"org"`
}

// DatpaqResponse is the single-lookup response: the page's field table
// lists the record's fields and correlationId side by side, so they are
// one flat object. (Clients here also read the record inside a batch-style
// {"success", "data"} envelope.)
type DatpaqResponse struct {
	DatpaqIntel
	CorrelationID Text `json:"correlationId"`
}

// DatpaqBatchRequest is the POST body: {"ip": [...]}, at most
// [DatpaqMaxBatch] addresses.
type DatpaqBatchRequest struct {
	IP []string `json:"ip"`
}

// DatpaqBatchResponse is the batch response.
type DatpaqBatchResponse struct {
	Success       bool            `json:"success"`
	Data          DatpaqBatchData `json:"data"`
	CorrelationID Text            `json:"correlationId"`
}

// DatpaqBatchData holds the summary, the per-address results (with found
// and error flags) and the invalid inputs, each with its index and reason.
// Results and the names of the flags are inferred from the page's prose.
type DatpaqBatchData struct {
	Summary    DatpaqSummary       `json:"summary"`
	Results    []DatpaqBatchItem   `json:"results"`
	InvalidIPs []DatpaqInvalidItem `json:"invalid_ips"`
}

// DatpaqSummary: total_requested, valid_ips and invalid_ips are in the
// example; found and not_found are named in the prose.
type DatpaqSummary struct {
	TotalRequested Int `json:"total_requested"`
	ValidIPs       Int `json:"valid_ips"`
	InvalidIPs     Int `json:"invalid_ips"`
	Found          Int `json:"found"`
	NotFound       Int `json:"not_found"`
}

// DatpaqBatchItem is one result of a batch: the record plus its found and
// error flags (an error flag may come as a message) and, inferred, its
// index in the request and why it failed.
type DatpaqBatchItem struct {
	Index Int `json:"index,omitempty"` // inferred: read when present, never written by compat
	DatpaqIntel
	Found  Flag     `json:"found"`
	Error  Flag     `json:"error"`
	Reason NullText `json:"reason,omitempty"` // inferred
}

// DatpaqInvalidItem is one input that is not an IP address.
type DatpaqInvalidItem struct {
	Index  Int  `json:"index"`
	IP     Text `json:"ip"`
	Reason Text `json:"reason"`
}

// DatpaqError is the error envelope: a plain-English error and the
// correlation id. Success false is inferred.
type DatpaqError struct {
	Success       bool `json:"success"`
	Error         Text `json:"error"`
	CorrelationID Text `json:"correlationId"`
}
