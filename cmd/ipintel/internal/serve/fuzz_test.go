package serve

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/ipintel/ipintel/compat"
)

// FuzzRequest sends arbitrary input where a client's addresses go in:
// VectraIP's batch body and path, VPN Signal's check body, and Datpaq's
// batch body and ip parameter, all with a valid key. Whatever arrives, the
// answer is the API's own: JSON with a request id, a 200 only with the
// documented body (read strictly), else the API's error envelope with a 4xx
// status, never a 500.
func FuzzRequest(f *testing.F) {
	for _, s := range []struct {
		endpoint uint8
		in       string
	}{
		{0, `{"ips":["` + torExit + `","bad","` + vpnV6 + `"]}`},
		{0, `{"ips":[]}`},
		{0, `{"ips":"1.1.1.1"}`},
		{1, `{"ip":"` + vpnAddr + `"}`},
		{1, `{"ip":null}{}`},
		{2, `{"ip":["` + clean + `","10.0.0.1","x"]}`},
		{2, `["` + clean + `"]`},
		{3, torExit},
		{3, "::ffff:1.2.3.4"},
		{4, clean + "," + miss + ",nonsense"},
		{4, ""},
		// Batch lists read one address at a time: case-folded and
		// repeated fields, nested values skipped, more than 100.
		{0, `{"IPS":["1.1.1.1"],"ips":null}`},
		{0, `{"x":{"ips":[1]},"ips":["8.8.8.8"],"y":[]}`},
		{0, `{"ips":[` + strings.Repeat(`"8.8.8.8",`, 101) + `"1.1.1.1"]}`},
		{2, `{"ip":[` + strings.Repeat(`"8.8.8.8",`, 101) + `x`},
		{2, `null`},
		{2, `{"ip":["1.1.1.1"]} x`},
	} {
		f.Add(s.endpoint, []byte(s.in))
	}
	fx := newFixture(f, roomy)
	f.Fuzz(func(t *testing.T, endpoint uint8, in []byte) {
		// Every limit window (second, minute, day, month) starts afresh:
		// the input, not the quota, decides the answer.
		fx.clock.advance(32 * 24 * time.Hour)
		var c call
		var api string
		var body any // the documented 200 body
		switch endpoint % 5 {
		case 0:
			c, api, body = call{method: http.MethodPost, path: vectraIPBatchPath, body: string(in), auth: "vectra"}, apiVectraIP, new(compat.VectraIPBatchResponse)
		case 1:
			c, api, body = call{method: http.MethodPost, path: vpnCheck, body: string(in), auth: "bearer"}, apiVPNSignal, new(compat.VPNSignalResponse)
		case 2:
			c, api, body = call{method: http.MethodPost, path: datpaqBatchPath, body: string(in), auth: "bearer"}, apiDatpaq, new(compat.DatpaqBatchResponse)
		case 3:
			c, api, body = call{path: vectraIPLookupPath + url.PathEscape(string(in)), auth: "vectra"}, apiVectraIP, new(compat.VectraIPResponse)
		default:
			// One address, or a comma list for a batch.
			c, api, body = call{path: datpaqPath + "?ip=" + url.QueryEscape(string(in)), auth: "bearer"}, apiDatpaq, new(compat.DatpaqResponse)
			if bytes.Contains(in, []byte(",")) {
				body = new(compat.DatpaqBatchResponse)
			}
		}
		a := fx.do(t, c)
		if a.header.Get("X-Request-Id") == "" {
			t.Fatalf("%s %s: no X-Request-Id", c.method, c.path)
		}
		if !json.Valid(a.body) {
			t.Fatalf("%s %s: %d with a body that is not JSON: %q", c.method, c.path, a.code, a.body)
		}
		if a.code == http.StatusOK {
			dec := json.NewDecoder(bytes.NewReader(a.body))
			dec.DisallowUnknownFields()
			if err := dec.Decode(body); err != nil {
				t.Fatalf("%s %s: 200 with a body that is not the documented one: %v: %s", c.method, c.path, err, a.body)
			}
			return
		}
		// The key is valid and the limits roomy, so only the input can be
		// at fault.
		switch {
		case a.code < 400 || a.code >= 500, a.code == http.StatusUnauthorized, a.code == http.StatusForbidden, a.code == http.StatusTooManyRequests:
			t.Fatalf("%s %s: status %d: %s", c.method, c.path, a.code, a.body)
		}
		if !errorEnvelope(api, a.body) {
			t.Fatalf("%s %s: %d without %s's error envelope: %s", c.method, c.path, a.code, api, a.body)
		}
	})
}
