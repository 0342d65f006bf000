package remote

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ipintel/ipintel/internal/wire"
)

const testKey = "vip_live_s3cr3t-K3Y-do-not-leak-8d1f"

// fake is a faithful stand-in for one hosted API on 127.0.0.1: its
// endpoints, auth check, JSON shapes, error envelopes, batch limit and 429s.
type fake struct {
	srv  *httptest.Server
	kind string // "vectraip", "vpnsignal", "datpaq"

	requests   atomic.Int64 // every request, auth failures included
	batchSizes []int        // guarded by mu
	mu         sync.Mutex
	leaks      []string // places the key showed up where it must not (query, path, body)

	// fault, if set, handles a request before the API does; returning
	// true means it answered.
	fault func(w http.ResponseWriter, r *http.Request) bool
	// latency delays every answer (benchmarks).
	latency time.Duration
	// examples are canned responses by address (documented examples).
	examples map[netip.Addr][]byte
}

// missing addresses are unknown to every fake.
var missingNet = netip.MustParsePrefix("9.9.0.0/16")

func newFake(t testing.TB, kind string) *fake {
	f := &fake{kind: kind, examples: map[netip.Addr][]byte{}}
	for _, name := range []string{
		"vectraip_45.130.202.105.json", "vectraip_monitoring.json",
		"vpnsignal_1.1.1.1.json", "vpnsignal_104.28.231.47.json",
		"datpaq_185.220.101.1.json",
	} {
		if !strings.HasPrefix(name, kind) {
			continue
		}
		b, err := os.ReadFile("testdata/" + name)
		if err != nil {
			t.Fatal(err)
		}
		var probe struct {
			IP    string              `json:"ip"`
			Query struct{ IP string } `json:"query"`
			Data  struct{ IP string } `json:"data"`
		}
		if err := json.Unmarshal(b, &probe); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		ip := probe.IP + probe.Query.IP + probe.Data.IP
		f.examples[netip.MustParseAddr(ip)] = b
	}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fake) url() string { return f.srv.URL }

func (f *fake) sizes() []int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]int(nil), f.batchSizes...)
}

func (f *fake) serve(w http.ResponseWriter, r *http.Request) {
	f.requests.Add(1)
	// Read the body up front: net/http only notices a client hanging up
	// (and cancels r.Context()) once the request body is consumed.
	body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	r.Body = io.NopCloser(bytes.NewReader(body))
	if bytes.Contains(body, []byte(testKey)) {
		f.mu.Lock()
		f.leaks = append(f.leaks, "body")
		f.mu.Unlock()
	}
	if strings.Contains(r.URL.String(), testKey) {
		f.mu.Lock()
		f.leaks = append(f.leaks, "url")
		f.mu.Unlock()
	}
	if f.latency > 0 {
		select {
		case <-time.After(f.latency):
		case <-r.Context().Done():
			return
		}
	}
	if f.fault != nil && f.fault(w, r) {
		return
	}
	switch f.kind {
	case "vectraip":
		f.vectraip(w, r)
	case "vpnsignal":
		f.vpnsignal(w, r)
	case "datpaq":
		f.datpaq(w, r)
	}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	if b, ok := v.([]byte); ok {
		w.Write(b)
		return
	}
	json.NewEncoder(w).Encode(v)
}

// parsePublic parses an address the way the APIs do: invalid and
// reserved addresses are refused.
func parsePublic(s string) (netip.Addr, string) {
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Addr{}, "Invalid IP address: " + s
	}
	if !sendable(a) {
		return netip.Addr{}, "Private, loopback and reserved addresses are not supported: " + s
	}
	return a, ""
}

// --- VectraIP ---

