package main

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ipintel/ipintel/internal/wire"
)

func TestVectraIPLookup(t *testing.T) {
	f := newFixture(t, 100)
	a := f.do(t, call{path: "/v1/ip/" + vpnAddr, auth: "vectra"}).expect(t, 200)
	var v wire.VectraIPResponse
	a.decode(t, &v)
	if v.Query.IP != vpnAddr || v.Query.RequestID == "" || v.Query.RequestID != a.header.Get("X-Request-ID") {
		t.Errorf("query %+v, X-Request-ID %q", v.Query, a.header.Get("X-Request-ID"))
	}
	if _, err := time.Parse(time.RFC3339, v.Query.ProcessedAt); err != nil || v.Query.CacheStatus != "miss" {
		t.Errorf("query %+v", v.Query)
	}
	if !v.Privacy.IsVPN || !v.Privacy.IsHosting || v.Privacy.IsTor || v.Privacy.Provider != "ExampleVPN" || v.Privacy.RiskScore != v.Risk.Score {
		t.Errorf("privacy %+v", v.Privacy)
	}
	if g := v.Geo; g.CountryCode != "NL" || g.City != "Amsterdam" || g.Continent != "Europe" || g.Coordinates.Lat == 0 {
		t.Errorf("geo %+v", g)
	}
	if n := v.Network; n.ASN != "AS9009" || n.Organization != "M247 Europe SRL" || n.CIDR != "45.130.202.0/24" || n.TrafficClass != "vpn_exit" {
		t.Errorf("network %+v", n)
	}
	if r := v.Risk; r.Score == 0 || r.Level != "high" || r.VPNConfidence == 0 {
		t.Errorf("risk %+v", r)
	}
	if v.Meta.Found == nil || !*v.Meta.Found || len(v.Meta.DataSources) != 3 {
		t.Errorf("meta %+v", v.Meta)
	}
	// Documented fields are present by name even when empty.
	m := a.fields(t)
	for _, section := range []string{"query", "privacy", "geo", "network", "monitoring", "risk", "meta"} {
		if _, ok := m[section]; !ok {
			t.Errorf("no %q section", section)
		}
	}
	if c := m["geo"].(map[string]any)["coordinates"].(map[string]any); c["lat"] == nil || c["lng"] == nil {
		t.Errorf("coordinates %v", c)
	}
	if p, ok := m["monitoring"].(map[string]any)["provider"]; !ok || p != nil {
		t.Errorf("monitoring.provider should be null, is %v", p)
	}

	t.Run("IPv6", func(t *testing.T) {
		var v wire.VectraIPResponse
		f.do(t, call{path: "/v1/ip/" + vpnV6, auth: "vectra"}).expect(t, 200).decode(t, &v)
		if v.Query.IP != vpnV6 || !v.Privacy.IsVPN || v.Privacy.Provider != "Mullvad VPN" || v.Geo.CountryCode != "SE" {
			t.Errorf("%+v", v)
		}
	})
	t.Run("Tor", func(t *testing.T) {
		var v wire.VectraIPResponse
		f.do(t, call{path: "/v1/ip/" + torExit, auth: "vectra"}).expect(t, 200).decode(t, &v)
		if !v.Privacy.IsTor || v.Risk.Level != "critical" || v.Network.TrafficClass != "tor_exit" {
			t.Errorf("%+v", v)
		}
	})
	t.Run("not found", func(t *testing.T) {
		var v wire.VectraIPResponse
		f.do(t, call{path: "/v1/ip/" + miss, auth: "vectra"}).expect(t, 200).decode(t, &v)
		if v.Meta.Found == nil || *v.Meta.Found || v.Query.IP != miss {
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
			var e wire.VectraIPError
			f.do(t, call{path: c.path, auth: "vectra"}).expect(t, 400).decode(t, &e)
			if !strings.Contains(string(e.Detail), c.detail) {
				t.Errorf("detail %q", e.Detail)
			}
		})
	}
	t.Run("unknown route", func(t *testing.T) {
		var e wire.VectraIPError
		f.do(t, call{path: "/v1/nothing", auth: "vectra"}).expect(t, 404).decode(t, &e)
	})
}

