package serve

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/ipintel/ipintel/compat"
)

const apiVPNSignal = "vpnsignal"

// vpnSignalBase is the path of VPN Signal's base URL,
// https://vpnsignal.io/api/v1.
const vpnSignalBase = "/api/v1"

// vpnSignalAPI speaks VPN Signal: Bearer keys, {"error", "message",
// "details"} errors, limits per key by plan (per UTC day and per second),
// X-RateLimit-* headers on every response.
type vpnSignalAPI struct{ s *server }

func (vpnSignalAPI) name() string               { return apiVPNSignal }
func (vpnSignalAPI) newID() string              { return newRequestID() }
func (vpnSignalAPI) key(r *http.Request) string { return bearer(r) }

// admit counts a keyed request against its plan's per-second and daily
// limits. The X-RateLimit-* headers, on every response, describe the daily
// window (Reset: the Unix time the UTC day ends), or the per-second one on
// a plan with no daily limit. A response to a request without a valid key
// (health, 401) shows the free plan's daily window, untouched.
func (v vpnSignalAPI) admit(w http.ResponseWriter, _ *http.Request, acct *account) *failure {
	h := w.Header()
	set := func(limit, remaining int, reset int64) {
		h.Set(rateLimitLimit, strconv.Itoa(limit))
		h.Set(rateLimitRemaining, strconv.Itoa(remaining))
		h.Set(rateLimitReset, strconv.FormatInt(reset, 10))
	}
	now := v.s.now()
	if acct == nil {
		free := vpnSignalPlans[0]
		_, end := utcDay(now)
		set(free.Daily, free.Daily, end.Unix())
		return nil
	}
	plan := acct.vpnSig
	sec := v.s.vpnSecond.allow(acct.id, plan.PerSecond)
	if plan.Daily == 0 {
		set(plan.PerSecond, sec.remaining, ceilUnix(sec.reset))
		if !sec.allowed {
			return v.limited(w, sec.reset.Sub(now), "Per-second limit exceeded")
		}
		return nil
	}
	if !sec.allowed {
		day := v.s.vpnDay.peek(acct.id, plan.Daily)
		set(plan.Daily, day.remaining, day.reset.Unix())
		return v.limited(w, sec.reset.Sub(now), "Per-second limit exceeded")
	}
	day := v.s.vpnDay.allow(acct.id, plan.Daily)
	set(plan.Daily, day.remaining, day.reset.Unix())
	if !day.allowed {
		return v.limited(w, day.reset.Sub(now), "Daily limit exceeded")
	}
	return nil
}

// ceilUnix is t as a Unix time, rounded up: a reset never names a second
// that has already begun.
func ceilUnix(t time.Time) int64 {
	if t.Nanosecond() > 0 {
		return t.Unix() + 1
	}
	return t.Unix()
}

// limited is the 429 failure, with Retry-After.
func (vpnSignalAPI) limited(w http.ResponseWriter, wait time.Duration, msg string) *failure {
	retry := seconds(wait)
	w.Header().Set("Retry-After", strconv.Itoa(retry))
	return &failure{kind: errRateLimited, msg: msg, retryAfter: retry}
}

// fail writes the documented envelope with the documented codes: 400
// invalid_ip (also for a body without a usable ip), 401 unauthorized, 429
// rate_limit_exceeded, 500 internal_error; an unknown path is 404
// not_found and a body over maxBody 413 payload_too_large (codes of our
// choosing: the page lists none for these).
func (vpnSignalAPI) fail(w http.ResponseWriter, _ string, f failure) {
	e := vpnSignalError{Message: f.msg, Details: map[string]any{}}
	status := http.StatusBadRequest
	switch f.kind {
	case errUnauthorized:
		status, e.Error = http.StatusUnauthorized, "unauthorized"
	case errQuota:
		status, e.Error = http.StatusForbidden, "forbidden"
	case errRateLimited:
		status, e.Error = http.StatusTooManyRequests, "rate_limit_exceeded"
		e.Details = map[string]any{"retry_after": f.retryAfter}
	case errBadJSON, errMissingIP:
		e.Error = "invalid_ip"
	case errInvalidIP, errReservedIP:
		e.Error = "invalid_ip"
		e.Details = map[string]any{"ip": f.ip, "expected": "A public IPv4 or IPv6 address"}
	case errBodyTooLarge:
		status, e.Error = http.StatusRequestEntityTooLarge, "payload_too_large"
	case errRoute, errNotFound:
		status, e.Error = http.StatusNotFound, "not_found"
	default:
		status, e.Error = http.StatusInternalServerError, "internal_error"
	}
	writeJSON(w, status, e)
}

// check serves POST /api/v1/check {"ip": "…"}.
func (v vpnSignalAPI) check(w http.ResponseWriter, r *http.Request, id string) {
	var req vpnSignalRequest
	if err := decodeBody(r, &req); bodyTooLarge(err) {
		v.fail(w, id, failure{kind: errBodyTooLarge, msg: tooLargeMsg})
		return
	} else if err != nil {
		v.fail(w, id, failure{kind: errBadJSON, msg: `Request body must be JSON: {"ip": "…"}`})
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
	writeJSON(w, http.StatusOK, compat.VPNSignal(res))
}

// health serves GET /api/v1/health, without authentication.
func (v vpnSignalAPI) health(w http.ResponseWriter, _ *http.Request, _ string) {
	writeJSON(w, http.StatusOK, vpnSignalHealth{Status: "healthy"})
}

func (v vpnSignalAPI) notFound(w http.ResponseWriter, _ *http.Request, id string) {
	v.fail(w, id, failure{kind: errRoute, msg: "No such endpoint"})
}
