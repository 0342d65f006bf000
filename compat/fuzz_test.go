package compat_test

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"

	"github.com/ipintel/ipintel"
	"github.com/ipintel/ipintel/compat"
	"github.com/ipintel/ipintel/compat/compattest"
)

// FuzzCompat reads any JSON as a Result (as a consumer of VectraIP would
// hand one over) and renders it in every shape: nothing may panic, every
// rendering must encode, VectraIP(r) must be r's JSON without ipintel's
// additions, and a Result's JSON must read back to the same JSON.
func FuzzCompat(f *testing.F) {
	for _, e := range compattest.Examples {
		f.Add(e.Body())
	}
	c := newClient(f)
	for _, ip := range addresses {
		r, err := c.Lookup(context.Background(), ip)
		if err != nil {
			f.Fatal(err)
		}
		b, _ := json.Marshal(r)
		f.Add(b)
	}
	for _, s := range []string{"", "null", "{}", "[]", `{"query":{"request_id":7}}`, `{"geo":null,"network":null,"monitoring":null}`,
		`{"risk":{"fraud_probability":0.7}}`, `{"query":{"ip":"1.2.3"}}`, `{"network":{"asn":"AS99999999999"}}`,
		`{"monitoring":{"detected":true,"confidence":"high","first_seen":"yesterday"}}`, `{"signals":[{"kind":"nope"}]}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var r ipintel.Result
		if err := json.Unmarshal(b, &r); err != nil {
			return
		}
		for _, v := range []any{compat.VectraIP(&r), compat.VPNSignal(&r), compat.Datpaq(&r),
			compat.VectraIPBatch(&ipintel.Batch{Items: []ipintel.BatchItem{{Input: "x", Result: &r}}}),
			compat.DatpaqBatch(&ipintel.Batch{Items: []ipintel.BatchItem{{Input: "x", Result: &r}}})} {
			if _, err := json.Marshal(v); err != nil {
				t.Fatalf("%T does not encode: %v", v, err)
			}
		}
		first, err := json.Marshal(&r)
		if err != nil {
			t.Fatalf("Result does not encode: %v", err)
		}
		v, _ := json.Marshal(compat.VectraIP(&r))
		for _, err := range compattest.Preserved(v, first) {
			t.Fatalf("VectraIP(r) is not r's JSON without additions: %v\n%s\n%s", err, v, first)
		}
		var back ipintel.Result
		if err := json.Unmarshal(first, &back); err != nil {
			t.Fatalf("Result JSON does not read back: %v\n%s", err, first)
		}
		second, _ := json.Marshal(&back)
		if !bytes.Equal(first, second) {
			t.Fatalf("round trip changed the JSON:\n%s\n%s", first, second)
		}
	})
}
