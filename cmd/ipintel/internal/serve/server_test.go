package serve

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ipintel/ipintel/compat"
)

func TestVectraIPLookup(t *testing.T) {
	f := newFixture(t, roomy)
	a := f.do(t, call{path: "/v1/ip/" + vpnAddr, auth: "vectra"}).expect(t, 200)
	var v compat.VectraIPResponse
	a.decode(t, &v)
	if v.Query.IP != vpnAddr || !strings.HasPrefix(v.Query.RequestID, "req_") || v.Query.RequestID != a.header.Get("X-Request-Id") {
		t.Errorf("query %+v, X-Request-Id %q", v.Query, a.header.Get("X-Request-Id"))
	}
	if _, err := time.Parse(time.RFC3339, v.Query.ProcessedAt); err != nil || v.Query.CacheStatus != "miss" {
		t.Errorf("query %+v", v.Query)
	}
	if !v.Privacy.IsVPN || v.Privacy.IsTor || v.Privacy.RiskScore != v.Risk.Score {
		t.Errorf("privacy %+v", v.Privacy)
	}
	if g := v.Geo; g.CountryCode != "NL" || g.City != "Amsterdam" || g.Continent != "Europe" || g.Coordinates.Lat == 0 {
		t.Errorf("geo %+v", g)
	}
	if n := v.Network; n.ASN != "AS9009" || n.Organization != "M247 Europe SRL" || n.CIDR != "45.130.202.0/24" || n.TrafficClass != "vpn_exit" {
		t.Errorf("network %+v", n)
	}
	if r := v.Risk; r.Score == 0 || r.Level != "high" || r.VPNConfidence == 0 || r.DatacenterRisk == 0 {
		t.Errorf("risk %+v", r)
	}
	if len(v.Meta.DataSources) != 3 {
		t.Errorf("meta %+v", v.Meta)
	}
	if p, ok := a.fields(t)["monitoring"].(map[string]any)["provider"]; !ok || p != nil {
		t.Errorf("monitoring.provider should be null, is %v", p)
	}

	t.Run("IPv6", func(t *testing.T) {
		var v compat.VectraIPResponse
		f.do(t, call{path: "/v1/ip/" + vpnV6, auth: "vectra"}).expect(t, 200).decode(t, &v)
		if v.Query.IP != vpnV6 || !v.Privacy.IsVPN || v.Geo.CountryCode != "SE" {
			t.Errorf("%+v", v)
		}
	})
	t.Run("Tor", func(t *testing.T) {
		var v compat.VectraIPResponse
		f.do(t, call{path: "/v1/ip/" + torExit, auth: "vectra"}).expect(t, 200).decode(t, &v)
		if !v.Privacy.IsTor || v.Risk.Level != "critical" || v.Network.TrafficClass != "tor_exit" {
			t.Errorf("%+v", v)
		}
	})
	t.Run("not found", func(t *testing.T) {
		var v compat.VectraIPResponse
		f.do(t, call{path: "/v1/ip/" + miss, auth: "vectra"}).expect(t, 200).decode(t, &v)
		if v.Query.IP != miss || v.Network.TrafficClass != "" || len(v.Meta.DataSources) != 0 {
			t.Errorf("%+v", v)
		}
	})
	for name, c := range map[string]struct{ path, detail string }{
		"invalid":       {"/v1/ip/not-an-ip", "Invalid IP address"},
		"zone":          {"/v1/ip/fe80::1%25eth0", "Invalid IP address"},
		"private":       {"/v1/ip/10.1.2.3", "Private, loopback and reserved"},
		"loopback":      {"/v1/ip/127.0.0.1", "Private, loopback and reserved"},
		"loopback v6":   {"/v1/ip/::1", "Private, loopback and reserved"},
		"documentation": {"/v1/ip/2001:db8::1", "Private, loopback and reserved"},
	} {
		t.Run(name, func(t *testing.T) {
			var e vectraIPError
			f.do(t, call{path: c.path, auth: "vectra"}).expect(t, 400).decode(t, &e)
			if !strings.Contains(e.Detail, c.detail) {
				t.Errorf("detail %q", e.Detail)
			}
		})
	}
	t.Run("unknown route", func(t *testing.T) {
		var e vectraIPError
		f.do(t, call{path: "/v1/nothing", auth: "vectra"}).expect(t, 404).decode(t, &e)
	})
}

