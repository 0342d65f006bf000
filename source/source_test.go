package source_test

import (
	"encoding/json"
	"errors"
	"net/netip"
	"strings"
	"testing"

	"github.com/ipintel/ipintel/source"
)

func TestASNText(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want source.ASN
		err  bool
	}{
		{"AS13335", 13335, false},
		{"as13335", 13335, false},
		{"13335", 13335, false},
		{"AS4294967295", 4294967295, false},
		{"AS4294967296", 0, true},
		{"AS", 0, true},
		{"AS-1", 0, true},
		{"AS+1", 0, true},
		{"+1", 0, true},
		{"ASN1", 0, true},
		{"1.5", 0, true},
		{strings.Repeat("9", 1<<20), 0, true},
	} {
		got, err := source.ParseASN(tc.in)
		if (err != nil) != tc.err || got != tc.want {
			t.Errorf("ParseASN(%.20q) = %v, %v; want %v, err=%v", tc.in, got, err, tc.want, tc.err)
		}
		if err != nil {
			if !errors.Is(err, source.ErrInvalidInput) {
				t.Errorf("ParseASN(%.20q) error %v is not ErrInvalidInput", tc.in, err)
			}
			if len(err.Error()) > 120 {
				t.Errorf("ParseASN error echoes too much input: %d bytes", len(err.Error()))
			}
		}
	}
}

func TestNetworkJSON(t *testing.T) {
	n := source.Network{ASN: 13335, Organization: "Cloudflare, Inc.", CIDR: netip.MustParsePrefix("1.1.1.0/24")}
	b, err := json.Marshal(n)
	if err != nil {
		t.Fatal(err)
	}
	const want = `{"asn":"AS13335","organization":"Cloudflare, Inc.","cidr":"1.1.1.0/24"}`
	if string(b) != want {
		t.Fatalf("got %s, want %s", b, want)
	}
	var back source.Network
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if back != n {
		t.Fatalf("round trip: got %+v, want %+v", back, n)
	}
	b, _ = json.Marshal(source.Network{})
	if string(b) != `{}` {
		t.Fatalf("empty network: got %s", b)
	}
}

func TestKindText(t *testing.T) {
	seen := map[string]bool{}
	for k := source.VPN; k.Valid(); k++ {
		s := k.String()
		if seen[s] {
			t.Fatalf("duplicate kind name %q", s)
		}
		seen[s] = true
		b, err := k.MarshalText()
		if err != nil || string(b) != s {
			t.Fatalf("%v.MarshalText() = %q, %v", k, b, err)
		}
		back, err := source.ParseKind(s)
		if err != nil || back != k {
			t.Fatalf("ParseKind(%q) = %v, %v", s, back, err)
		}
	}
	if got := source.ResidentialProxy.String(); got != "residential_proxy" {
		t.Errorf("ResidentialProxy.String() = %q", got)
	}
	if source.Kind(0).Valid() || source.Kind(200).Valid() {
		t.Error("invalid kinds report Valid")
	}
	if got := source.Kind(200).String(); got != "kind(200)" {
		t.Errorf("Kind(200).String() = %q", got)
	}
	if _, err := source.Kind(0).MarshalText(); !errors.Is(err, source.ErrInvalidInput) {
		t.Errorf("Kind(0).MarshalText error = %v", err)
	}
	if _, err := source.ParseKind("VPN"); !errors.Is(err, source.ErrInvalidInput) {
		t.Errorf("ParseKind is case-sensitive; got %v", err)
	}
	var sig source.Signal
	if err := json.Unmarshal([]byte(`{"kind":"tor","confidence":100,"source":"tor-exits"}`), &sig); err != nil || sig.Kind != source.Tor {
		t.Fatalf("unmarshal signal: %+v, %v", sig, err)
	}
}

func TestRecordIsZero(t *testing.T) {
	if !(source.Record{}).IsZero() {
		t.Error("Record{} is not zero")
	}
	for _, r := range []source.Record{
		{Prefix: netip.MustParsePrefix("1.0.0.0/8")},
		{Geo: &source.Geo{}},
		{Network: &source.Network{}},
		{Signals: []source.Signal{{Kind: source.VPN}}},
	} {
		if r.IsZero() {
			t.Errorf("%+v reports IsZero", r)
		}
	}
}
