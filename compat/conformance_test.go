package compat_test

import (
	"context"
	"encoding/json"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/ipintel/ipintel"
	"github.com/ipintel/ipintel/compat"
	"github.com/ipintel/ipintel/compat/compattest"
)

func marshal(t testing.TB, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func conform(t *testing.T, what string, body []byte, paths []compattest.Path) {
	t.Helper()
	for _, err := range compattest.Check(body, paths, compattest.Strict) {
		t.Errorf("%s: %v\n%s", what, err, body)
	}
}

// Role (a) of the conformance suite: what compat renders, and a Result's
// own JSON, has every documented path with its documented type and range,
// for every kind of answer (VPN, monitoring probe, Tor, relay, IPv6, an
// address no source knows).
func TestCompatConforms(t *testing.T) {
	c := newClient(t)
	for _, ip := range addresses {
		t.Run(ip, func(t *testing.T) {
			r := lookup(t, c, ip)
			conform(t, "Result", marshal(t, r), compattest.VectraIP)
			conform(t, "VectraIP", marshal(t, compat.VectraIP(r)), compattest.VectraIP)
			conform(t, "VPNSignal", marshal(t, compat.VPNSignal(r)), compattest.VPNSignal)
			conform(t, "Datpaq", marshal(t, compat.Datpaq(r)), compattest.Datpaq)
		})
	}
	b, err := c.LookupBatch(context.Background(), append(addresses, "45.130.202.105", "not-an-ip", "10.0.0.1"))
	if err != nil {
		t.Fatal(err)
	}
	conform(t, "VectraIPBatch", marshal(t, compat.VectraIPBatch(b)), compattest.VectraIPBatch)
	conform(t, "DatpaqBatch", marshal(t, compat.DatpaqBatch(b)), compattest.DatpaqBatch)
}

// keys lists the JSON paths of a body, objects walked, array elements as
// "[]".
func keys(t *testing.T, body []byte) []string {
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		t.Fatal(err)
	}
	set := map[string]bool{}
	var walk func(at string, v any)
	walk = func(at string, v any) {
		switch x := v.(type) {
		case map[string]any:
			for k, e := range x {
				p := strings.TrimPrefix(at+"."+k, ".")
				set[p] = true
				walk(p, e)
			}
		case []any:
			for _, e := range x {
				set[at+"[]"] = true
				walk(at+"[]", e)
			}
		}
	}
	walk("", v)
	return slices.Sorted(maps.Keys(set))
}

func pathNames(paths []compattest.Path) []string {
	var out []string
	for _, p := range paths {
		out = append(out, p.Path)
	}
	return out
}

// compat renders exactly the documented fields: none of ipintel's
// additions, nothing missing.
func TestCompatHasOnlyDocumentedFields(t *testing.T) {
	c := newClient(t)
	r := lookup(t, c, "45.130.202.105")
	b, err := c.LookupBatch(context.Background(), []string{"45.130.202.105", "8.8.8.8", "bad"})
	if err != nil {
		t.Fatal(err)
	}
	for name, tc := range map[string]struct {
		body  []byte
		paths []compattest.Path
	}{
		"VectraIP":      {marshal(t, compat.VectraIP(r)), compattest.VectraIP},
		"VPNSignal":     {marshal(t, compat.VPNSignal(r)), compattest.VPNSignal},
		"Datpaq":        {marshal(t, compat.Datpaq(r)), compattest.Datpaq},
		"VectraIPBatch": {marshal(t, compat.VectraIPBatch(b)), compattest.VectraIPBatch},
		"DatpaqBatch":   {marshal(t, compat.DatpaqBatch(b)), compattest.DatpaqBatch},
	} {
		t.Run(name, func(t *testing.T) {
			documented := map[string]bool{}
			for _, p := range pathNames(tc.paths) {
				documented[p] = true
			}
			for _, k := range keys(t, tc.body) {
				if !documented[k] && !documented[strings.TrimSuffix(k, "[]")] {
					t.Errorf("%s is not a documented field", k)
				}
			}
		})
	}
}

// The documented VectraIP example reads into a Result (request id
// "req_a1b2c3d4", continent "Asia", null provider, int figures) and writes
// back with every documented value kept.
func TestResultReadsDocumentedExample(t *testing.T) {
	for _, e := range compattest.Examples {
		if e.File != "vectraip.json" {
			continue
		}
		var r ipintel.Result
		if err := json.Unmarshal(e.Body(), &r); err != nil {
			t.Fatal(err)
		}
		if r.Query.RequestID.String() != "req_a1b2c3d4" || r.Geo.Continent != "AS" || r.Risk.FraudProbability != 70 {
			t.Errorf("read: %+v", r)
		}
		back := marshal(t, &r)
		for _, err := range compattest.Preserved(e.Body(), back) {
			t.Error(err)
		}
		conform(t, "Result from the example", back, compattest.VectraIP)
		conform(t, "compat.VectraIP from the example", marshal(t, compat.VectraIP(&r)), compattest.VectraIP)
	}
}

// A batch item whose lookup did not finish is a Datpaq result with its
// error flag set, and counts in VectraIP's "errors".
func TestBatchFailedItem(t *testing.T) {
	c := newClient(t)
	r := lookup(t, c, "45.130.202.105")
	b := &ipintel.Batch{
		Items: []ipintel.BatchItem{
			{Index: 0, Input: "45.130.202.105", Result: r},
			{Index: 1, Input: "1.2.3.4", Err: context.DeadlineExceeded},
		},
		Summary: ipintel.BatchSummary{Total: 2, Unique: 2, Valid: 2, Found: 1, Failed: 1},
	}
	d := compat.DatpaqBatch(b)
	conform(t, "DatpaqBatch", marshal(t, d), compattest.DatpaqBatch)
	if len(d.Data.Results) != 2 || !bool(d.Data.Results[1].Error) || bool(d.Data.Results[1].Found) || d.Data.Results[1].TrustScore != nil {
		t.Errorf("failed item: %+v", d.Data.Results)
	}
	v := compat.VectraIPBatch(b)
	if v.Processed != 1 || v.Errors != 1 || len(v.Results) != 1 {
		t.Errorf("VectraIP batch: processed %d, errors %d, %d results", v.Processed, v.Errors, len(v.Results))
	}
}