func TestVectraIPBatch(t *testing.T) {
	f := newFixture(t, roomy)
	body := fmt.Sprintf(`{"ips":[%q,%q,%q,"bad","10.0.0.1"," %s","bad",%q]}`, torExit, vpnAddr, torExit, vpnAddr, miss)
	a := f.do(t, call{method: "POST", path: "/v1/batch/ip", body: body, auth: "vectra"}).expect(t, 200)
	var v compat.VectraIPBatchResponse
	a.decode(t, &v)
	var ips []string
	for _, r := range v.Results {
		ips = append(ips, string(r.Query.IP))
	}
	if want := []string{torExit, vpnAddr, miss}; !slices.Equal(ips, want) {
		t.Errorf("results for %v, want %v (deduplicated, in input order)", ips, want)
	}
	if v.Processed != 3 || v.Errors != 2 { // "bad" once, 10.0.0.1
		t.Errorf("processed %d errors %d", v.Processed, v.Errors)
	}
	if !v.Results[0].Privacy.IsTor || !v.Results[1].Privacy.IsVPN {
		t.Errorf("results %+v", v.Results)
	}

	for name, c := range map[string]struct {
		body string
		code int
	}{
		"empty list":    {`{"ips":[]}`, 422},
		"no ips":        {`{}`, 422},
		"101 addresses": {`{"ips":[` + strings.Repeat(`"8.8.8.8",`, 100) + `"8.8.8.8"]}`, 422},
		"malformed":     {`{"ips":`, 400},
		"wrong type":    {`{"ips":"8.8.8.8"}`, 400},
		"trailing data": {`{"ips":["8.8.8.8"]} {}`, 400},
		"not JSON":      {`ips=8.8.8.8`, 400},
	} {
		t.Run(name, func(t *testing.T) {
			var e vectraIPError
			f.do(t, call{method: "POST", path: "/v1/batch/ip", body: c.body, auth: "vectra"}).expect(t, c.code).decode(t, &e)
			if e.Detail == "" {
				t.Errorf("no detail")
			}
		})
	}
	t.Run("100 addresses", func(t *testing.T) {
		var v compat.VectraIPBatchResponse
		f.do(t, call{method: "POST", path: "/v1/batch/ip", body: `{"ips":[` + strings.Repeat(`"8.8.8.8",`, 99) + `"1.1.1.1"]}`, auth: "vectra"}).
			expect(t, 200).decode(t, &v)
		if len(v.Results) != 2 || v.Processed != 2 || v.Errors != 0 {
			t.Errorf("%d results, processed %d", len(v.Results), v.Processed)
		}
	})
	t.Run("oversized body", func(t *testing.T) {
		big := `{"ips":["` + strings.Repeat("1", maxBody) + `"]}`
		f.do(t, call{method: "POST", path: "/v1/batch/ip", body: big, auth: "vectra"}).expect(t, 413)
	})
}

const vpnCheck = "/api/v1/check"

