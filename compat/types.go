package compat

import "github.com/ipintel/ipintel/internal/wire"

// The documented shapes. They are aliases of the types package
// source/remote decodes the APIs' answers into, so there is one definition
// of each shape; the field comments there say which fields are documented
// and which are inferred.
type (
	// VectraIP: GET /v1/ip/{ip} and each element of POST /v1/batch/ip.
	VectraIPResponse    = wire.VectraIPResponse
	VectraIPQuery       = wire.VectraIPQuery
	VectraIPPrivacy     = wire.VectraIPPrivacy
	VectraIPGeo         = wire.VectraIPGeo
	VectraIPCoordinates = wire.VectraIPCoordinates
	VectraIPNetwork     = wire.VectraIPNetwork
	VectraIPMonitoring  = wire.VectraIPMonitoring
	VectraIPRisk        = wire.VectraIPRisk
	VectraIPMeta        = wire.VectraIPMeta
	// VectraIPBatchRequest is {"ips": [...]}.
	VectraIPBatchRequest = wire.VectraIPBatchRequest
	// VectraIPBatchResponse is {"results", "processed", "errors"}.
	VectraIPBatchResponse = wire.VectraIPBatchResponse
	// VectraIPError is {"detail": …}.
	VectraIPError = wire.VectraIPError
	VectraIPPlan  = wire.VectraIPPlan

	// VPN Signal: POST /check.
	VPNSignalRequest  = wire.VPNSignalRequest
	VPNSignalResponse = wire.VPNSignalResponse
	VPNSignalCompany  = wire.VPNSignalCompany
	VPNSignalLocation = wire.VPNSignalLocation
	VPNSignalASN      = wire.VPNSignalASN
	// VPNSignalError is {"error": code, "message", "details"}.
	VPNSignalError = wire.VPNSignalError
	// VPNSignalHealth is {"status": "healthy"}.
	VPNSignalHealth = wire.VPNSignalHealth
	VPNSignalPlan   = wire.VPNSignalPlan

	// Datpaq: GET /api/v1/ip-intelligence and …/batch.
	DatpaqResponse      = wire.DatpaqResponse
	DatpaqIntel         = wire.DatpaqIntel
	DatpaqBatchRequest  = wire.DatpaqBatchRequest
	DatpaqBatchResponse = wire.DatpaqBatchResponse
	DatpaqBatchData     = wire.DatpaqBatchData
	DatpaqSummary       = wire.DatpaqSummary
	DatpaqBatchItem     = wire.DatpaqBatchItem
	DatpaqInvalidItem   = wire.DatpaqInvalidItem
	// DatpaqError is {"success": false, "error", "correlationId"}.
	DatpaqError     = wire.DatpaqError
	DatpaqHealth    = wire.DatpaqHealth
	DatpaqBatchInfo = wire.DatpaqBatchInfo

	// Field types: lenient when read, exactly as documented when written.
	Text     = wire.Text     // a string; reads a number as its text
	NullText = wire.NullText // "string | null": "" is null
	Int      = wire.Int      // an integer; reads "70" and 70.0
	Millis   = wire.Millis   // an integer of milliseconds
	Flag     = wire.Flag     // a boolean; reads an error message as true
	RawText  = wire.RawText  // a string; reads any JSON as its text
)

// The documented endpoints, headers and limits.
const (
	VectraIPLookupPath = wire.VectraIPLookup // followed by the address
	VectraIPBatchPath  = wire.VectraIPBatch
	VectraIPKeyHeader  = wire.VectraIPKeyHeader
	VectraIPMaxBatch   = wire.VectraIPMaxBatch
	RequestIDHeader    = wire.RequestIDHeader

	VPNSignalCheckPath  = wire.VPNSignalCheck   // under /api/v1
	VPNSignalHealthPath = wire.VPNSignalHealthP // under /api/v1
	RateLimitLimit      = wire.RateLimitLimit
	RateLimitRemaining  = wire.RateLimitRemaining
	RateLimitReset      = wire.RateLimitReset

	DatpaqLookupPath    = wire.DatpaqLookup
	DatpaqBatchPath     = wire.DatpaqBatch
	DatpaqBatchInfoPath = wire.DatpaqBatchInfoP // inferred
	DatpaqHealthPath    = wire.DatpaqHealthP    // inferred
	DatpaqMetricsPath   = wire.DatpaqMetricsP   // inferred
	DatpaqKeyHeader     = wire.DatpaqKeyHeader
	DatpaqKeyQuery      = wire.DatpaqKeyQuery
	DatpaqMaxBatch      = wire.DatpaqMaxBatch
)

// VectraIPPlans are VectraIP's documented plans (requests per minute and
// monthly quota), smallest first.
func VectraIPPlans() []VectraIPPlan { return append([]VectraIPPlan(nil), wire.VectraIPPlans...) }

// VPNSignalPlans are VPN Signal's documented plans (per day and per
// second), smallest first.
func VPNSignalPlans() []VPNSignalPlan { return append([]VPNSignalPlan(nil), wire.VPNSignalPlans...) }
