package serve

import (
	"math/rand/v2"
	"strconv"
)

// What the three APIs' documentation fixes beside the response bodies
// (those come from package compat): paths, headers, limits, plans, request
// bodies, error envelopes and health answers. What a page names only in
// prose is marked "inferred".

// VectraIP: GET /v1/ip/{ip}, POST /v1/batch/ip, the key in X-API-Key.
const (
	vectraIPLookupPath = "/v1/ip/" // followed by the address
	vectraIPBatchPath  = "/v1/batch/ip"
	vectraIPKeyHeader  = "X-API-Key"
	vectraIPMaxBatch   = 100
	// requestIDHeader carries the request id: VectraIP's query.request_id,
	// and the id of every response here.
	requestIDHeader = "X-Request-Id"
)

// VPN Signal: POST /check and GET /health under /api/v1, with X-RateLimit-*
// headers on every response (Reset: a Unix time).
const (
	vpnSignalCheckPath  = "/check"
	vpnSignalHealthPath = "/health"
	rateLimitLimit      = "X-RateLimit-Limit"
	rateLimitRemaining  = "X-RateLimit-Remaining"
	rateLimitReset      = "X-RateLimit-Reset"
)

// Datpaq: the lookup and batch endpoints, and the batch-info, health and
// metrics endpoints whose paths are inferred; the key as a bearer token,
// an x-api-key header or an api_key parameter.
const (
	datpaqLookupPath    = "/api/v1/ip-intelligence"
	datpaqBatchPath     = "/api/v1/ip-intelligence/batch"
	datpaqBatchInfoPath = "/api/v1/ip-intelligence/batch/info" // inferred
	datpaqHealthPath    = "/api/v1/ip-intelligence/health"     // inferred
	datpaqMetricsPath   = "/api/v1/ip-intelligence/metrics"    // inferred
	datpaqKeyHeader     = "x-api-key"
	datpaqKeyQuery      = "api_key"
	datpaqMaxBatch      = 100
)

// vectraPlan is one of VectraIP's documented plans.
type vectraPlan struct {
	Name      string
	PerMinute int // requests per sliding 60-second window
	Monthly   int // 0: unlimited
}

// vectraIPPlans are VectraIP's documented plans, smallest first.
var vectraIPPlans = []vectraPlan{
	{"free", 10, 1000},
	{"developer", 60, 50000},
	{"business", 300, 500000},
	{"enterprise", 1000, 0},
}

// vpnPlan is one of VPN Signal's documented plans.
type vpnPlan struct {
	Name      string
	Daily     int // 0: unlimited
	PerSecond int
}

// vpnSignalPlans are VPN Signal's documented plans, smallest first.
var vpnSignalPlans = []vpnPlan{
	{"free", 100, 1},
	{"starter", 10000, 10},
	{"pro", 100000, 50},
	{"enterprise", 0, 100},
}

// vpnSignalRequest is the body of POST /check.
type vpnSignalRequest struct {
	IP string `json:"ip"`
}

// vectraIPError is VectraIP's error envelope.
type vectraIPError struct {
	Detail string `json:"detail"`
}

// vpnSignalError is VPN Signal's error envelope.
type vpnSignalError struct {
	Error   string         `json:"error"`
	Message string         `json:"message"`
	Details map[string]any `json:"details"`
}

// vpnSignalHealth is the body of VPN Signal's GET /health.
type vpnSignalHealth struct {
	Status string `json:"status"`
}

// datpaqError is Datpaq's error envelope: a plain-English error and the
// correlation id. Success false is inferred.
type datpaqError struct {
	Success       bool   `json:"success"`
	Error         string `json:"error"`
	CorrelationID string `json:"correlationId"`
}

// datpaqHealth is Datpaq's health body: status, service name, version and
// timestamp (named in the prose; the JSON names are inferred).
type datpaqHealth struct {
	Status    string `json:"status"`
	Service   string `json:"service"`
	Version   string `json:"version"`
	Timestamp string `json:"timestamp"`
}

// datpaqBatchInfo is Datpaq's batch-info body: max size, endpoint, example
// request and response schema (named in the prose; JSON names inferred).
type datpaqBatchInfo struct {
	MaxBatchSize   int    `json:"max_batch_size"`
	Endpoint       string `json:"endpoint"`
	ExampleRequest struct {
		IP []string `json:"ip"`
	} `json:"example_request"`
	ResponseSchema map[string]string `json:"response_schema"`
}

// newCorrelationID returns a random id in Datpaq's documented form
// ("req-123456789"): "req-" and 16 hex digits. It is not a secret.
func newCorrelationID() string {
	return "req-" + strconv.FormatUint(rand.Uint64()|1<<63, 16)
}