func TestVPNSignal(t *testing.T) {
	f := newFixture(t, limits{"enterprise", "starter", 1000})
	a := f.do(t, call{method: "POST", path: vpnCheck, body: `{"ip":"` + torExit + `"}`, auth: "bearer"}).expect(t, 200)
	var v compat.VPNSignalResponse
	a.decode(t, &v)
	if v.IP != torExit || !v.IsTor || v.IsVPN || v.Recommendation != "block" || v.RiskScore < 80 {
		t.Errorf("%+v", v)
	}
	if v.ASN == nil || v.ASN.Number != 60729 || v.ASN.Route != "185.220.101.0/24" || v.ASN.Name != "Stiftung Erneuerbare Freiheit" {
		t.Errorf("asn %+v", v.ASN)
	}
	if v.Location == nil || v.Location.Country != "DE" || v.Location.City != "Berlin" || v.Company == nil || v.Company.Name == "" {
		t.Errorf("location %+v company %+v", v.Location, v.Company)
	}
	// The starter plan: 10,000 a day; the day (UTC) of the fixture's
	// clock ends at 2026-05-26T00:00:00Z.
	endOfDay := strconv.FormatInt(time.Date(2026, 5, 26, 0, 0, 0, 0, time.UTC).Unix(), 10)
	if a.header.Get("X-Request-Id") == "" || a.header.Get(rateLimitLimit) != "10000" ||
		a.header.Get(rateLimitRemaining) != "9999" || a.header.Get(rateLimitReset) != endOfDay {
		t.Errorf("headers %v", a.header)
	}

	t.Run("VPN verify", func(t *testing.T) {
		f.clock.advance(time.Second)
		var v compat.VPNSignalResponse
		f.do(t, call{method: "POST", path: vpnCheck, body: `{"ip":"` + vpnAddr + `"}`, auth: "bearer"}).expect(t, 200).decode(t, &v)
		if !v.IsVPN || !v.IsHosting || v.Recommendation != "verify" || v.Company.Type != "hosting" {
			t.Errorf("%+v %+v", v, v.Company)
		}
	})
	t.Run("unknown address: nulls", func(t *testing.T) {
		f.clock.advance(time.Second)
		a := f.do(t, call{method: "POST", path: vpnCheck, body: `{"ip":"` + miss + `"}`, auth: "bearer"}).expect(t, 200)
		m := a.fields(t)
		for _, k := range []string{"company", "location", "asn"} {
			if v, ok := m[k]; !ok || v != nil {
				t.Errorf("%s = %v, want null", k, v)
			}
		}
		if m["recommendation"] != "allow" {
			t.Errorf("recommendation %v", m["recommendation"])
		}
	})
	for name, body := range map[string]string{
		"missing ip":   `{}`,
		"empty ip":     `{"ip":"  "}`,
		"invalid ip":   `{"ip":"999.1.1.1"}`,
		"reserved ip":  `{"ip":"192.168.1.1"}`,
		"invalid json": `{"ip":`,
		"ip not text":  `{"ip":17}`,
	} {
		t.Run(name, func(t *testing.T) {
			f.clock.advance(time.Second)
			var e vpnSignalError
			a := f.do(t, call{method: "POST", path: vpnCheck, body: body, auth: "bearer"}).expect(t, 400)
			a.decode(t, &e)
			if e.Error != "invalid_ip" || e.Message == "" || e.Details == nil {
				t.Errorf("%+v", e)
			}
			if a.header.Get(rateLimitReset) != endOfDay {
				t.Errorf("an error lacks the rate-limit headers: %v", a.header)
			}
		})
	}
	t.Run("health without key", func(t *testing.T) {
		var h vpnSignalHealth
		a := f.do(t, call{path: "/api/v1/health"}).expect(t, 200)
		a.decode(t, &h)
		if h.Status != "healthy" || a.header.Get(rateLimitReset) != endOfDay || a.header.Get(rateLimitLimit) == "" {
			t.Errorf("%+v %v", h, a.header)
		}
	})
	t.Run("unknown path", func(t *testing.T) {
		var e vpnSignalError
		f.do(t, call{path: "/check", auth: "bearer"}).expect(t, 404).decode(t, &e)
		if e.Error != "not_found" {
			t.Errorf("%+v", e)
		}
	})
}

const datpaqPath = "/api/v1/ip-intelligence"