func TestVectraIPBatch(t *testing.T) {
	f := newFixture(t, 100)
	body := fmt.Sprintf(`{"ips":[%q,%q,%q,"bad","10.0.0.1"," %s","bad",%q]}`, torExit, vpnAddr, torExit, vpnAddr, miss)
	a := f.do(t, call{method: "POST", path: "/v1/batch/ip", body: body, auth: "vectra"}).expect(t, 200)
	var v wire.VectraIPBatchResponse
	a.decode(t, &v)
	var ips []string
	for _, r := range v.Results {
		ips = append(ips, r.Query.IP)
	}
	if want := []string{torExit, vpnAddr, miss}; !slices.Equal(ips, want) {
		t.Errorf("results for %v, want %v (deduplicated, in input order)", ips, want)
	}
	if len(v.Errors) != 2 || v.Errors[0].IP != "bad" || v.Errors[1].IP != "10.0.0.1" || !strings.Contains(v.Errors[1].Detail, "RFC 1918") {
		t.Errorf("errors %+v", v.Errors)
	}
	if v.Total != 8 || v.Unique != 5 {
		t.Errorf("total %d unique %d", v.Total, v.Unique)
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
			a := f.do(t, call{method: "POST", path: "/v1/batch/ip", body: c.body, auth: "vectra"}).expect(t, c.code)
			if _, ok := a.fields(t)["detail"]; !ok {
				t.Errorf("no detail in %s", a.body)
			}
		})
	}
	t.Run("100 addresses", func(t *testing.T) {
		var v wire.VectraIPBatchResponse
		f.do(t, call{method: "POST", path: "/v1/batch/ip", body: `{"ips":[` + strings.Repeat(`"8.8.8.8",`, 99) + `"1.1.1.1"]}`, auth: "vectra"}).
			expect(t, 200).decode(t, &v)
		if len(v.Results) != 2 || v.Total != 100 {
			t.Errorf("%d results, total %d", len(v.Results), v.Total)
		}
	})
	t.Run("oversized body", func(t *testing.T) {
		big := `{"ips":["` + strings.Repeat("1", maxBody) + `"]}`
		f.do(t, call{method: "POST", path: "/v1/batch/ip", body: big, auth: "vectra"}).expect(t, 400)
	})
}

