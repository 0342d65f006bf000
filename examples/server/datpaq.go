package main

import (
	"encoding/json"
	"net/http"
	"strings"
	"time"

	"github.com/ipintel/ipintel/internal/wire"
)

const apiDatpaq = "datpaq"

// datpaqAPI speaks Datpaq: Bearer (or X-API-Key) keys, {"error",
// "correlationId"} errors, a correlation id in every body and header.
type datpaqAPI struct{ s *server }

func (datpaqAPI) name() string { return apiDatpaq }

func (datpaqAPI) key(r *http.Request) string {
	if k := bearer(r); k != "" {
		return k
	}
	return r.Header.Get("X-API-Key")
}

func (datpaqAPI) ids(w http.ResponseWriter, id string) {
	w.Header().Set("X-Correlation-ID", id)
	w.Header().Set("X-Request-ID", id)
}

func (datpaqAPI) fail(w http.ResponseWriter, id string, f failure) {
	e := wire.DatpaqError{CorrelationID: id}
	status := http.StatusBadRequest
	switch f.kind {
	case errUnauthorized:
		status, e.Error = http.StatusUnauthorized, "Unauthorized: invalid API key"
	case errRateLimited:
		status, e.Error = http.StatusTooManyRequests, "Too many requests"
	case errBadJSON:
		e.Error = "Invalid JSON body: expected {\"ip\": [\"…\"]}"
	case errMissingIP:
		e.Error = "Missing ip input (string or comma-separated list)"
	case errInvalidIP, errReservedIP:
		e.Error = "INVALID_IP"
	case errBatchSize:
		e.Error = "Batch size exceeds maximum of 100 IPs"
		e.Requested, e.Maximum = f.requested, wire.DatpaqMaxBatch
	case errNotFound:
		status, e.Error = http.StatusNotFound, "NOT_FOUND"
	case errRoute:
		status, e.Error = http.StatusNotFound, "Route not found"
	default:
		status, e.Error = http.StatusInternalServerError, "INTERNAL_ERROR"
	}
	writeJSON(w, status, e)
}

// lookup serves GET /api/v1/ip-intelligence?ip=…; without ip it answers for
// the caller's own address, found as the middleware finds it (the peer, or
// what a trusted proxy says).
func (d datpaqAPI) lookup(w http.ResponseWriter, r *http.Request, id string) {
	start := d.s.now()
	ip := strings.TrimSpace(r.URL.Query().Get("ip"))
	if ip == "" {
		addr, err := d.s.resolver.ClientIP(r)
		if err != nil {
			d.fail(w, id, failure{kind: errInvalidIP})
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
	writeJSON(w, http.StatusOK, wire.DatpaqResponse{
		Success:       true,
		Data:          datpaqIntel(res),
		Meta:          d.meta(start, ""),
		CorrelationID: id,
	})
}

// batchGet serves GET …/batch?ip=a,b,c (ip may repeat).
func (d datpaqAPI) batchGet(w http.ResponseWriter, r *http.Request, id string) {
	var ips []string
	for _, v := range r.URL.Query()["ip"] {
		ips = append(ips, splitList(v)...)
	}
	d.batch(w, r, id, ips)
}

// batchPost serves POST …/batch with {"ip": ["a", "b"]} or {"ip": "a,b"}.
func (d datpaqAPI) batchPost(w http.ResponseWriter, r *http.Request, id string) {
	var req struct {
		IP json.RawMessage `json:"ip"`
	}
	if err := decodeBody(r, &req); err != nil {
		d.fail(w, id, failure{kind: errBadJSON})
		return
	}
	var ips []string
	var one string
	switch {
	case len(req.IP) == 0 || string(req.IP) == "null":
	case json.Unmarshal(req.IP, &ips) == nil:
	case json.Unmarshal(req.IP, &one) == nil:
		ips = splitList(one)
	default:
		d.fail(w, id, failure{kind: errBadJSON})
		return
	}
	d.batch(w, r, id, ips)
}

// splitList splits a comma list; a blank string is no entries.
func splitList(s string) []string {
	if strings.TrimSpace(s) == "" {
		return nil
	}
	return strings.Split(s, ",")
}

func (d datpaqAPI) batch(w http.ResponseWriter, r *http.Request, id string, ips []string) {
	start := d.s.now()
	switch n := len(ips); {
	case n == 0:
		d.fail(w, id, failure{kind: errMissingIP})
		return
	case n > wire.DatpaqMaxBatch:
		d.fail(w, id, failure{kind: errBatchSize, requested: n})
		return
	}
	b, f := d.s.batch(r, ips)
	if f != nil {
		d.fail(w, id, *f)
		return
	}
	resp := wire.DatpaqBatchResponse{Success: true, CorrelationID: id, Meta: d.meta(start, "1-100")}
	resp.Data.Results = make([]wire.DatpaqBatchItem, 0, len(b.Items))
	for _, it := range b.Items {
		item := wire.DatpaqBatchItem{Index: it.Index}
		switch {
		case it.Result != nil:
			item.DatpaqIntel = datpaqIntel(it.Result)
		case isAddrError(it.Err):
			item.IP, item.Error, item.Reason = echo(strings.TrimSpace(it.Input)), "INVALID_IP", reason(it.Err)
		default:
			item.IP, item.Error, item.Reason = echo(strings.TrimSpace(it.Input)), "LOOKUP_FAILED", reason(it.Err)
		}
		resp.Data.Results = append(resp.Data.Results, item)
	}
	resp.Data.Summary = wire.DatpaqSummary{
		TotalRequested:   b.Summary.Total,
		ValidIPs:         b.Summary.Valid,
		InvalidIPs:       b.Summary.Invalid,
		Found:            b.Summary.Found,
		NotFound:         b.Summary.NotFound,
		Errors:           b.Summary.Failed,
		ProcessingTimeMS: resp.Meta.ProcessingTimeMS,
	}
	writeJSON(w, http.StatusOK, resp)
}

func (d datpaqAPI) meta(start time.Time, batchRange string) wire.DatpaqMeta {
	now := d.s.now()
	return wire.DatpaqMeta{
		Timestamp:        now.UTC().Format(time.RFC3339),
		ProcessingTimeMS: int(now.Sub(start).Milliseconds()),
		BatchSizeRange:   batchRange,
	}
}

// datpaqHealth is the body of GET …/health. wire has no Datpaq health
// shape (its documentation shows none), so this one is ours.
type datpaqHealth struct {
	Status    string   `json:"status"`
	Timestamp string   `json:"timestamp"`
	Sources   []string `json:"sources"`
}

func (d datpaqAPI) health(w http.ResponseWriter, _ *http.Request, _ string) {
	var names []string
	for _, src := range d.s.client.Sources() {
		names = append(names, src.Name())
	}
	writeJSON(w, http.StatusOK, datpaqHealth{Status: "ok", Timestamp: d.s.now().UTC().Format(time.RFC3339), Sources: names})
}

func (d datpaqAPI) notFound(w http.ResponseWriter, _ *http.Request, id string) {
	d.fail(w, id, failure{kind: errRoute})
}
