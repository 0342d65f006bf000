package serve

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/ipintel/ipintel/compat"
)

const apiDatpaq = "datpaq"

// defaultDatpaqRate is Datpaq's per-client-IP limit here, requests per
// minute: the page says requests are limited per IP without a figure.
const defaultDatpaqRate = 120

// serviceName and serviceVersion are what Datpaq's health reports.
const (
	serviceName    = "ip-intelligence"
	serviceVersion = "1.0.0"
)

// The plain-English errors Datpaq documents (Datpaq API docs, "Error
// reference").
const (
	datpaqInvalidIP  = "The ip parameter is not a valid IPv4 or IPv6 address. Validate format before sending."
	datpaqNotArray   = `POST batch requires ip to be a JSON array: {"ip": ["8.8.8.8", "1.1.1.1"]}.`
	datpaqTooMany    = "More than 100 IPs in a single batch. Split into multiple requests of 100 or fewer."
	datpaqEmpty      = "At least one IP address is required in the batch array."
	datpaqNotFound   = "The requested IP is not in the threat intelligence database. Private/RFC-1918 ranges may not be indexed."
	datpaqNoRoute    = "The requested path does not exist. Check the endpoint list for available routes."
	datpaqTooFast    = "Too many requests from this IP. Wait before retrying."
	datpaqServer     = "Unexpected server error during analysis. The correlationId in the response helps trace the issue."
	datpaqNoKey      = "Missing or invalid API key. Send it as a bearer token, an x-api-key header or the api_key parameter."
	datpaqNoCallerIP = "The caller's IP address could not be determined. Pass ip explicitly."
	// Not documented: the page lists no error for an oversized body.
	datpaqTooLarge = "The request body is too large. Split into multiple requests of 100 or fewer IPs."
)

// datpaqAPI speaks Datpaq: the key as a bearer token, an x-api-key header
// or an api_key query parameter; {"success": false, "error",
// "correlationId"} errors; a limit per client IP; the correlation id in
// every body and, as X-Request-Id and X-Correlation-ID, every response.
type datpaqAPI struct{ s *server }

func (datpaqAPI) name() string  { return apiDatpaq }
func (datpaqAPI) newID() string { return newCorrelationID() }

func (datpaqAPI) key(r *http.Request) string {
	if k := bearer(r); k != "" {
		return k
	}
	if k := r.Header.Get(datpaqKeyHeader); k != "" {
		return k
	}
	return r.URL.Query().Get(datpaqKeyQuery)
}

// admit applies the per-client-IP limit to every request, keyed or not.
func (d datpaqAPI) admit(w http.ResponseWriter, r *http.Request, _ *account) *failure {
	w.Header().Set("X-Correlation-ID", w.Header().Get(requestIDHeader))
	ip, err := d.s.resolver.ClientIP(r)
	if err != nil {
		return nil // no address to count against; the lookup reports it if it needs one
	}
	v := d.s.datpaqIP.allow(ip.String(), d.s.datpaqRate)
	if v.allowed {
		return nil
	}
	retry := seconds(v.reset.Sub(d.s.now()))
	w.Header().Set("Retry-After", strconv.Itoa(retry))
	return &failure{kind: errRateLimited, retryAfter: retry}
}

func (datpaqAPI) fail(w http.ResponseWriter, id string, f failure) {
	e := datpaqError{CorrelationID: id}
	status := http.StatusBadRequest
	switch f.kind {
	case errUnauthorized:
		status, e.Error = http.StatusUnauthorized, datpaqNoKey
	case errRateLimited:
		status, e.Error = http.StatusTooManyRequests, datpaqTooFast
	case errBadJSON:
		e.Error = datpaqNotArray
	case errMissingIP:
		e.Error = datpaqEmpty
	case errInvalidIP:
		e.Error = datpaqInvalidIP
	case errBatchSize:
		status, e.Error = http.StatusUnprocessableEntity, datpaqTooMany
	case errBodyTooLarge:
		status, e.Error = http.StatusRequestEntityTooLarge, datpaqTooLarge
	case errReservedIP, errNotFound:
		status, e.Error = http.StatusNotFound, datpaqNotFound
	case errRoute:
		status, e.Error = http.StatusNotFound, datpaqNoRoute
	default:
		status, e.Error = http.StatusInternalServerError, datpaqServer
	}
	if f.kind == errInvalidIP && f.msg == datpaqNoCallerIP {
		e.Error = datpaqNoCallerIP
	}
	writeJSON(w, status, e)
}

