package serve

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ipintel/ipintel/compat/compattest"
)

// Role (b) of the conformance suite: every response the server gives, for
// each API, success and error alike, has every documented path with its
// documented type and range, and the documented headers.
func TestServerConforms(t *testing.T) {
	f := newFixture(t, limits{"free", "free", 1000}, "10.0.0.0/8")
	type check struct {
		name  string
		req   call
		code  int
		paths []compattest.Path
	}
	var checks []check
	for _, ip := range []string{vpnAddr, torExit, clean, vpnV6, miss} {
		checks = append(checks,
			check{"VectraIP " + ip, call{path: "/v1/ip/" + ip, auth: "vectra"}, 200, compattest.VectraIP},
			check{"VPN Signal " + ip, call{method: "POST", path: vpnCheck, body: `{"ip":"` + ip + `"}`, auth: "bearer"}, 200, compattest.VPNSignal})
		if ip != miss {
			checks = append(checks, check{"Datpaq " + ip, call{path: datpaqPath + "?ip=" + ip, auth: "bearer"}, 200, compattest.Datpaq})
		}
	}
	batch := `"` + strings.Join([]string{torExit, "bad", vpnAddr, miss, "10.0.0.1", torExit}, `","`) + `"`
	checks = append(checks,
		check{"VectraIP batch", call{method: "POST", path: "/v1/batch/ip", body: `{"ips":[` + batch + `]}`, auth: "vectra"}, 200, compattest.VectraIPBatch},
		check{"VectraIP bad IP", call{path: "/v1/ip/999.1.1.1", auth: "vectra"}, 400, compattest.VectraIPError},
		check{"VectraIP reserved", call{path: "/v1/ip/10.0.0.1", auth: "vectra"}, 400, compattest.VectraIPError},
		check{"VectraIP no key", call{path: "/v1/ip/" + clean}, 401, compattest.VectraIPError},
		check{"VectraIP validation", call{method: "POST", path: "/v1/batch/ip", body: `{"ips":[]}`, auth: "vectra"}, 422, compattest.VectraIPError},
		check{"VectraIP malformed", call{method: "POST", path: "/v1/batch/ip", body: `{`, auth: "vectra"}, 400, compattest.VectraIPError},
		check{"VPN Signal bad IP", call{method: "POST", path: vpnCheck, body: `{"ip":"nope"}`, auth: "bearer"}, 400, compattest.VPNSignalError},
		check{"VPN Signal no key", call{method: "POST", path: vpnCheck, body: `{"ip":"1.1.1.1"}`}, 401, compattest.VPNSignalError},
		check{"VPN Signal health", call{path: "/api/v1/health"}, 200, compattest.VPNSignalHealth},
		check{"Datpaq caller's own IP", call{path: datpaqPath, auth: "bearer", remote: torExit + ":1"}, 200, compattest.Datpaq},
		check{"Datpaq api_key", call{path: datpaqPath + "?ip=" + clean, auth: "api_key"}, 200, compattest.Datpaq},
		check{"Datpaq x-api-key", call{path: datpaqPath + "?ip=" + clean, auth: "x-api-key"}, 200, compattest.Datpaq},
		check{"Datpaq POST batch", call{method: "POST", path: datpaqBatchPath, body: `{"ip":[` + batch + `]}`, auth: "bearer"}, 200, compattest.DatpaqBatch},
		check{"Datpaq GET batch", call{path: datpaqBatchPath + "?ip=" + torExit + ",bad," + miss, auth: "bearer"}, 200, compattest.DatpaqBatch},
		check{"Datpaq bad IP", call{path: datpaqPath + "?ip=1.2.3", auth: "bearer"}, 400, compattest.DatpaqError},
		check{"Datpaq not found", call{path: datpaqPath + "?ip=" + miss, auth: "bearer"}, 404, compattest.DatpaqError},
		check{"Datpaq no key", call{path: datpaqPath + "?ip=" + clean}, 401, compattest.DatpaqError},
		check{"Datpaq batch not an array", call{method: "POST", path: datpaqBatchPath, body: `{"ip":"1.1.1.1"}`, auth: "bearer"}, 400, compattest.DatpaqError},
		check{"Datpaq unknown path", call{path: datpaqPath + "/nope", auth: "bearer"}, 404, compattest.DatpaqError},
	)
	for _, c := range checks {
		t.Run(c.name, func(t *testing.T) {
			f.clock.advance(2 * time.Second) // VPN Signal's free plan allows one a second
			a := f.do(t, c.req).expect(t, c.code)
			for _, err := range compattest.Check(a.body, c.paths, compattest.Strict) {
				t.Errorf("%v\n%s", err, a.body)
			}
			conformHeaders(t, c.req.path, a, f.clock.now())
		})
	}

	// The limits' refusals conform too.
	t.Run("VectraIP 429", func(t *testing.T) {
		var a answer
		for range 11 {
			a = f.do(t, call{path: "/v1/ip/" + clean, auth: "vectra", key: key2})
		}
		a.expect(t, 429)
		if a.header.Get("Retry-After") == "" {
			t.Error("no Retry-After")
		}
		for _, err := range compattest.Check(a.body, compattest.VectraIPError, compattest.Strict) {
			t.Error(err)
		}
	})
	t.Run("VPN Signal 429", func(t *testing.T) {
		req := call{method: "POST", path: vpnCheck, body: `{"ip":"1.1.1.1"}`, auth: "bearer", key: key2}
		f.do(t, req)
		a := f.do(t, req).expect(t, 429)
		for _, err := range compattest.Check(a.body, compattest.VPNSignalError, compattest.Strict) {
			t.Error(err)
		}
		conformHeaders(t, vpnCheck, a, f.clock.now())
	})
}

// conformHeaders checks the documented headers: an X-Request-Id on every
// response, VPN Signal's X-RateLimit-* (integers, Reset a Unix time in the
// future) on every one of its responses, Datpaq's correlationId equal to
// the request id.
func conformHeaders(t *testing.T, path string, a answer, now time.Time) {
	t.Helper()
	id := a.header.Get(requestIDHeader)
	if id == "" {
		t.Error("no X-Request-Id")
	}
	switch {
	case strings.HasPrefix(path, "/api/v1/ip-intelligence"):
		if got, _ := a.fields(t)["correlationId"].(string); got != id {
			t.Errorf("correlationId %q, X-Request-Id %q", got, id)
		}
	case strings.HasPrefix(path, "/api/v1/"):
		for _, h := range []string{rateLimitLimit, rateLimitRemaining, rateLimitReset} {
			if _, err := strconv.Atoi(a.header.Get(h)); err != nil {
				t.Errorf("%s %q", h, a.header.Get(h))
			}
		}
		if reset, _ := strconv.ParseInt(a.header.Get(rateLimitReset), 10, 64); reset <= now.Unix() {
			t.Errorf("X-RateLimit-Reset %d is not a future Unix time", reset)
		}
	}
}
