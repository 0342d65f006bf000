package wire

import (
	"encoding/json"
	"reflect"
	"testing"
)

// The documented examples, as the providers' pages show them. Decoding and
// re-encoding must give back the same JSON: the structs are faithful.
var documented = map[string]struct {
	doc string
	v   any
}{
	"vectraip": {`{
	  "query": {"ip": "45.130.202.105", "processed_at": "2026-05-25T14:00:00Z", "cache_status": "miss", "request_id": "req_a1b2c3d4"},
	  "privacy": {"is_vpn": true, "is_proxy": false, "is_tor": false, "is_relay": false, "risk_score": 72},
	  "geo": {"country_code": "TR", "country_name": "Turkey", "region": "Bursa", "city": "Bursa",
	          "timezone": "Europe/Istanbul", "continent": "Asia", "coordinates": {"lat": 40.19, "lng": 29.06}},
	  "network": {"asn": "AS137409", "organization": "GSL Networks Pty LTD", "cidr": "45.130.202.0/23",
	              "connection_type": "hosting", "usage_type": "hosting", "traffic_class": "vpn_exit"},
	  "monitoring": {"detected": false, "provider": null},
	  "risk": {"score": 74, "level": "high", "fraud_probability": 70, "bot_probability": 12},
	  "meta": {}
	}`, &VectraIPResponse{}},
	"vectraip error": {`{"detail": "Invalid IP address: 999.999.999.999"}`, &VectraIPError{}},
	"vpnsignal": {`{
	  "ip": "1.1.1.1", "is_vpn": false, "is_proxy": false, "is_tor": false, "is_relay": false, "is_hosting": true,
	  "risk_score": 30, "recommendation": "allow",
	  "company": {"name": "Cloudflare, Inc.", "type": "hosting", "domain": "cloudflare.com"},
	  "location": {"country": "US", "country_name": "United States", "city": "San Francisco", "region": "California",
	               "latitude": 37.7749, "longitude": -122.4194},
	  "asn": {"number": 13335, "name": "CLOUDFLARENET", "route": "1.1.1.0/24"}
	}`, &VPNSignalResponse{}},
	"vpnsignal nulls": {`{"ip": "1.1.1.1", "is_vpn": false, "is_proxy": false, "is_tor": false, "is_relay": false,
	  "is_hosting": false, "risk_score": 0, "recommendation": "allow", "company": null, "location": null, "asn": null}`, &VPNSignalResponse{}},
	"vpnsignal error": {`{"error": "invalid_ip", "message": "The provided IP address is not valid",
	  "details": {"ip": "not.an.ip", "expected": "Valid IPv4 or IPv6 address"}}`, &VPNSignalError{}},
	"vpnsignal 429": {`{"error": "rate_limit_exceeded", "message": "Daily request limit exceeded", "details": null, "retry_after": 3600}`, &VPNSignalError{}},
	"datpaq": {`{"success": true, "data": {"ip": "203.0.113.45", "trust_score": 88, "is_vpn": false, "is_tor": false,
	  "asn": "AS64496", "country": "US", "org": "Example", "found": true},
	  "meta": {"timestamp": "2026-05-04T00:00:00Z", "processing_time_ms": 3}, "correlationId": "c1"}`, &DatpaqResponse{}},
	"datpaq batch": {`{"success": true, "data": {"summary": {"total_requested": 2, "valid_ips": 1, "invalid_ips": 1, "found": 1,
	  "not_found": 0, "errors": 0}, "results": [
	  {"index": 0, "ip": "8.8.8.8", "trust_score": 95, "is_vpn": false, "is_tor": false, "asn": "AS15169", "country": "US", "org": "Google LLC", "found": true},
	  {"index": 1, "ip": "bad", "trust_score": null, "is_vpn": false, "is_tor": false, "asn": "", "country": "", "org": "", "found": false,
	   "error": "INVALID_IP", "reason": "not an IP address"}]},
	  "meta": {"timestamp": "2026-05-04T00:00:00Z", "processing_time_ms": 9, "batch_size_range": "1-100"}, "correlationId": "c2"}`, &DatpaqBatchResponse{}},
	"datpaq error": {`{"error": "Batch size exceeds maximum of 100 IPs", "requested": 150, "maximum": 100}`, &DatpaqError{}},
}

func TestDocumentedShapesRoundTrip(t *testing.T) {
	for name, tc := range documented {
		t.Run(name, func(t *testing.T) {
			if err := json.Unmarshal([]byte(tc.doc), tc.v); err != nil {
				t.Fatal(err)
			}
			out, err := json.Marshal(tc.v)
			if err != nil {
				t.Fatal(err)
			}
			var want, got any
			json.Unmarshal([]byte(tc.doc), &want)
			json.Unmarshal(out, &got)
			if !reflect.DeepEqual(want, got) {
				t.Errorf("round trip changed the JSON\n got: %s\nwant: %s", out, tc.doc)
			}
		})
	}
}

func TestRawText(t *testing.T) {
	for in, want := range map[string]RawText{
		`"plain"`: "plain",
		`null`:    "",
		`[{"loc":["body","ips"],"msg":"too many"}]`: `[{"loc":["body","ips"],"msg":"too many"}]`,
		`{"a": 1}`: `{"a":1}`,
	} {
		var r RawText
		if err := json.Unmarshal([]byte(in), &r); err != nil || r != want {
			t.Errorf("%s: got %q, %v; want %q", in, r, err, want)
		}
	}
	var e VectraIPError
	if err := json.Unmarshal([]byte(`{"detail": [{"msg": "x"}]}`), &e); err != nil || e.Detail == "" {
		t.Errorf("FastAPI validation detail: %q, %v", e.Detail, err)
	}
}
