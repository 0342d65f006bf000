package feed_test

import (
	"bytes"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/ipintel/ipintel/source"
	"github.com/ipintel/ipintel/source/feed"
)

// The fixtures under testdata/servers are written by hand in the shape of
// each provider's public response (field names and nesting as read by
// open-source clients; see servers.go), with documentation addresses.
var serverFixtures = []struct {
	preset, file string
	provider     string
	want, not    []string
	prefixes     int
}{
	{"mullvad", "mullvad.json", "Mullvad", []string{"192.0.2.10", "2001:db8:10::1", "192.0.2.11", "192.0.2.12"}, []string{"192.0.2.13"}, 5},
	{"mullvad-wireguard", "mullvad-wireguard.json", "Mullvad", []string{"192.0.2.10", "2001:db8:10::3"}, []string{"192.0.2.11"}, 4},
	{"nordvpn", "nordvpn.json", "NordVPN", []string{"198.51.100.20", "2001:db8:20::1", "198.51.100.21", "2001:db8:20::2"}, []string{"198.51.100.22"}, 4},
	{"protonvpn", "protonvpn.json", "ProtonVPN", []string{"203.0.113.31", "203.0.113.32", "203.0.113.34"}, []string{"203.0.113.30", "203.0.113.33"}, 3},
	{"pia", "pia.txt", "Private Internet Access", []string{"192.0.2.40", "192.0.2.41", "192.0.2.42", "192.0.2.43", "192.0.2.44", "192.0.2.45"}, []string{"192.0.2.46"}, 6},
	{"windscribe", "windscribe.json", "Windscribe", []string{"192.0.2.50", "192.0.2.51", "192.0.2.52", "192.0.2.53", "192.0.2.54"}, []string{"192.0.2.59"}, 5},
	{"airvpn", "airvpn.json", "AirVPN", []string{"203.0.113.60", "203.0.113.63", "2001:db8:60::4", "203.0.113.65"}, []string{"203.0.113.66"}, 10},
	{"ivpn", "ivpn.json", "IVPN", []string{"198.51.100.70", "2001:db8:70::1", "198.51.100.71", "198.51.100.72"}, []string{"198.51.100.99", "10.0.254.2"}, 4},
	{"vpngate", "vpngate.csv", "VPN Gate", []string{"203.0.113.80", "203.0.113.81"}, nil, 2},
	{"tor-onionoo", "onionoo.json", "Tor Project", []string{"192.0.2.90", "192.0.2.91", "2001:db8:90::1", "198.51.100.92"}, []string{"198.51.100.93", "2001:db8:93::1"}, 4},
}

// TestServerListPresets opens each first-party preset at its real URL,
// answered from its fixture, and checks every listed address is found with
// the provider's name, and nothing else.
func TestServerListPresets(t *testing.T) {
	for _, tc := range serverFixtures {
		t.Run(tc.preset, func(t *testing.T) {
			p, ok := feed.CatalogPreset(tc.preset)
			if !ok {
				t.Fatalf("no preset %q", tc.preset)
			}
			tr := &catalogTransport{files: map[string]string{p.URL: filepath.Join("testdata", "servers", tc.file)}}
			f, err := p.Open(t.Context(), feed.WithHTTPClient(&http.Client{Transport: tr}))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			if st := f.Stats(); st.Prefixes != tc.prefixes || st.Skipped != 0 {
				t.Errorf("stats %+v; want %d prefixes, none skipped", st, tc.prefixes)
			}
			for _, ip := range tc.want {
				r := lookup(t, f, ip)
				if len(r.Signals) == 0 || r.Signals[0].Provider != tc.provider || r.Signals[0].Kind != p.Spec.Kind {
					t.Errorf("%s: %+v; want a %v signal from %s", ip, r, p.Spec.Kind, tc.provider)
				}
			}
			for _, ip := range tc.not {
				if r := lookup(t, f, ip); !r.IsZero() {
					t.Errorf("%s: %+v; want a miss", ip, r)
				}
			}
		})
	}
}