func TestDatpaq(t *testing.T) {
	f := newFixture(t, roomy, "10.0.0.0/8")
	a := f.do(t, call{path: datpaqPath + "?ip=" + torExit, auth: "bearer"}).expect(t, 200)
	var v compat.DatpaqResponse
	a.decode(t, &v)
	if v.IP != torExit || !v.IsTor || v.TrustScore > 20 || v.ASN != "AS60729" || v.Country != "DE" || v.Org == "" {
		t.Errorf("%+v", v)
	}
	if v.CorrelationID == "" || v.CorrelationID != a.header.Get("X-Correlation-ID") || v.CorrelationID != a.header.Get("X-Request-Id") {
		t.Errorf("correlationId %q, headers %v", v.CorrelationID, a.header)
	}
	for _, style := range []string{"x-api-key", "api_key"} {
		t.Run(style+" also accepted", func(t *testing.T) {
			f.do(t, call{path: datpaqPath + "?ip=" + clean, auth: style}).expect(t, 200)
		})
	}
	t.Run("no ip: the caller", func(t *testing.T) {
		var v compat.DatpaqResponse
		f.do(t, call{path: datpaqPath, auth: "bearer", remote: vpnAddr + ":40000"}).expect(t, 200).decode(t, &v)
		if v.IP != vpnAddr || !v.IsVPN {
			t.Errorf("%+v", v)
		}
	})
	t.Run("empty ip: the caller", func(t *testing.T) {
		var v compat.DatpaqResponse
		f.do(t, call{path: datpaqPath + "?ip=", auth: "bearer", remote: "[" + vpnV6 + "]:40000"}).expect(t, 200).decode(t, &v)
		if v.IP != vpnV6 {
			t.Errorf("%+v", v)
		}
	})
	t.Run("no ip: the caller behind a trusted proxy", func(t *testing.T) {
		var v compat.DatpaqResponse
		f.do(t, call{path: datpaqPath, auth: "bearer", remote: "10.0.0.1:1",
			header: http.Header{"X-Forwarded-For": {"8.8.8.8, " + torExit}}}).expect(t, 200).decode(t, &v)
		if v.IP != torExit {
			t.Errorf("%+v", v)
		}
	})
	t.Run("no ip: forged header from an untrusted caller", func(t *testing.T) {
		var v compat.DatpaqResponse
		f.do(t, call{path: datpaqPath, auth: "bearer", remote: torExit + ":1",
			header: http.Header{"X-Forwarded-For": {clean}}}).expect(t, 200).decode(t, &v)
		if v.IP != torExit {
			t.Errorf("the forged header was believed: %+v", v)
		}
	})
	t.Run("no ip: a local caller is not indexed", func(t *testing.T) {
		var e datpaqError
		f.do(t, call{path: datpaqPath, auth: "bearer", remote: "127.0.0.1:1"}).expect(t, 404).decode(t, &e)
		if e.Error != datpaqNotFound || e.CorrelationID == "" || e.Success {
			t.Errorf("%+v", e)
		}
	})
	t.Run("not found", func(t *testing.T) {
		var e datpaqError
		f.do(t, call{path: datpaqPath + "?ip=" + miss, auth: "bearer"}).expect(t, 404).decode(t, &e)
		if e.Error != datpaqNotFound {
			t.Errorf("%+v", e)
		}
	})
	t.Run("invalid", func(t *testing.T) {
		var e datpaqError
		f.do(t, call{path: datpaqPath + "?ip=1.2.3", auth: "bearer"}).expect(t, 400).decode(t, &e)
		if e.Error != datpaqInvalidIP {
			t.Errorf("%+v", e)
		}
	})
	t.Run("comma list on the lookup endpoint is a batch", func(t *testing.T) {
		var v compat.DatpaqBatchResponse
		f.do(t, call{path: datpaqPath + "?ip=" + torExit + "," + clean, auth: "bearer"}).expect(t, 200).decode(t, &v)
		if v.Data.Summary.TotalRequested != 2 || len(v.Data.Results) != 2 {
			t.Errorf("%+v", v)
		}
	})
	t.Run("health, batch info and metrics without key", func(t *testing.T) {
		var h datpaqHealth
		f.do(t, call{path: datpaqPath + "/health"}).expect(t, 200).decode(t, &h)
		if h.Status != "healthy" || h.Service == "" || h.Version == "" || h.Timestamp == "" {
			t.Errorf("%+v", h)
		}
		var info datpaqBatchInfo
		f.do(t, call{path: datpaqPath + "/batch/info"}).expect(t, 200).decode(t, &info)
		if info.MaxBatchSize != 100 || info.Endpoint != datpaqBatchPath || len(info.ExampleRequest.IP) == 0 || len(info.ResponseSchema) == 0 {
			t.Errorf("%+v", info)
		}
		for _, p := range []string{datpaqPath + "/metrics", "/metrics"} {
			a := f.do(t, call{path: p}).expect(t, 200)
			id, reqID := a.header.Get("X-Correlation-ID"), a.header.Get("X-Request-Id")
			if p == "/metrics" {
				// The operator's scrape target is not an API endpoint.
				if id != "" || reqID != "" {
					t.Errorf("/metrics carries ids %q, %q", id, reqID)
				}
			} else if id == "" || reqID != id {
				t.Errorf("%s: X-Correlation-ID %q, X-Request-Id %q: want the same id in both", p, id, reqID)
			}
			for _, want := range []string{
				`ipintel_server_requests_total{api="datpaq",code="200",endpoint="lookup"}`,
				`ipintel_server_lookups_total{outcome="found"}`,
				`ipintel_server_request_duration_seconds_bucket`,
				`go_goroutines`,
			} {
				if !strings.Contains(string(a.body), want) {
					t.Errorf("%s lacks %s", p, want)
				}
			}
		}
	})
	t.Run("unknown route", func(t *testing.T) {
		var e datpaqError
		f.do(t, call{path: datpaqPath + "/nothing", auth: "bearer"}).expect(t, 404).decode(t, &e)
		if e.Error != datpaqNoRoute || e.CorrelationID == "" {
			t.Errorf("%+v", e)
		}
	})
}