func (f *fake) vectraip(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get(wire.VectraIPKeyHeader) != testKey {
		writeJSON(w, 401, wire.VectraIPError{Detail: "Invalid or missing API key"})
		return
	}
	switch {
	case r.Method == http.MethodGet && strings.HasPrefix(r.URL.Path, wire.VectraIPLookup):
		a, bad := parsePublic(strings.TrimPrefix(r.URL.Path, wire.VectraIPLookup))
		if bad != "" {
			writeJSON(w, 400, wire.VectraIPError{Detail: wire.RawText(bad)})
			return
		}
		if b, ok := f.examples[a]; ok {
			writeJSON(w, 200, b)
			return
		}
		if missingNet.Contains(a) {
			writeJSON(w, 404, wire.VectraIPError{Detail: "IP not found"})
			return
		}
		writeJSON(w, 200, synthVectra(a))
	case r.Method == http.MethodPost && r.URL.Path == wire.VectraIPBatch:
		var req wire.VectraIPBatchRequest
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
			writeJSON(w, 400, wire.VectraIPError{Detail: "Malformed body"})
			return
		}
		if len(req.IPs) == 0 || len(req.IPs) > wire.VectraIPMaxBatch {
			writeJSON(w, 422, json.RawMessage(fmt.Sprintf(
				`{"detail":[{"loc":["body","ips"],"msg":"ensure this value has at most 100 items (got %d)","type":"value_error.list.max_items"}]}`, len(req.IPs))))
			return
		}
		f.mu.Lock()
		f.batchSizes = append(f.batchSizes, len(req.IPs))
		f.mu.Unlock()
		var resp wire.VectraIPBatchResponse
		resp.Results = []wire.VectraIPResponse{}
		seen := map[string]bool{}
		processed, failed := 0, 0
		for _, s := range req.IPs {
			if seen[s] {
				continue
			}
			seen[s] = true
			a, bad := parsePublic(s)
			switch {
			case bad != "":
				failed++
			case missingNet.Contains(a):
				// VectraIP enriches every valid address it is given: one
				// it knows nothing about is a result with empty sections.
				processed++
				resp.Results = append(resp.Results, wire.VectraIPResponse{
					Query: wire.VectraIPQuery{IP: wire.Text(a.String()), ProcessedAt: "2026-05-25T14:00:00Z", CacheStatus: "miss", RequestID: "req_0000"},
					Risk:  wire.VectraIPRisk{Level: "low", ResidentialTrust: 100},
				})
			default:
				processed++
				if b, ok := f.examples[a]; ok {
					var v wire.VectraIPResponse
					json.Unmarshal(b, &v)
					resp.Results = append(resp.Results, v)
				} else {
					resp.Results = append(resp.Results, synthVectra(a))
				}
			}
		}
		resp.Processed, resp.Errors = wire.Int(processed), wire.Int(failed)
		writeJSON(w, 200, resp)
	default:
		writeJSON(w, 404, wire.VectraIPError{Detail: "Not Found"})
	}
}

func synthVectra(a netip.Addr) wire.VectraIPResponse {
	p, _ := a.Prefix(24)
	if a.Is6() {
		p, _ = a.Prefix(48)
	}
	return wire.VectraIPResponse{
		Query:   wire.VectraIPQuery{IP: wire.Text(a.String()), ProcessedAt: "2026-05-25T14:00:00Z", CacheStatus: "miss", RequestID: "req_a1b2c3d4"},
		Privacy: wire.VectraIPPrivacy{IsVPN: true, RiskScore: 60},
		Geo:     wire.VectraIPGeo{CountryCode: "NL", CountryName: "Netherlands", Continent: "Europe"},
		Network: wire.VectraIPNetwork{ASN: "AS64500", Organization: "Example Hosting", CIDR: wire.Text(p.String()), ConnectionType: "hosting", UsageType: "hosting"},
		Risk:    wire.VectraIPRisk{Score: 61, Level: "medium", VPNConfidence: 88},
		Meta:    wire.VectraIPMeta{ResponseTimeMS: 42, DataSources: []string{"fake"}},
	}
}

// --- VPN Signal ---

func (f *fake) vpnsignal(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodGet && r.URL.Path == wire.VPNSignalHealthP {
		writeJSON(w, 200, wire.VPNSignalHealth{Status: "healthy"})
		return
	}
	if r.Header.Get(wire.VPNSignalAuthHeader) != "Bearer "+testKey {
		writeJSON(w, 401, wire.VPNSignalError{Error: "unauthorized", Message: "Invalid or missing API key", Details: map[string]any{}})
		return
	}
	if r.Method != http.MethodPost || r.URL.Path != wire.VPNSignalCheck {
		writeJSON(w, 404, wire.VPNSignalError{Error: "not_found", Message: "No such endpoint", Details: map[string]any{}})
		return
	}
	var req wire.VPNSignalRequest
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		writeJSON(w, 400, wire.VPNSignalError{Error: "invalid_json", Message: "Request body must be valid JSON", Details: map[string]any{}})
		return
	}
	if req.IP == "" {
		writeJSON(w, 400, wire.VPNSignalError{Error: "missing_ip", Message: "IP address is required", Details: map[string]any{}})
		return
	}
	a, bad := parsePublic(req.IP)
	if bad != "" {
		writeJSON(w, 400, wire.VPNSignalError{Error: "invalid_ip", Message: "The provided IP address is not valid",
			Details: map[string]any{"ip": req.IP, "expected": "Valid IPv4 or IPv6 address"}})
		return
	}
	if w.Header().Get(wire.RateLimitRemaining) == "" {
		w.Header().Set(wire.RateLimitLimit, "100")
		w.Header().Set(wire.RateLimitRemaining, "99")
	}
	if b, ok := f.examples[a]; ok {
		writeJSON(w, 200, b)
		return
	}
	if missingNet.Contains(a) {
		// VPN Signal answers every valid address; knowing nothing looks
		// like all flags false and null sections.
		writeJSON(w, 200, wire.VPNSignalResponse{IP: wire.Text(a.String()), Recommendation: "allow"})
		return
	}
	writeJSON(w, 200, wire.VPNSignalResponse{IP: wire.Text(a.String()), IsVPN: true, RiskScore: 65, Recommendation: "verify",
		Company:  &wire.VPNSignalCompany{Name: "ExampleVPN", Type: "hosting", Domain: "example.net"},
		Location: &wire.VPNSignalLocation{Country: "SE", CountryName: "Sweden"},
		ASN:      &wire.VPNSignalASN{Number: 64501, Name: "EXAMPLE-AS"}})
}