func TestVPNSignal(t *testing.T) {
	f := newFixture(t, 100)
	a := f.do(t, call{method: "POST", path: "/check", body: `{"ip":"` + torExit + `"}`, auth: "bearer"}).expect(t, 200)
	var v wire.VPNSignalResponse
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
	if a.header.Get("X-Request-ID") == "" || a.header.Get(wire.RateLimitLimit) != "100" || a.header.Get(wire.RateLimitRemaining) != "99" || a.header.Get(wire.RateLimitReset) != "60" {
		t.Errorf("headers %v", a.header)
	}

	t.Run("VPN verify", func(t *testing.T) {
		var v wire.VPNSignalResponse
		f.do(t, call{method: "POST", path: "/check", body: `{"ip":"` + vpnAddr + `"}`, auth: "bearer"}).expect(t, 200).decode(t, &v)
		if !v.IsVPN || !v.IsHosting || v.Recommendation != "verify" || v.Company.Type != "hosting" {
			t.Errorf("%+v %+v", v, v.Company)
		}
	})
	t.Run("unknown address: nulls", func(t *testing.T) {
		a := f.do(t, call{method: "POST", path: "/check", body: `{"ip":"` + miss + `"}`, auth: "bearer"}).expect(t, 200)
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
	for name, c := range map[string]struct{ body, code string }{
		"missing ip":   {`{}`, "missing_ip"},
		"empty ip":     {`{"ip":"  "}`, "missing_ip"},
		"invalid ip":   {`{"ip":"999.1.1.1"}`, "invalid_ip"},
		"reserved ip":  {`{"ip":"192.168.1.1"}`, "invalid_ip"},
		"invalid json": {`{"ip":`, "invalid_json"},
		"ip not text":  {`{"ip":17}`, "invalid_json"},
	} {
		t.Run(name, func(t *testing.T) {
			var e wire.VPNSignalError
			f.do(t, call{method: "POST", path: "/check", body: c.body, auth: "bearer"}).expect(t, 400).decode(t, &e)
			if e.Error != c.code || e.Message == "" || e.Details == nil {
				t.Errorf("%+v", e)
			}
			if c.code == "invalid_ip" && e.Details["ip"] == nil {
				t.Errorf("details %v", e.Details)
			}
		})
	}
	t.Run("health without key", func(t *testing.T) {
		var h wire.VPNSignalHealth
		f.do(t, call{path: "/health"}).expect(t, 200).decode(t, &h)
		if h.Status != "ok" || h.Timestamp == "" {
			t.Errorf("%+v", h)
		}
	})
}

func TestDatpaq(t *testing.T) {
	f := newFixture(t, 1000, "10.0.0.0/8")
	a := f.do(t, call{path: "/api/v1/ip-intelligence?ip=" + torExit, auth: "bearer"}).expect(t, 200)
	var v wire.DatpaqResponse
	a.decode(t, &v)
	d := v.Data
	if !v.Success || d.IP != torExit || !d.IsTor || d.TrustScore == nil || *d.TrustScore > 20 || d.ASN != "AS60729" || d.Country != "DE" || !d.Found || d.Org == "" {
		t.Errorf("%+v", v)
	}
	if v.CorrelationID == "" || v.CorrelationID != a.header.Get("X-Correlation-ID") {
		t.Errorf("correlationId %q, header %q", v.CorrelationID, a.header.Get("X-Correlation-ID"))
	}
	if _, err := time.Parse(time.RFC3339, v.Meta.Timestamp); err != nil {
		t.Error(err)
	}

	t.Run("X-API-Key also accepted", func(t *testing.T) {
		f.do(t, call{path: "/api/v1/ip-intelligence?ip=" + clean, auth: "x-api-key"}).expect(t, 200)
	})
	t.Run("no ip: the caller", func(t *testing.T) {
		var v wire.DatpaqResponse
		f.do(t, call{path: "/api/v1/ip-intelligence", auth: "bearer", remote: vpnAddr + ":40000"}).expect(t, 200).decode(t, &v)
		if v.Data.IP != vpnAddr || !v.Data.IsVPN {
			t.Errorf("%+v", v.Data)
		}
	})
	t.Run("empty ip: the caller", func(t *testing.T) {
		var v wire.DatpaqResponse
		f.do(t, call{path: "/api/v1/ip-intelligence?ip=", auth: "bearer", remote: "[" + vpnV6 + "]:40000"}).expect(t, 200).decode(t, &v)
		if v.Data.IP != vpnV6 {
			t.Errorf("%+v", v.Data)
		}
	})
	t.Run("no ip: the caller behind a trusted proxy", func(t *testing.T) {
		var v wire.DatpaqResponse
		f.do(t, call{path: "/api/v1/ip-intelligence", auth: "bearer", remote: "10.0.0.1:1",
			header: http.Header{"X-Forwarded-For": {"8.8.8.8, " + torExit}}}).expect(t, 200).decode(t, &v)
		if v.Data.IP != torExit {
			t.Errorf("%+v", v.Data)
		}
	})
	t.Run("no ip: forged header from an untrusted caller", func(t *testing.T) {
		var v wire.DatpaqResponse
		f.do(t, call{path: "/api/v1/ip-intelligence", auth: "bearer", remote: torExit + ":1",
			header: http.Header{"X-Forwarded-For": {clean}}}).expect(t, 200).decode(t, &v)
		if v.Data.IP != torExit {
			t.Errorf("the forged header was believed: %+v", v.Data)
		}
	})
	t.Run("no ip: a local caller is reserved", func(t *testing.T) {
		var e wire.DatpaqError
		f.do(t, call{path: "/api/v1/ip-intelligence", auth: "bearer", remote: "127.0.0.1:1"}).expect(t, 400).decode(t, &e)
		if e.Error != "INVALID_IP" || e.CorrelationID == "" {
			t.Errorf("%+v", e)
		}
	})
	t.Run("not found", func(t *testing.T) {
		var e wire.DatpaqError
		f.do(t, call{path: "/api/v1/ip-intelligence?ip=" + miss, auth: "bearer"}).expect(t, 404).decode(t, &e)
		if e.Error != "NOT_FOUND" {
			t.Errorf("%+v", e)
		}
	})
	t.Run("invalid", func(t *testing.T) {
		var e wire.DatpaqError
		f.do(t, call{path: "/api/v1/ip-intelligence?ip=1.2.3", auth: "bearer"}).expect(t, 400).decode(t, &e)
		if e.Error != "INVALID_IP" {
			t.Errorf("%+v", e)
		}
	})
	t.Run("health and metrics without key", func(t *testing.T) {
		var h datpaqHealth
		f.do(t, call{path: "/api/v1/ip-intelligence/health"}).expect(t, 200).decode(t, &h)
		if h.Status != "ok" || len(h.Sources) != 3 {
			t.Errorf("%+v", h)
		}
		for _, p := range []string{"/api/v1/ip-intelligence/metrics", "/metrics"} {
			a := f.do(t, call{path: p}).expect(t, 200)
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
		var e wire.DatpaqError
		f.do(t, call{path: "/api/v1/ip-intelligence/nothing", auth: "bearer"}).expect(t, 404).decode(t, &e)
	})
}

func TestDatpaqBatch(t *testing.T) {
	f := newFixture(t, 1000)
	input := []string{torExit, "bad", vpnAddr, miss, "10.0.0.1", torExit}
	check := func(t *testing.T, a answer) {
		t.Helper()
		var v wire.DatpaqBatchResponse
		a.expect(t, 200).decode(t, &v)
		s := v.Data.Summary
		if s.TotalRequested != 6 || s.ValidIPs != 4 || s.InvalidIPs != 2 || s.Found != 3 || s.NotFound != 1 || s.Errors != 0 {
			t.Errorf("summary %+v", s)
		}
		if len(v.Data.Results) != 6 {
			t.Fatalf("%d results", len(v.Data.Results))
		}
		for i, it := range v.Data.Results {
			if it.Index != i || it.IP != input[i] {
				t.Errorf("item %d: index %d ip %q", i, it.Index, it.IP)
			}
		}
		r := v.Data.Results
		if !r[0].IsTor || !r[0].Found || r[0].TrustScore == nil || r[0].Error != "" {
			t.Errorf("item 0 %+v", r[0])
		}
		if r[1].Error != "INVALID_IP" || r[1].Reason == "" || r[1].Found || r[1].TrustScore != nil {
			t.Errorf("item 1 %+v", r[1])
		}
		if r[3].Found || r[3].TrustScore != nil || r[3].Error != "" {
			t.Errorf("item 3 (not found) %+v", r[3])
		}
		if r[4].Error != "INVALID_IP" || !strings.Contains(r[4].Reason, "RFC 1918") {
			t.Errorf("item 4 (reserved) %+v", r[4])
		}
		if !v.Success || v.CorrelationID == "" || v.Meta.BatchSizeRange != "1-100" {
			t.Errorf("%+v", v)
		}
	}
	list := strings.Join(input, ",")
	t.Run("POST array", func(t *testing.T) {
		check(t, f.do(t, call{method: "POST", path: wire.DatpaqBatch, body: `{"ip":["` + strings.Join(input, `","`) + `"]}`, auth: "bearer"}))
	})
	t.Run("POST comma list", func(t *testing.T) {
		check(t, f.do(t, call{method: "POST", path: wire.DatpaqBatch, body: `{"ip":"` + list + `"}`, auth: "bearer"}))
	})
	t.Run("GET comma list", func(t *testing.T) {
		check(t, f.do(t, call{path: wire.DatpaqBatch + "?ip=" + list, auth: "bearer"}))
	})
	t.Run("GET repeated ip", func(t *testing.T) {
		q := "?ip=" + strings.Join(input[:3], ",") + "&ip=" + strings.Join(input[3:], ",")
		check(t, f.do(t, call{path: wire.DatpaqBatch + q, auth: "bearer"}))
	})
	for name, c := range map[string]struct {
		method, path, body string
		wantError          string
	}{
		"no ip":          {"POST", wire.DatpaqBatch, `{}`, "Missing ip input"},
		"empty list":     {"POST", wire.DatpaqBatch, `{"ip":[]}`, "Missing ip input"},
		"empty string":   {"POST", wire.DatpaqBatch, `{"ip":""}`, "Missing ip input"},
		"GET without ip": {"GET", wire.DatpaqBatch, ``, "Missing ip input"},
		"malformed":      {"POST", wire.DatpaqBatch, `{"ip":[`, "Invalid JSON"},
		"number":         {"POST", wire.DatpaqBatch, `{"ip":7}`, "Invalid JSON"},
		"101 POST":       {"POST", wire.DatpaqBatch, `{"ip":[` + strings.Repeat(`"8.8.8.8",`, 100) + `"1.1.1.1"]}`, "maximum of 100"},
		"101 GET":        {"GET", wire.DatpaqBatch + "?ip=" + strings.Repeat("8.8.8.8,", 100) + "1.1.1.1", ``, "maximum of 100"},
	} {
		t.Run(name, func(t *testing.T) {
			var e wire.DatpaqError
			f.do(t, call{method: c.method, path: c.path, body: c.body, auth: "bearer"}).expect(t, 400).decode(t, &e)
			if !strings.Contains(e.Error, c.wantError) || e.CorrelationID == "" {
				t.Errorf("%+v", e)
			}
			if strings.HasPrefix(name, "101") && (e.Requested != 101 || e.Maximum != 100) {
				t.Errorf("requested %d maximum %d", e.Requested, e.Maximum)
			}
		})
	}
}

// TestAuth sends wrong, missing and wrongly-styled keys to every
// authenticated endpoint: each answers 401 in its API's envelope, and no
// response repeats the key it was sent.
func TestAuth(t *testing.T) {
	f := newFixture(t, 100)
	endpoints := []struct {
		api, method, path, body, style string
	}{
		{apiVectraIP, "GET", "/v1/ip/" + clean, "", "vectra"},
		{apiVectraIP, "POST", "/v1/batch/ip", `{"ips":["` + clean + `"]}`, "vectra"},
		{apiVPNSignal, "POST", "/check", `{"ip":"` + clean + `"}`, "bearer"},
		{apiDatpaq, "GET", "/api/v1/ip-intelligence?ip=" + clean, "", "bearer"},
		{apiDatpaq, "GET", wire.DatpaqBatch + "?ip=" + clean, "", "bearer"},
		{apiDatpaq, "POST", wire.DatpaqBatch, `{"ip":["` + clean + `"]}`, "bearer"},
	}
	const wrong = "wrong-key-SECRET-do-not-echo"
	for _, e := range endpoints {
		name := e.method + " " + e.path
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
		} {
			if e.api == apiDatpaq && label == "wrong style" {
				continue // Datpaq takes both styles
			}
			c.method, c.path, c.body = e.method, e.path, e.body
			a := f.do(t, c)
			if a.code != http.StatusUnauthorized {
				t.Errorf("%s, %s: status %d", name, label, a.code)
				continue
			}
			leak := []string{wrong, key1, key2, "SECRET"}
			for _, k := range leak {
				if strings.Contains(string(a.body), k) || strings.Contains(fmt.Sprint(a.header), k) {
					t.Errorf("%s, %s: response repeats a key: %s %v", name, label, a.body, a.header)
				}
			}
			m := a.fields(t)
			switch e.api {
			case apiVectraIP:
				if m["detail"] == nil {
					t.Errorf("%s: %s", name, a.body)
				}
			case apiVPNSignal:
				if m["error"] != "unauthorized" || m["message"] == nil {
					t.Errorf("%s: %s", name, a.body)
				}
			case apiDatpaq:
				if m["error"] == nil || m["correlationId"] == nil {
					t.Errorf("%s: %s", name, a.body)
				}
			}
		}
	}
	t.Run("VectraIP wrong style with the right key", func(t *testing.T) {
		f.do(t, call{path: "/v1/ip/" + clean, auth: "bearer"}).expect(t, 401)
	})
	t.Run("VPN Signal wrong style with the right key", func(t *testing.T) {
		f.do(t, call{method: "POST", path: "/check", body: `{"ip":"1.1.1.1"}`, auth: "x-api-key"}).expect(t, 401)
	})
	t.Run("lower-case bearer scheme", func(t *testing.T) {
		f.do(t, call{method: "POST", path: "/check", body: `{"ip":"1.1.1.1"}`, header: http.Header{"Authorization": {"bearer " + key1}}}).expect(t, 200)
	})
}

// TestRateLimit drives the per-key sliding window with a manual clock.
func TestRateLimit(t *testing.T) {
	type limited struct {
		name string
		req  call
		body func(t *testing.T, a answer)
	}
	cases := []limited{
		{apiVectraIP, call{path: "/v1/ip/" + clean, auth: "vectra"}, func(t *testing.T, a answer) {
			var e wire.VectraIPError
			a.decode(t, &e)
			if !strings.Contains(string(e.Detail), "Rate limit") {
				t.Errorf("%+v", e)
			}
		}},
		{apiVPNSignal, call{method: "POST", path: "/check", body: `{"ip":"` + clean + `"}`, auth: "bearer"}, func(t *testing.T, a answer) {
			var e wire.VPNSignalError
			a.decode(t, &e)
			if e.Error != "rate_limit_exceeded" || strconv.Itoa(e.RetryAfter) != a.header.Get("Retry-After") {
				t.Errorf("%+v", e)
			}
			if a.header.Get(wire.RateLimitRemaining) != "0" || a.header.Get(wire.RateLimitLimit) != "3" {
				t.Errorf("headers %v", a.header)
			}
		}},
		{apiDatpaq, call{path: "/api/v1/ip-intelligence?ip=" + clean, auth: "bearer"}, func(t *testing.T, a answer) {
			var e wire.DatpaqError
			a.decode(t, &e)
			if e.Error == "" || e.CorrelationID == "" {
				t.Errorf("%+v", e)
			}
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := newFixture(t, 3)
			for range 3 {
				f.do(t, c.req).expect(t, 200)
				f.clock.advance(10 * time.Second) // at 0 s, 10 s, 20 s
			}
			// At 30 s the window holds 3 requests; the oldest leaves at 60 s.
			a := f.do(t, c.req).expect(t, http.StatusTooManyRequests)
			if got := a.header.Get("Retry-After"); got != "30" {
				t.Errorf("Retry-After %q, want 30", got)
			}
			c.body(t, a)
			// Another key has its own window.
			other := c.req
			other.key = key2
			f.do(t, other).expect(t, 200)
			// Refused requests do not count: at 59 s still limited…
			f.clock.advance(29 * time.Second)
			a = f.do(t, c.req).expect(t, http.StatusTooManyRequests)
			if got := a.header.Get("Retry-After"); got != "1" {
				t.Errorf("Retry-After %q, want 1", got)
			}
			// …at 60 s the first request has left the window: one more.
			f.clock.advance(time.Second)
			f.do(t, c.req).expect(t, 200)
			f.do(t, c.req).expect(t, http.StatusTooManyRequests)
			// Unauthenticated endpoints are not limited.
			for range 5 {
				f.do(t, call{path: "/health"}).expect(t, 200)
			}
		})
	}
	t.Run("shared across APIs per key", func(t *testing.T) {
		f := newFixture(t, 2)
		f.do(t, cases[0].req).expect(t, 200)
		f.do(t, cases[1].req).expect(t, 200)
		f.do(t, cases[2].req).expect(t, http.StatusTooManyRequests)
	})
}

func TestRequestIDsAreUnique(t *testing.T) {
	f := newFixture(t, 1000)
	seen := map[string]bool{}
	for range 50 {
		id := f.do(t, call{path: "/v1/ip/" + clean, auth: "vectra"}).header.Get("X-Request-ID")
		if len(id) != 36 || seen[id] {
			t.Fatalf("request id %q repeated or malformed", id)
		}
		seen[id] = true
	}
}

// TestConcurrent hits every API at once under -race.
func TestConcurrent(t *testing.T) {
	f := newFixture(t, 100000)
	calls := []call{
		{path: "/v1/ip/" + torExit, auth: "vectra"},
		{method: "POST", path: "/v1/batch/ip", body: `{"ips":["` + torExit + `","` + vpnAddr + `","bad"]}`, auth: "vectra"},
		{method: "POST", path: "/check", body: `{"ip":"` + vpnV6 + `"}`, auth: "bearer"},
		{path: wire.DatpaqBatch + "?ip=" + clean + "," + miss, auth: "bearer"},
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