func TestDatpaqBatch(t *testing.T) {
	f := newFixture(t, roomy)
	input := []string{torExit, "bad", vpnAddr, miss, "10.0.0.1", torExit}
	check := func(t *testing.T, a answer) {
		t.Helper()
		var v compat.DatpaqBatchResponse
		a.expect(t, 200).decode(t, &v)
		s := v.Data.Summary
		if s.TotalRequested != 6 || s.ValidIPs != 4 || s.InvalidIPs != 2 || s.Found != 3 || s.NotFound != 1 {
			t.Errorf("summary %+v", s)
		}
		var ips []string
		for _, it := range v.Data.Results {
			ips = append(ips, string(it.IP))
		}
		if want := []string{torExit, vpnAddr, miss, torExit}; !slices.Equal(ips, want) {
			t.Fatalf("results for %v, want %v", ips, want)
		}
		r := v.Data.Results
		if !r[0].IsTor || !bool(r[0].Found) || r[0].TrustScore == nil || bool(r[0].Error) {
			t.Errorf("item 0 %+v", r[0])
		}
		if bool(r[2].Found) || r[2].TrustScore != nil || bool(r[2].Error) {
			t.Errorf("item 2 (not found) %+v", r[2])
		}
		inv := v.Data.InvalidIPs
		if len(inv) != 2 || inv[0].Index != 1 || inv[0].IP != "bad" || inv[0].Reason != "Invalid IP format" ||
			inv[1].Index != 4 || !strings.Contains(string(inv[1].Reason), "RFC 1918") {
			t.Errorf("invalid_ips %+v", inv)
		}
		if !v.Success || v.CorrelationID == "" || v.CorrelationID != a.header.Get("X-Request-Id") {
			t.Errorf("%+v", v)
		}
	}
	list := strings.Join(input, ",")
	t.Run("POST array", func(t *testing.T) {
		check(t, f.do(t, call{method: "POST", path: datpaqBatchPath, body: `{"ip":["` + strings.Join(input, `","`) + `"]}`, auth: "bearer"}))
	})
	t.Run("GET comma list", func(t *testing.T) {
		check(t, f.do(t, call{path: datpaqBatchPath + "?ip=" + list, auth: "bearer"}))
	})
	t.Run("GET repeated ip", func(t *testing.T) {
		q := "?ip=" + strings.Join(input[:3], ",") + "&ip=" + strings.Join(input[3:], ",")
		check(t, f.do(t, call{path: datpaqBatchPath + q, auth: "bearer"}))
	})
	for name, c := range map[string]struct {
		method, path, body string
		wantError          string
		code               int
	}{
		"no ip":          {"POST", datpaqBatchPath, `{}`, datpaqNotArray, 400},
		"empty list":     {"POST", datpaqBatchPath, `{"ip":[]}`, datpaqEmpty, 400},
		"comma string":   {"POST", datpaqBatchPath, `{"ip":"1.1.1.1,8.8.8.8"}`, datpaqNotArray, 400},
		"GET without ip": {"GET", datpaqBatchPath, ``, datpaqEmpty, 400},
		"malformed":      {"POST", datpaqBatchPath, `{"ip":[`, datpaqNotArray, 400},
		"number":         {"POST", datpaqBatchPath, `{"ip":7}`, datpaqNotArray, 400},
		"101 POST":       {"POST", datpaqBatchPath, `{"ip":[` + strings.Repeat(`"8.8.8.8",`, 100) + `"1.1.1.1"]}`, datpaqTooMany, 422},
		"101 GET":        {"GET", datpaqBatchPath + "?ip=" + strings.Repeat("8.8.8.8,", 100) + "1.1.1.1", ``, datpaqTooMany, 422},
	} {
		t.Run(name, func(t *testing.T) {
			var e datpaqError
			f.do(t, call{method: c.method, path: c.path, body: c.body, auth: "bearer"}).expect(t, c.code).decode(t, &e)
			if e.Error != c.wantError || e.CorrelationID == "" {
				t.Errorf("%+v", e)
			}
		})
	}
}