// --- Datpaq ---

func (f *fake) datpaq(w http.ResponseWriter, r *http.Request) {
	const corr = "ipi-test-corr"
	if r.URL.Query().Has("api_key") {
		f.mu.Lock()
		f.leaks = append(f.leaks, "api_key query parameter")
		f.mu.Unlock()
	}
	if r.Header.Get(wire.DatpaqAuthHeader) != "Bearer "+testKey {
		writeJSON(w, 401, wire.DatpaqError{Error: "Unauthorized: invalid API key", CorrelationID: corr})
		return
	}
	intel := func(a netip.Addr) (d wire.DatpaqIntel, found bool, raw []byte) {
		if b, ok := f.examples[a]; ok {
			var v wire.DatpaqResponse
			json.Unmarshal(b, &v)
			return v.DatpaqIntel, true, b
		}
		if missingNet.Contains(a) {
			return wire.DatpaqIntel{IP: wire.Text(a.String())}, false, nil
		}
		ts := wire.Int(40)
		return wire.DatpaqIntel{IP: wire.Text(a.String()), TrustScore: &ts, IsVPN: true, ASN: "AS64502", Country: "FR", Org: "Example SAS"}, true, nil
	}
	switch {
	case r.Method == http.MethodGet && r.URL.Path == wire.DatpaqLookup:
		a, bad := parsePublic(r.URL.Query().Get("ip"))
		if bad != "" {
			writeJSON(w, 400, wire.DatpaqError{Error: "INVALID_IP", CorrelationID: corr})
			return
		}
		d, found, raw := intel(a)
		if raw != nil {
			writeJSON(w, 200, raw)
			return
		}
		if !found {
			writeJSON(w, 404, wire.DatpaqError{Error: "The requested IP is not in the threat intelligence database.", CorrelationID: corr})
			return
		}
		writeJSON(w, 200, wire.DatpaqResponse{DatpaqIntel: d, CorrelationID: corr})
	case r.Method == http.MethodPost && r.URL.Path == wire.DatpaqBatch:
		var req wire.DatpaqBatchRequest
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil || len(req.IP) == 0 {
			writeJSON(w, 400, wire.DatpaqError{Error: "Missing ip input (string or comma-separated list)", CorrelationID: corr})
			return
		}
		if len(req.IP) > wire.DatpaqMaxBatch {
			writeJSON(w, 400, wire.DatpaqError{Error: "More than 100 IPs in a single batch.", CorrelationID: corr})
			return
		}
		f.mu.Lock()
		f.batchSizes = append(f.batchSizes, len(req.IP))
		f.mu.Unlock()
		resp := wire.DatpaqBatchResponse{Success: true, CorrelationID: corr}
		resp.Data.Results = []wire.DatpaqBatchItem{}
		resp.Data.InvalidIPs = []wire.DatpaqInvalidItem{}
		resp.Data.Summary.TotalRequested = wire.Int(len(req.IP))
		for i, s := range req.IP {
			a, bad := parsePublic(s)
			if bad != "" {
				resp.Data.Summary.InvalidIPs++
				resp.Data.InvalidIPs = append(resp.Data.InvalidIPs, wire.DatpaqInvalidItem{Index: wire.Int(i), IP: wire.Text(s), Reason: wire.Text(bad)})
				continue
			}
			resp.Data.Summary.ValidIPs++
			d, found, _ := intel(a)
			if found {
				resp.Data.Summary.Found++
			} else {
				resp.Data.Summary.NotFound++
			}
			resp.Data.Results = append(resp.Data.Results, wire.DatpaqBatchItem{Index: wire.Int(i), DatpaqIntel: d, Found: wire.Flag(found)})
		}
		writeJSON(w, 200, resp)
	default:
		writeJSON(w, 404, wire.DatpaqError{Error: "Route not found", CorrelationID: corr})
	}
}

// newTestSource builds the source for f with test-friendly defaults.
func newTestSource(t testing.TB, f *fake, opts ...Option) *Source {
	t.Helper()
	ctor := map[string]func(string, ...Option) (*Source, error){
		"vectraip": VectraIP, "vpnsignal": VPNSignal, "datpaq": Datpaq,
	}[f.kind]
	s, err := ctor(testKey, append([]Option{WithBaseURL(f.url())}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}
