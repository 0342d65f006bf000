package serve

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/ipintel/ipintel/compat"
)

const apiVectraIP = "vectraip"

// vectraIPBase is the path every documented VectraIP endpoint is under
// (its base URL is the host's root).
const vectraIPBase = "/v1"

// vectraAPI speaks VectraIP: X-API-Key, {"detail": …} errors, limits per
// key by plan (a sliding 60-second window and a monthly quota).
type vectraAPI struct{ s *server }

func (vectraAPI) name() string               { return apiVectraIP }
func (vectraAPI) newID() string              { return newRequestID() }
func (vectraAPI) key(r *http.Request) string { return r.Header.Get(vectraIPKeyHeader) }

func (v vectraAPI) admit(w http.ResponseWriter, _ *http.Request, acct *account) *failure {
	if acct == nil {
		return nil // refused as unauthorized, without counting
	}
	plan := acct.vectraIP
	minute := v.s.vectraMinute.allow(acct.id, plan.PerMinute)
	if !minute.allowed {
		retry := seconds(minute.reset.Sub(v.s.now()))
		w.Header().Set("Retry-After", strconv.Itoa(retry))
		return &failure{kind: errRateLimited, retryAfter: retry,
			msg: fmt.Sprintf("Rate limit exceeded: %d requests per minute on the %s plan", plan.PerMinute, plan.Name)}
	}
	if plan.Monthly > 0 && !v.s.vectraMonth.allow(acct.id, plan.Monthly).allowed {
		return &failure{kind: errQuota, msg: fmt.Sprintf("Monthly quota of %d requests exceeded", plan.Monthly)}
	}
	return nil
}

func (vectraAPI) fail(w http.ResponseWriter, _ string, f failure) {
	status := map[errKind]int{
		errUnauthorized: http.StatusUnauthorized,
		errQuota:        http.StatusForbidden,
		errRateLimited:  http.StatusTooManyRequests,
		errBadJSON:      http.StatusBadRequest,
		errMissingIP:    http.StatusUnprocessableEntity,
		errInvalidIP:    http.StatusBadRequest,
		errReservedIP:   http.StatusBadRequest,
		errBatchSize:    http.StatusUnprocessableEntity,
		errBodyTooLarge: http.StatusRequestEntityTooLarge,
		errNotFound:     http.StatusNotFound,
		errRoute:        http.StatusNotFound,
		errInternal:     http.StatusInternalServerError,
	}[f.kind]
	writeJSON(w, status, vectraIPError{Detail: f.msg})
}

// lookup serves GET /v1/ip/{ip}. The response's request_id is the
// X-Request-Id of the response, as documented.
func (v vectraAPI) lookup(w http.ResponseWriter, r *http.Request, id string) {
	res, f := v.s.lookup(r, r.PathValue("ip"))
	if f != nil {
		v.fail(w, id, *f)
		return
	}
	out := compat.VectraIP(res)
	out.Query.RequestID = id
	writeJSON(w, http.StatusOK, out)
}

// batch serves POST /v1/batch/ip {"ips": [...]}: at most 100 addresses,
// looked up concurrently, one result per distinct address. More is a 422
// at any body size (decodeList stops at the 101st); a body over maxBody
// before that is a 413.
func (v vectraAPI) batch(w http.ResponseWriter, r *http.Request, id string) {
	ips, _, err := decodeList(r, "ips", vectraIPMaxBatch)
	switch {
	case bodyTooLarge(err):
		v.fail(w, id, failure{kind: errBodyTooLarge, msg: tooLargeMsg})
		return
	case errors.Is(err, errTooMany):
		v.fail(w, id, failure{kind: errBatchSize,
			msg: fmt.Sprintf("Validation error: ips must hold at most %d addresses", vectraIPMaxBatch)})
		return
	case err != nil:
		v.fail(w, id, failure{kind: errBadJSON, msg: `Malformed body: expected {"ips": ["…"]}`})
		return
	case len(ips) == 0:
		v.fail(w, id, failure{kind: errMissingIP, msg: "Validation error: ips must hold at least 1 address"})
		return
	}
	b, f := v.s.batch(r, ips)
	if f != nil {
		v.fail(w, id, *f)
		return
	}
	writeJSON(w, http.StatusOK, compat.VectraIPBatch(b))
}

func (v vectraAPI) notFound(w http.ResponseWriter, _ *http.Request, id string) {
	v.fail(w, id, failure{kind: errRoute, msg: "Not Found"})
}