// TestAuth sends wrong, missing and wrongly-styled keys to every
// authenticated endpoint: each answers 401 in its API's envelope, and no
// response repeats the key it was sent.
func TestAuth(t *testing.T) {
	f := newFixture(t, roomy)
	endpoints := []struct {
		api, method, path, body, style string
	}{
		{apiVectraIP, "GET", "/v1/ip/" + clean, "", "vectra"},
		{apiVectraIP, "POST", "/v1/batch/ip", `{"ips":["` + clean + `"]}`, "vectra"},
		{apiVPNSignal, "POST", vpnCheck, `{"ip":"` + clean + `"}`, "bearer"},
		{apiDatpaq, "GET", datpaqPath + "?ip=" + clean, "", "bearer"},
		{apiDatpaq, "GET", datpaqBatchPath + "?ip=" + clean, "", "bearer"},
		{apiDatpaq, "POST", datpaqBatchPath, `{"ip":["` + clean + `"]}`, "bearer"},
	}
	const wrong = "wrong-key-SECRET-do-not-echo"
	for _, e := range endpoints {
		name := e.method + " " + e.path
		// Each endpoint's eight refusals come from a fresh allowance of
		// failed authentications (TestAuthThrottle tests the throttle).
		f.clock.advance(defaultAuthRefill)
		// The right key in the right style works.
		f.do(t, call{method: e.method, path: e.path, body: e.body, auth: e.style}).expect(t, 200)
		other := "bearer"
		if e.style == "bearer" {
			other = "vectra"
		}
		for label, c := range map[string]call{
			"no key":          {},
			"wrong key":       {auth: e.style, key: wrong},
			"key prefix":      {auth: e.style, key: key1[:len(key1)-1]},
			"key with suffix": {auth: e.style, key: key1 + "x"},
			"empty bearer":    {header: http.Header{"Authorization": {"Bearer "}}},
			"basic auth":      {header: http.Header{"Authorization": {"Basic " + key1}}},
			"wrong style":     {auth: other, key: wrong},
			"wrong query key": {auth: "api_key", key: wrong},
		} {
			c.method, c.path, c.body = e.method, e.path, e.body
			a := f.do(t, c)
			if a.code != http.StatusUnauthorized {
				t.Errorf("%s, %s: status %d", name, label, a.code)
				continue
			}
			for _, k := range []string{wrong, key1, key2, "SECRET"} {
				if strings.Contains(string(a.body), k) || strings.Contains(fmt.Sprint(a.header), k) {
					t.Errorf("%s, %s: response repeats a key: %s %v", name, label, a.body, a.header)
				}
			}
			if !errorEnvelope(e.api, a.body) {
				t.Errorf("%s: %s, want %s's error envelope", name, a.body, e.api)
			}
			if e.api == apiVPNSignal && a.fields(t)["error"] != "unauthorized" {
				t.Errorf("%s: %s, want error \"unauthorized\"", name, a.body)
			}
		}
	}
	t.Run("VectraIP takes only its header", func(t *testing.T) {
		f.do(t, call{path: "/v1/ip/" + clean, auth: "bearer"}).expect(t, 401)
		f.do(t, call{path: "/v1/ip/" + clean + "?api_key=" + key1}).expect(t, 401)
	})
	t.Run("VPN Signal takes only a bearer token", func(t *testing.T) {
		f.do(t, call{method: "POST", path: vpnCheck, body: `{"ip":"1.1.1.1"}`, auth: "x-api-key"}).expect(t, 401)
	})
	t.Run("lower-case bearer scheme", func(t *testing.T) {
		f.do(t, call{method: "POST", path: vpnCheck, body: `{"ip":"1.1.1.1"}`, header: http.Header{"Authorization": {"bearer " + key1}}}).expect(t, 200)
	})
}

