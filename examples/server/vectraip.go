package main

import (
	"fmt"
	"net/http"

	"github.com/ipintel/ipintel/internal/wire"
)

const apiVectraIP = "vectraip"

// vectraAPI speaks VectraIP: X-API-Key, {"detail": …} errors.
type vectraAPI struct{ s *server }

func (vectraAPI) name() string                         { return apiVectraIP }
func (vectraAPI) key(r *http.Request) string           { return r.Header.Get(wire.VectraIPKeyHeader) }
func (vectraAPI) ids(w http.ResponseWriter, id string) { w.Header().Set("X-Request-ID", id) }

func (vectraAPI) fail(w http.ResponseWriter, _ string, f failure) {
	status := map[errKind]int{
		errUnauthorized: http.StatusUnauthorized,
		errRateLimited:  http.StatusTooManyRequests,
		errBadJSON:      http.StatusBadRequest,
		errMissingIP:    http.StatusUnprocessableEntity,
		errInvalidIP:    http.StatusBadRequest,
		errReservedIP:   http.StatusBadRequest,
		errBatchSize:    http.StatusUnprocessableEntity,
		errNotFound:     http.StatusNotFound,
		errRoute:        http.StatusNotFound,
		errInternal:     http.StatusInternalServerError,
	}[f.kind]
	switch f.kind {
	case errBatchSize, errMissingIP:
		// FastAPI's validation error: a list in detail.
		writeJSON(w, status, map[string]any{"detail": []map[string]any{{
			"loc":  []string{"body", "ips"},
			"msg":  f.msg,
			"type": "value_error.list",
		}}})
		return
	case errRateLimited:
		f.msg = fmt.Sprintf("Rate limit exceeded: retry after %d seconds", f.retryAfter)
	}
	writeJSON(w, status, wire.VectraIPError{Detail: wire.RawText(f.msg)})
}

// lookup serves GET /v1/ip/{ip}.
func (v vectraAPI) lookup(w http.ResponseWriter, r *http.Request, id string) {
	res, f := v.s.lookup(r, r.PathValue("ip"))
	if f != nil {
		v.fail(w, id, *f)
		return
	}
	writeJSON(w, http.StatusOK, vectraResponse(res, id))
}

// batch serves POST /v1/batch/ip {"ips": [...]}: at most 100 addresses,
// looked up concurrently, one result per distinct address.
func (v vectraAPI) batch(w http.ResponseWriter, r *http.Request, id string) {
	var req wire.VectraIPBatchRequest
	if err := decodeBody(r, &req); err != nil {
		v.fail(w, id, failure{kind: errBadJSON, msg: "Malformed body: expected {\"ips\": [\"…\"]}"})
		return
	}
	switch n := len(req.IPs); {
	case n == 0:
		v.fail(w, id, failure{kind: errMissingIP, msg: "ensure this value has at least 1 items"})
		return
	case n > wire.VectraIPMaxBatch:
		v.fail(w, id, failure{kind: errBatchSize, requested: n,
			msg: fmt.Sprintf("ensure this value has at most %d items (got %d)", wire.VectraIPMaxBatch, n)})
		return
	}
	b, f := v.s.batch(r, req.IPs)
	if f != nil {
		v.fail(w, id, *f)
		return
	}
	resp := wire.VectraIPBatchResponse{Results: []wire.VectraIPResponse{}, Total: len(req.IPs)}
	seenAddr := map[string]bool{}
	seenBad := map[string]bool{}
	for _, it := range b.Items {
		if it.Result == nil {
			if !seenBad[it.Input] {
				seenBad[it.Input] = true
				resp.Errors = append(resp.Errors, wire.VectraIPBatchError{IP: echo(it.Input), Detail: reason(it.Err)})
			}
			continue
		}
		key := it.Result.Query.IP.String()
		if seenAddr[key] {
			continue
		}
		seenAddr[key] = true
		resp.Results = append(resp.Results, vectraResponse(it.Result, it.Result.Query.RequestID.String()))
	}
	resp.Unique = len(resp.Results) + len(resp.Errors)
	writeJSON(w, http.StatusOK, resp)
}

func (v vectraAPI) notFound(w http.ResponseWriter, _ *http.Request, id string) {
	v.fail(w, id, failure{kind: errRoute, msg: "Not Found"})
}
