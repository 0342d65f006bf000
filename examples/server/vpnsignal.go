package main

import (
	"net/http"
	"strings"
	"time"

	"github.com/ipintel/ipintel/internal/wire"
)

const apiVPNSignal = "vpnsignal"

// vpnSignalAPI speaks VPN Signal: Bearer keys, {"error", "message",
// "details"} errors, X-RateLimit-* headers (set by server.api).
type vpnSignalAPI struct{ s *server }

func (vpnSignalAPI) name() string                         { return apiVPNSignal }
func (vpnSignalAPI) key(r *http.Request) string           { return bearer(r) }
func (vpnSignalAPI) ids(w http.ResponseWriter, id string) { w.Header().Set("X-Request-ID", id) }

func (vpnSignalAPI) fail(w http.ResponseWriter, _ string, f failure) {
	e := wire.VPNSignalError{Message: f.msg, Details: map[string]any{}}
	status := http.StatusBadRequest
	switch f.kind {
	case errUnauthorized:
		status, e.Error = http.StatusUnauthorized, "unauthorized"
	case errRateLimited:
		status, e.Error, e.RetryAfter = http.StatusTooManyRequests, "rate_limit_exceeded", f.retryAfter
	case errBadJSON:
		e.Error = "invalid_json"
	case errMissingIP:
		e.Error = "missing_ip"
	case errInvalidIP:
		e.Error = "invalid_ip"
		e.Details = map[string]any{"ip": f.ip, "expected": "Valid IPv4 or IPv6 address"}
	case errReservedIP:
		e.Error = "invalid_ip"
		e.Details = map[string]any{"ip": f.ip, "expected": "A public IPv4 or IPv6 address"}
	case errRoute, errNotFound:
		status, e.Error = http.StatusNotFound, "not_found"
	default:
		status, e.Error = http.StatusInternalServerError, "internal_error"
	}
	writeJSON(w, status, e)
}

// check serves POST /check {"ip": "…"}.
func (v vpnSignalAPI) check(w http.ResponseWriter, r *http.Request, id string) {
	var req wire.VPNSignalRequest
	if err := decodeBody(r, &req); err != nil {
		v.fail(w, id, failure{kind: errBadJSON, msg: "Request body must be valid JSON: {\"ip\": \"…\"}"})
		return
	}
	if strings.TrimSpace(req.IP) == "" {
		v.fail(w, id, failure{kind: errMissingIP, msg: "IP address is required"})
		return
	}
	res, f := v.s.lookup(r, req.IP)
	if f != nil {
		v.fail(w, id, *f)
		return
	}
	writeJSON(w, http.StatusOK, vpnSignalResponse(res))
}

// health serves GET /health, without authentication.
func (v vpnSignalAPI) health(w http.ResponseWriter, _ *http.Request, _ string) {
	writeJSON(w, http.StatusOK, wire.VPNSignalHealth{Status: "ok", Timestamp: v.s.now().UTC().Format(time.RFC3339)})
}