func TestRequestIDsAreUnique(t *testing.T) {
	f := newFixture(t, roomy)
	seen := map[string]bool{}
	for _, c := range []call{{path: "/v1/ip/" + clean, auth: "vectra"}, {path: "/v1/ip/" + clean}, {path: "/api/v1/health"},
		{path: datpaqPath + "?ip=" + clean, auth: "bearer"}, {path: "/nowhere"}} {
		for range 10 {
			id := f.do(t, c).header.Get("X-Request-Id")
			if !strings.HasPrefix(id, "req") || len(id) != 20 || seen[id] {
				t.Fatalf("%s: request id %q repeated or malformed", c.path, id)
			}
			seen[id] = true
		}
	}
}

// TestConcurrent hits every API at once under -race.
func TestConcurrent(t *testing.T) {
	f := newFixture(t, roomy)
	calls := []call{
		{path: "/v1/ip/" + torExit, auth: "vectra"},
		{method: "POST", path: "/v1/batch/ip", body: `{"ips":["` + torExit + `","` + vpnAddr + `","bad"]}`, auth: "vectra"},
		{path: datpaqBatchPath + "?ip=" + clean + "," + miss, auth: "bearer"},
		{path: "/metrics"},
	}
	errs := make(chan string, 8)
	for g := range 8 {
		go func() {
			msg := ""
			for i := range 40 {
				c := calls[(g+i)%len(calls)]
				if a := f.do(t, c); a.code != 200 {
					msg = fmt.Sprintf("%s %s: %d", c.method, c.path, a.code)
				}
			}
			errs <- msg
		}()
	}
	for range 8 {
		if msg := <-errs; msg != "" {
			t.Error(msg)
		}
	}
}

// TestOddPaths: paths ServeMux would answer with a bare redirect (a
// subtree root without its slash, "." and ".." segments, doubled slashes)
// or a bare 405 get the answer of the API whose paths they are under:
// VectraIP's under /v1, Datpaq's under its base, VPN Signal's elsewhere.
func TestOddPaths(t *testing.T) {
	f := newFixture(t, roomy)
	for _, tc := range []struct {
		c    call
		code int
		api  string
	}{
		{call{path: "/v1"}, 404, apiVectraIP},
		{call{path: "/v1/ip"}, 404, apiVectraIP},
		{call{path: "/v1/ip/"}, 404, apiVectraIP},
		{call{path: "/v1/ip/."}, 404, apiVectraIP},
		{call{path: "/v1/ip/" + clean + "/.."}, 404, apiVectraIP},
		{call{path: "/v1//ip/" + clean, auth: "vectra"}, 200, apiVectraIP},
		{call{path: "/v1/./ip/" + clean, auth: "vectra"}, 200, apiVectraIP},
		{call{method: "POST", path: "/v1/ip/" + clean, auth: "vectra"}, 404, apiVectraIP},
		{call{method: "POST", path: datpaqPath, auth: "bearer"}, 404, apiDatpaq},
		{call{path: datpaqPath + "//"}, 404, apiDatpaq},
		{call{path: datpaqPath + "/./health"}, 200, apiDatpaq},
		{call{path: datpaqPath + "/../check"}, 404, apiVPNSignal},
		{call{method: "PUT", path: vpnCheck, auth: "bearer"}, 404, apiVPNSignal},
		{call{path: "/api/v1//health"}, 200, apiVPNSignal},
		{call{path: "/api"}, 404, apiVPNSignal},
		{call{method: "POST", path: "/metrics"}, 404, apiVPNSignal},
	} {
		a := f.do(t, tc.c)
		name := tc.c.method + " " + tc.c.path
		if a.code != tc.code || a.header.Get("X-Request-Id") == "" || !json.Valid(a.body) {
			t.Errorf("%s: %d, X-Request-Id %q, body %.80q; want %d with an id and JSON", name, a.code, a.header.Get("X-Request-Id"), a.body, tc.code)
			continue
		}
		if tc.code != 200 && !errorEnvelope(tc.api, a.body) {
			t.Errorf("%s: %s, want %s's error envelope", name, a.body, tc.api)
		}
		if tc.api == apiDatpaq && a.header.Get("X-Correlation-ID") != a.header.Get("X-Request-Id") {
			t.Errorf("%s: X-Correlation-ID %q, X-Request-Id %q", name, a.header.Get("X-Correlation-ID"), a.header.Get("X-Request-Id"))
		}
	}
	for _, p := range []string{vectraIPLookupPath, vectraIPBatchPath} {
		if !strings.HasPrefix(p, vectraIPBase+"/") {
			t.Errorf("VectraIP path %s is not under %s", p, vectraIPBase)
		}
	}
}