// TestOnionooSeen checks that an Onionoo match carries the relay's first
// and last seen times, and that IPv6 exits are there.
func TestOnionooSeen(t *testing.T) {
	data, err := os.ReadFile("testdata/servers/onionoo.json")
	if err != nil {
		t.Fatal(err)
	}
	f, err := feed.Load(bytes.NewReader(data), feed.Spec{Name: "onionoo", Kind: source.Tor, Format: feed.Onionoo})
	if err != nil {
		t.Fatal(err)
	}
	r := lookup(t, f, "2001:db8:90::1")
	if len(r.Signals) != 1 {
		t.Fatalf("%+v", r)
	}
	s := r.Signals[0]
	if want := time.Date(2019, 5, 1, 0, 0, 0, 0, time.UTC); !s.FirstSeen.Equal(want) {
		t.Errorf("FirstSeen %v, want %v", s.FirstSeen, want)
	}
	if want := time.Date(2026, 11, 30, 23, 0, 0, 0, time.UTC); !s.LastSeen.Equal(want) {
		t.Errorf("LastSeen %v, want %v", s.LastSeen, want)
	}
	if s.Provider != "Tor Project" {
		t.Errorf("provider %q", s.Provider)
	}
	v6 := 0
	for p := range f.Prefixes() {
		if p.Addr().Is6() {
			v6++
		}
	}
	if v6 != 1 {
		t.Errorf("%d IPv6 exits, want 1", v6)
	}
}

// TestServerListsMalformed: a wrong shape is ErrFormat or ErrNoEntries,
// never a panic or a half-read list passed as good.
func TestServerListsMalformed(t *testing.T) {
	for _, f := range []feed.Format{feed.Mullvad, feed.NordVPN, feed.ProtonVPN, feed.PIA, feed.Windscribe, feed.AirVPN, feed.IVPN, feed.Onionoo} {
		for _, in := range []string{"", "{", "[]", "{}", `{"servers":"x"}`, `[{"ipv4_addr_in":5}]`, "null"} {
			_, err := feed.Load(bytes.NewReader([]byte(in)), feed.Spec{Name: "x", Kind: source.VPN, Format: f})
			if !errors.Is(err, feed.ErrFormat) && !errors.Is(err, feed.ErrNoEntries) {
				t.Errorf("%v %q: err %v", f, in, err)
			}
		}
	}
}

// FuzzServerList loads arbitrary bytes as each provider's server list.
func FuzzServerList(f *testing.F) {
	files, _ := filepath.Glob("testdata/servers/*")
	for _, p := range files {
		if data, err := os.ReadFile(p); err == nil {
			for fm := feed.Mullvad; fm <= feed.Onionoo; fm++ {
				f.Add(data, uint8(fm))
			}
		}
	}
	for _, s := range []string{"", "null", "[null]", `{"relays":[{"or_addresses":["[::1"]}]}`, `{"regions":[{"servers":{"wg":[{"ip":"0.0.0.0/0"}]}}]}`, "{\n"} {
		f.Add([]byte(s), uint8(feed.Onionoo))
	}
	f.Fuzz(func(t *testing.T, data []byte, format uint8) {
		fm := feed.Mullvad + feed.Format(format)%(feed.Onionoo-feed.Mullvad+1)
		fd, err := feed.Load(bytes.NewReader(data), feed.Spec{Name: "fuzz", Kind: source.VPN, Format: fm, MaxBytes: 1 << 20})
		if err != nil {
			for _, want := range []error{feed.ErrNoEntries, feed.ErrFormat, feed.ErrPoisoned, feed.ErrTooLarge} {
				if errors.Is(err, want) {
					return
				}
			}
			t.Fatalf("unexpected error %v", err)
		}
		for p := range fd.Prefixes() {
			if r, err := fd.Lookup(ctx, p.Addr()); err != nil || len(r.Signals) == 0 {
				t.Fatalf("Lookup(%v) = %+v, %v", p.Addr(), r, err)
			}
		}
	})
}
