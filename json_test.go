package ipintel

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/ipintel/ipintel/source"
)

func TestResultJSON(t *testing.T) {
	geo, feed := fixtureSources()
	broken := newMem("broken")
	broken.fail = errors.New("timeout talking to upstream")
	c := newClient(t, WithSources(geo, feed, broken))
	r, err := c.Lookup(context.Background(), "45.130.202.105")
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	var sections map[string]json.RawMessage
	if err := json.Unmarshal(b, &sections); err != nil {
		t.Fatalf("%v in %s", err, b)
	}
	m := map[string]map[string]any{}
	for _, name := range []string{"query", "privacy", "geo", "network", "monitoring", "risk", "meta"} {
		var sec map[string]any
		if err := json.Unmarshal(sections[name], &sec); err != nil {
			t.Fatalf("section %s: %v in %s", name, err, b)
		}
		m[name] = sec
	}
	for path, want := range map[string]any{
		"query.ip":               "45.130.202.105",
		"query.cache_status":     "miss",
		"privacy.is_vpn":         true,
		"privacy.is_hosting":     true,
		"privacy.is_tor":         false,
		"privacy.provider":       "NordVPN",
		"privacy.risk_score":     float64(r.Risk.Score),
		"geo.country_code":       "NL",
		"geo.city":               "Amsterdam",
		"network.asn":            "AS9009",
		"network.organization":   "M247 Europe SRL",
		"network.cidr":           "45.130.202.0/24",
		"monitoring.detected":    false,
		"risk.score":             float64(r.Risk.Score),
		"risk.level":             "high",
		"risk.trust_score":       float64(100 - r.Risk.Score),
		"risk.recommendation":    "verify",
		"risk.vpn_confidence":    float64(95),
		"risk.datacenter_risk":   float64(90),
		"risk.residential_trust": float64(1),
		"monitoring.provider":    nil,
		"monitoring.confidence":  nil,
		"geo.continent":          "Europe",
		"network.traffic_class":  "vpn_exit",
		"meta.found":             true,
	} {
		sec, key, _ := strings.Cut(path, ".")
		if got := m[sec][key]; got != want {
			t.Errorf("%s = %#v, want %#v", path, got, want)
		}
	}
	for _, key := range []string{"request_id", "processed_at"} {
		if s, _ := m["query"][key].(string); s == "" {
			t.Errorf("query.%s missing", key)
		}
	}
	if ms, ok := m["meta"]["response_time_ms"].(float64); !ok || ms != float64(int(ms)) {
		t.Errorf("meta.response_time_ms missing: %s", b)
	}
	if !strings.Contains(string(b), `"errors":[{"source":"broken","error":"timeout talking to upstream"}]`) {
		t.Errorf("meta.errors not as documented: %s", b)
	}
	if !strings.Contains(string(b), `"reasons":[{"code":"VPN","kind":"vpn"`) {
		t.Errorf("risk.reasons not as documented: %s", b)
	}

	// It reads back.
	var back Result
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if back.Query.IP != r.Query.IP || back.Risk.Score != r.Risk.Score || back.Network.ASN != 9009 ||
		len(back.Meta.Errors) != 1 || back.Meta.Errors[0].Source != "broken" || back.Signals[0].Kind != source.VPN {
		t.Errorf("round trip lost data: %+v", back)
	}
	if id := r.Query.RequestID.String(); len(id) != 20 || !strings.HasPrefix(id, "req_") {
		t.Errorf("request id %s is not req_ and 16 hex digits", id)
	}
}

func TestBatchJSON(t *testing.T) {
	c := newClient(t)
	b, err := c.LookupBatch(context.Background(), []string{"8.8.8.8", "nope"})
	if err != nil {
		t.Fatal(err)
	}
	out, err := json.Marshal(b)
	if err != nil {
		t.Fatal(err)
	}
	s := string(out)
	for _, want := range []string{`"index":1,"input":"nope","error":"ipintel: invalid IP \"nope\": not an IPv4 or IPv6 address"`,
		`"summary":{"total":2,"unique":1,"valid":1,"invalid":1,"found":0,"not_found":1,"failed":0}`} {
		if !strings.Contains(s, want) {
			t.Errorf("batch JSON lacks %s:\n%s", want, s)
		}
	}
}

// FuzzLookup feeds arbitrary text through parsing and validation: nothing
// may panic, every rejection is a typed AddrError that echoes at most 64
// bytes, and every accepted address is valid, zone-free and unmapped.
func FuzzLookup(f *testing.F) {
	for _, s := range []string{"", " 8.8.8.8", "1.2.3", "1.2.3.4.5", "01.2.3.4", "999.1.1.1", "::ffff:10.0.0.1",
		"fe80::1%eth0", "2a02:26f0::1", "::ffff:1.1.1.1", "1.1.1.1\n", "[::1]", "0x7f.1", "2001:db8::1", "\xff\xfe"} {
		f.Add(s)
	}
	geo, feed := fixtureSources()
	c, err := New(WithSources(geo, feed))
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, in string) {
		r, err := c.Lookup(context.Background(), in)
		if err != nil {
			var ae *AddrError
			if !errors.As(err, &ae) || !(errors.Is(err, ErrInvalidIP) || errors.Is(err, ErrReservedIP)) {
				t.Fatalf("Lookup(%q): untyped error %v", in, err)
			}
			if len(ae.Input) > maxEcho {
				t.Fatalf("error echoes %d bytes", len(ae.Input))
			}
			return
		}
		ip := r.Query.IP
		if !ip.IsValid() || ip.Zone() != "" || ip.Is4In6() || reservedReason(ip) != "" {
			t.Fatalf("Lookup(%q) accepted %v", in, ip)
		}
		if r.Risk.Score < 0 || r.Risk.Score > 100 {
			t.Fatalf("score %d", r.Risk.Score)
		}
		if r.Network != nil && r.Network.CIDR.IsValid() && !r.Network.CIDR.Contains(ip) {
			t.Fatalf("Lookup(%q): network %v does not contain %v", in, r.Network.CIDR, ip)
		}
	})
}

// A Result encodes the same by value and by pointer, and its sections
// alone as inside it.
func TestResultJSONByValue(t *testing.T) {
	geo, feed := fixtureSources()
	c := newClient(t, WithSources(geo, feed))
	r, err := c.Lookup(context.Background(), "216.144.250.150")
	if err != nil {
		t.Fatal(err)
	}
	seen := time.Date(2024, 1, 10, 0, 0, 0, 0, time.UTC)
	r.Monitoring = Monitoring{Detected: true, Provider: "UptimeRobot", Category: "synthetic_monitoring", Confidence: 95,
		FirstSeen: seen, LastSeen: seen.AddDate(2, 0, 0)}
	byPtr, _ := json.Marshal(r)
	byVal, _ := json.Marshal(*r)
	inside, _ := json.Marshal(struct{ R Result }{*r})
	if string(byPtr) != string(byVal) || string(inside) != `{"R":`+string(byPtr)+`}` {
		t.Errorf("by pointer %s\nby value %s\ninside %s", byPtr, byVal, inside)
	}
	var sections map[string]json.RawMessage
	json.Unmarshal(byPtr, &sections)
	mon, _ := json.Marshal(r.Monitoring)
	if string(mon) != string(sections["monitoring"]) {
		t.Errorf("monitoring alone %s, inside %s", mon, sections["monitoring"])
	}
	var back Monitoring
	if err := json.Unmarshal(mon, &back); err != nil || back != r.Monitoring {
		t.Errorf("monitoring read back as %+v, %v", back, err)
	}
}
