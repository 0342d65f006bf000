package compat_test

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ipintel/ipintel"
	"github.com/ipintel/ipintel/compat"
	"github.com/ipintel/ipintel/compat/compattest"
	"github.com/ipintel/ipintel/source"
)

var update = flag.Bool("update", false, "rewrite testdata/golden from what the renderings write now")

// pin makes a looked-up Result reproducible: a fixed time, request id and
// response time instead of the lookup's own.
func pin(t testing.TB, r *ipintel.Result) *ipintel.Result {
	t.Helper()
	r.Query.ProcessedAt = time.Date(2026, 12, 7, 9, 30, 15, 123456789, time.UTC)
	if err := r.Query.RequestID.UnmarshalText([]byte("req_0123456789abcdef")); err != nil {
		t.Fatal(err)
	}
	r.Meta.ResponseTime = 1500 * time.Microsecond
	return r
}

// goldenResults are the representative Results whose renderings are
// pinned: one per kind of answer the fixture gives, the documented
// VectraIP example read back, and hand-made edge cases (nothing known,
// text that JSON escapes, a network known by its ISP only, a probe with
// times in another zone).
func goldenResults(t *testing.T) map[string]*ipintel.Result {
	c := newClient(t)
	out := map[string]*ipintel.Result{}
	for _, ip := range addresses {
		out["lookup_"+strings.NewReplacer(".", "_", ":", "_").Replace(ip)] = pin(t, lookup(t, c, ip))
	}
	for _, e := range compattest.Examples {
		if e.File != "vectraip.json" {
			continue
		}
		var r ipintel.Result
		if err := json.Unmarshal(e.Body(), &r); err != nil {
			t.Fatal(err)
		}
		out["documented_example"] = &r
	}
	out["zero"] = &ipintel.Result{}
	escaped := &ipintel.Result{
		Query:   ipintel.Query{IP: netip.MustParseAddr("2001:db8::1"), CacheStatus: ipintel.CacheHit},
		Privacy: ipintel.Privacy{IsProxy: true, IsHosting: true, Provider: `"Proxy" <&> Ünïcode`},
		Geo: &ipintel.Geo{CountryCode: "FR", CountryName: "France <&>", Region: "Île-de-France", City: "Paris \"Centre\"",
			Timezone: "Europe/Paris", Continent: "eu", Coordinates: source.Coordinates{Latitude: -0.5, Longitude: 180, AccuracyRadius: 20}},
		Network: &ipintel.Network{ISP: "ISP <only>", UsageType: "Data Center", ConnectionType: "Corporate",
			Domain: "example.net", CIDR: netip.MustParsePrefix("2001:db8::/32")},
		Monitoring: ipintel.Monitoring{Detected: true, Provider: "Probe <&>", Category: "scanner", Confidence: 40,
			FirstSeen: time.Date(2025, 1, 2, 3, 4, 5, 600, time.FixedZone("X", 3600)), LastSeen: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)},
		Risk: ipintel.Risk{Score: 99, Level: ipintel.LevelCritical, TrustScore: 1, Recommendation: ipintel.Block,
			FraudProbability: 99, BotProbability: 1, AbuseProbability: 2, DatacenterRisk: 3, VPNConfidence: 4,
			ResidentialTrust: 5, SyntheticTrafficProbability: 6,
			Reasons: []ipintel.Reason{{Code: "PUBLIC_PROXY", Kind: source.Proxy, Source: "s", Confidence: 100, Points: 99}}},
		Signals: []source.Signal{{Kind: source.Proxy, Confidence: 100, Source: "s"}},
		Meta: ipintel.Meta{Found: true, DataSources: []string{"s", "t"}, ResponseTime: 2*time.Second + 999*time.Microsecond,
			Errors: []*ipintel.SourceError{{Source: "t", Err: context.DeadlineExceeded}}},
	}
	if err := escaped.Query.RequestID.UnmarshalText([]byte("req_<script>")); err != nil {
		t.Fatal(err)
	}
	out["escaped_isp_only"] = escaped
	low := &ipintel.Result{
		Query:      ipintel.Query{IP: netip.MustParseAddr("198.51.100.7")},
		Network:    &ipintel.Network{ASN: 64500, Organization: "Org", UsageType: "residential"},
		Monitoring: ipintel.Monitoring{Detected: true, Confidence: 10},
		Meta:       ipintel.Meta{Found: true},
	}
	out["low_probe_no_geo"] = low
	return out
}

// render writes every rendering of r, one per line, as encoding/json
// writes it.
func render(t *testing.T, r *ipintel.Result) []byte {
	var b bytes.Buffer
	for _, v := range []struct {
		name string
		v    any
	}{{"Result", r}, {"VectraIP", compat.VectraIP(r)}, {"VPNSignal", compat.VPNSignal(r)}, {"Datpaq", compat.Datpaq(r)}} {
		fmt.Fprintf(&b, "%s %s\n", v.name, marshal(t, v.v))
	}
	return b.Bytes()
}

// goldenBatch is a batch with every kind of item: found, unknown,
// duplicate, not an address, reserved, and a lookup that did not finish.
func goldenBatch(t *testing.T) *ipintel.Batch {
	c := newClient(t)
	b, err := c.LookupBatch(context.Background(), append(append([]string{}, addresses...), "45.130.202.105", "not-an-ip", "10.0.0.1"))
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range b.Items {
		if it.Result != nil {
			pin(t, it.Result)
		}
	}
	b.Items = append(b.Items, ipintel.BatchItem{Index: len(b.Items), Input: "192.0.2.1", Err: context.DeadlineExceeded})
	b.Summary.Total++
	b.Summary.Unique++
	b.Summary.Valid++
	b.Summary.Failed++
	return b
}

// The JSON each rendering writes is pinned byte for byte by
// testdata/golden (written with -update): the renderings' documented
// shapes, and what they hold for representative Results, change only
// deliberately.
func TestRenderingsGolden(t *testing.T) {
	check := func(t *testing.T, name string, got []byte) {
		path := filepath.Join("testdata", "golden", name+".txt")
		if *update {
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, got, 0o644); err != nil {
				t.Fatal(err)
			}
			return
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s differs from %s:\ngot:\n%s\nwant:\n%s", name, path, got, want)
		}
	}
	for name, r := range goldenResults(t) {
		t.Run(name, func(t *testing.T) { check(t, name, render(t, r)) })
	}
	t.Run("batch", func(t *testing.T) {
		b := goldenBatch(t)
		d := compat.DatpaqBatch(b)
		d.CorrelationID = "req-fixed"
		got := fmt.Appendf(nil, "VectraIPBatch %s\nDatpaqBatch %s\n", marshal(t, compat.VectraIPBatch(b)), marshal(t, d))
		check(t, "batch", got)
	})
}

// VectraIP(r) is r's own JSON without ipintel's additions: the Result's
// JSON (package ipintel) and this package build the documented fields
// each from the Result, and every value VectraIP(r) writes must be the
// Result's, at the same path.
func TestVectraIPIsResultJSONWithoutAdditions(t *testing.T) {
	results := goldenResults(t)
	for _, it := range goldenBatch(t).Items {
		if it.Result != nil {
			results[fmt.Sprintf("batch item %d", it.Index)] = it.Result
		}
	}
	for name, r := range results {
		for _, err := range compattest.Preserved(marshal(t, compat.VectraIP(r)), marshal(t, r)) {
			t.Errorf("%s: %v", name, err)
		}
	}
}
