package remote

import (
	"net/netip"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/ipintel/ipintel/source"
)

// checkRecord holds for every record a decoder returns, whatever the body.
func checkRecord(t *testing.T, name string, addr netip.Addr, r source.Record) {
	t.Helper()
	if r.Prefix.IsValid() && !r.Prefix.Contains(addr) {
		t.Fatalf("prefix %v does not contain %v", r.Prefix, addr)
	}
	if r.Network != nil && r.Network.CIDR.IsValid() && r.Network.CIDR != r.Prefix {
		t.Fatalf("network CIDR %v differs from prefix %v", r.Network.CIDR, r.Prefix)
	}
	for _, s := range r.Signals {
		if !s.Kind.Valid() || s.Confidence < 0 || s.Confidence > 100 || s.Source != name {
			t.Fatalf("bad signal %+v", s)
		}
	}
	if r.Geo != nil {
		if cc := r.Geo.CountryCode; cc != "" && len(cc) != 2 {
			t.Fatalf("country code %q", cc)
		}
	}
}

func seedFiles(f *testing.F, prefix string) {
	files, _ := filepath.Glob("testdata/" + prefix + "*.json")
	// The APIs' documented examples.
	docs, _ := filepath.Glob("../../compat/compattest/testdata/" + prefix + "*.json")
	files = append(files, docs...)
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	for _, s := range []string{"", "null", "{}", "[]", "not json", `{"query":{"ip":"::1"}}`, `{"data":{"found":true,"trust_score":-5}}`,
		`{"results":[{"query":{"ip":"45.1.1.1"},"network":{"cidr":"0.0.0.0/0"}}]}`,
		`{"data":{"results":[{"index":99999999999,"found":true}]}}`, `{"detail":[{"loc":["body"],"msg":"x"}]}`,
		`{"results":[],"processed":"3","errors":0.0}`, `{"risk":{"fraud_probability":0.7}}`, `{"risk":{"score":101}}`,
		`{"monitoring":{"detected":true,"confidence":80}}`, `{"ip":"8.8.8.8","trust_score":"95"}`, `{"data":null}`,
		`{"data":{"results":[{"ip":"8.8.8.8","error":"timeout"}],"invalid_ips":[{"index":"x"}]}}`, `{"asn":{"number":4294967296}}`} {
		f.Add([]byte(s))
	}
}

var fuzzAddr = netip.MustParseAddr("45.130.202.105")

func FuzzDecodeVectraIP(f *testing.F) {
	seedFiles(f, "vectraip")
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := decodeVectraIP("vectraip", fuzzAddr, b)
		if err == nil {
			checkRecord(t, "vectraip", fuzzAddr, r)
		}
		addrs := []netip.Addr{fuzzAddr, netip.MustParseAddr("45.1.1.1"), netip.MustParseAddr("2a01:4f8::1")}
		rs, answered, err := decodeVectraIPBatch("vectraip", addrs, b)
		if err == nil {
			if len(rs) != len(addrs) || len(answered) != len(addrs) {
				t.Fatalf("%d records, %d answered flags for %d addresses", len(rs), len(answered), len(addrs))
			}
			for i := range rs {
				checkRecord(t, "vectraip", addrs[i], rs[i])
			}
		}
		_ = vectraEnvelope(b)
	})
}

func FuzzDecodeVPNSignal(f *testing.F) {
	seedFiles(f, "vpnsignal")
	f.Fuzz(func(t *testing.T, b []byte) {
		a := netip.MustParseAddr("1.1.1.1")
		r, err := decodeVPNSignal("vpnsignal", a, b)
		if err == nil {
			checkRecord(t, "vpnsignal", a, r)
		}
		if env := vpnSignalEnvelope(b); env.retryAfter < 0 || env.retryAfter > 24*time.Hour {
			t.Fatalf("retry after %v", env.retryAfter)
		}
		_ = genericEnvelope(b)
	})
}

func FuzzDecodeDatpaq(f *testing.F) {
	seedFiles(f, "datpaq")
	f.Fuzz(func(t *testing.T, b []byte) {
		a := netip.MustParseAddr("185.220.101.1")
		r, err := decodeDatpaq("datpaq", a, b)
		if err == nil {
			checkRecord(t, "datpaq", a, r)
		}
		addrs := []netip.Addr{a, netip.MustParseAddr("45.1.1.1")}
		rs, answered, err := decodeDatpaqBatch("datpaq", addrs, b)
		if err == nil {
			if len(rs) != len(addrs) || len(answered) != len(addrs) {
				t.Fatalf("%d records, %d answered flags for %d addresses", len(rs), len(answered), len(addrs))
			}
			for i := range rs {
				checkRecord(t, "datpaq", addrs[i], rs[i])
			}
		}
		_ = datpaqEnvelope(b)
	})
}

func FuzzParseRetryAfter(f *testing.F) {
	for _, s := range []string{"", "0", "120", "-1", "Mon, 25 May 2026 14:00:30 GMT", "99999999999999999999"} {
		f.Add(s)
	}
	now := time.Date(2026, 5, 25, 14, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, s string) {
		if d := parseRetryAfter(s, now); d < 0 || d > 24*time.Hour {
			t.Fatalf("parseRetryAfter(%q) = %v", s, d)
		}
	})
}