// lookup serves GET /api/v1/ip-intelligence?ip=…. Without ip it answers
// for the caller's own address, found as the middleware finds it (the
// peer, or what a trusted proxy says); a comma-separated ip is a batch.
func (d datpaqAPI) lookup(w http.ResponseWriter, r *http.Request, id string) {
	ip := strings.TrimSpace(r.URL.Query().Get("ip"))
	if strings.Contains(ip, ",") {
		d.batchGet(w, r, id)
		return
	}
	if ip == "" {
		addr, err := d.s.resolver.ClientIP(r)
		if err != nil {
			d.fail(w, id, failure{kind: errInvalidIP, msg: datpaqNoCallerIP})
			return
		}
		ip = addr.String()
	}
	res, f := d.s.lookup(r, ip)
	if f != nil {
		d.fail(w, id, *f)
		return
	}
	if !res.Meta.Found {
		d.fail(w, id, failure{kind: errNotFound})
		return
	}
	out := compat.Datpaq(res)
	out.CorrelationID = id
	writeJSON(w, http.StatusOK, out)
}

// batchGet serves GET …/batch?ip=a,b,c (ip may repeat).
func (d datpaqAPI) batchGet(w http.ResponseWriter, r *http.Request, id string) {
	var ips []string
	for _, v := range r.URL.Query()["ip"] {
		if strings.TrimSpace(v) != "" {
			ips = append(ips, strings.Split(v, ",")...)
		}
	}
	d.batch(w, r, id, ips)
}

// batchPost serves POST …/batch with {"ip": ["a", "b"]}: more than 100 is a
// 422 at any body size, a body over maxBody before the 101st a 413.
func (d datpaqAPI) batchPost(w http.ResponseWriter, r *http.Request, id string) {
	ips, found, err := decodeList(r, "ip", datpaqMaxBatch)
	switch {
	case bodyTooLarge(err):
		d.fail(w, id, failure{kind: errBodyTooLarge})
		return
	case errors.Is(err, errTooMany):
		d.fail(w, id, failure{kind: errBatchSize})
		return
	case err != nil || !found:
		d.fail(w, id, failure{kind: errBadJSON})
		return
	}
	d.batch(w, r, id, ips)
}

func (d datpaqAPI) batch(w http.ResponseWriter, r *http.Request, id string, ips []string) {
	switch n := len(ips); {
	case n == 0:
		d.fail(w, id, failure{kind: errMissingIP})
		return
	case n > datpaqMaxBatch:
		d.fail(w, id, failure{kind: errBatchSize})
		return
	}
	b, f := d.s.batch(r, ips)
	if f != nil {
		d.fail(w, id, *f)
		return
	}
	out := compat.DatpaqBatch(b)
	out.CorrelationID = id
	writeJSON(w, http.StatusOK, out)
}

// batchInfo serves GET …/batch/info: the batch configuration.
func (d datpaqAPI) batchInfo(w http.ResponseWriter, _ *http.Request, _ string) {
	info := datpaqBatchInfo{
		MaxBatchSize: datpaqMaxBatch,
		Endpoint:     datpaqBatchPath,
		ResponseSchema: map[string]string{
			"success":            "boolean",
			"data.summary":       "{total_requested, valid_ips, invalid_ips, found, not_found}",
			"data.results[]":     "{ip, trust_score, is_vpn, is_tor, asn, country, org, found, error}",
			"data.invalid_ips[]": "{index, ip, reason}",
			"correlationId":      "string",
		},
	}
	info.ExampleRequest.IP = []string{"8.8.8.8", "185.220.101.1", "1.1.1.1"}
	writeJSON(w, http.StatusOK, info)
}

// health serves GET …/health: status, service, version and timestamp.
func (d datpaqAPI) health(w http.ResponseWriter, _ *http.Request, _ string) {
	writeJSON(w, http.StatusOK, datpaqHealth{Status: "healthy", Service: serviceName, Version: serviceVersion,
		Timestamp: d.s.now().UTC().Format(time.RFC3339)})
}

func (d datpaqAPI) notFound(w http.ResponseWriter, _ *http.Request, id string) {
	d.fail(w, id, failure{kind: errRoute})
}
