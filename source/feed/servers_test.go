package feed_test

import (
	"bytes"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ipintel/ipintel/source"
	"github.com/ipintel/ipintel/source/feed"
)

// The fixtures under testdata/servers are written by hand in the shape of
// each provider's public response (field names and nesting as read by
// open-source clients; see servers.go), with documentation addresses.
// want is every address the response lists, so the test checks that each
// is extracted and that nothing else is; not names addresses that are in
// the response but are not servers (API, DNS, non-exit relays).
var serverFixtures = []struct {
	preset, file string
	provider     string
	want, not    []string
}{
	{"mullvad", "mullvad.json", "Mullvad", []string{"192.0.2.10", "2001:db8:10::1", "192.0.2.11", "2001:db8:10::2", "192.0.2.12"}, []string{"192.0.2.13"}},
	{"mullvad-wireguard", "mullvad-wireguard.json", "Mullvad", []string{"192.0.2.10", "2001:db8:10::1", "192.0.2.13", "2001:db8:10::3"}, []string{"192.0.2.11"}},
	{"nordvpn", "nordvpn.json", "NordVPN", []string{"198.51.100.20", "2001:db8:20::1", "198.51.100.21", "2001:db8:20::2"}, []string{"198.51.100.22"}},
	{"pia", "pia.txt", "Private Internet Access", []string{"192.0.2.40", "192.0.2.41", "192.0.2.42", "192.0.2.43", "192.0.2.44", "192.0.2.45", "192.0.2.47", "192.0.2.48"}, []string{"192.0.2.46"}},
	// Windscribe: the paid-tier groups (Boston, Toronto) have no nodes,
	// only their ping_ip.
	{"windscribe", "windscribe.json", "Windscribe", []string{"192.0.2.50", "192.0.2.51", "192.0.2.52", "192.0.2.53", "192.0.2.54", "192.0.2.59", "192.0.2.60", "192.0.2.61", "192.0.2.62"}, []string{"192.0.2.58"}},
	{"airvpn", "airvpn.json", "AirVPN", []string{"203.0.113.60", "203.0.113.61", "203.0.113.62", "203.0.113.63", "2001:db8:60::1", "2001:db8:60::2", "2001:db8:60::3", "2001:db8:60::4", "203.0.113.64", "203.0.113.65"}, []string{"203.0.113.66"}},
	// IVPN: each host's address, V2Ray address and IPv6 address; not the
	// API's or the AntiTracker DNS addresses.
	{"ivpn", "ivpn.json", "IVPN", []string{"198.51.100.70", "198.51.100.80", "2001:db8:70::1", "198.51.100.71", "198.51.100.72", "198.51.100.81"}, []string{"198.51.100.99", "2001:db8:99::1", "10.0.254.2"}},
	{"vpngate", "vpngate.csv", "VPN Gate", []string{"203.0.113.80", "203.0.113.81"}, nil},
	// Onionoo: relays with the Exit flag only; relay 3 is a guard, relay 4
	// has no flags field and is not known to be an exit.
	{"tor-onionoo", "onionoo.json", "Tor Project", []string{"192.0.2.90", "192.0.2.91", "2001:db8:90::1", "198.51.100.92"}, []string{"198.51.100.93", "2001:db8:93::1", "203.0.113.94", "203.0.113.95"}},
}

// TestServerListPresets opens each first-party preset at its real URL,
// answered from its fixture, and checks that every listed address is
// found with the provider's name, and nothing else.
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
			checkServerFeed(t, f, tc.provider, p.Spec.Kind, tc.want, tc.not)
		})
	}
}

// checkServerFeed checks that f holds exactly the addresses want, each
// with a kind signal from provider, and misses every address in not.
func checkServerFeed(t *testing.T, f *feed.Feed, provider string, kind source.Kind, want, not []string) {
	t.Helper()
	if st := f.Stats(); st.Skipped != 0 {
		t.Errorf("stats %+v; want none skipped", st)
	}
	got := map[string]bool{}
	for p := range prefixesOf(t, f) {
		if !p.IsSingleIP() {
			t.Errorf("prefix %v; want single addresses", p)
		}
		got[p.Addr().String()] = true
	}
	for _, ip := range want {
		if !got[ip] {
			t.Errorf("%s not extracted", ip)
		}
		delete(got, ip)
	}
	for ip := range got {
		t.Errorf("%s extracted but not expected", ip)
	}
	for _, ip := range want {
		r := lookup(t, f, ip)
		if len(r.Signals) == 0 || r.Signals[0].Provider != provider || r.Signals[0].Kind != kind {
			t.Errorf("%s: %+v; want a %v signal from %s", ip, r, kind, provider)
		}
	}
	for _, ip := range not {
		if r := lookup(t, f, ip); !r.IsZero() {
			t.Errorf("%s: %+v; want a miss", ip, r)
		}
	}
}

// TestProtonVPNFormat: the ProtonVPN format, which has no catalog preset
// (Proton serves /vpn/logicals to signed-in clients only), reads each
// physical server's ExitIP from a saved response.
func TestProtonVPNFormat(t *testing.T) {
	if _, ok := feed.CatalogPreset("protonvpn"); ok {
		t.Error("a protonvpn preset is in the catalog; its URL needs a signed-in session")
	}
	f := loadServerFixture(t, "protonvpn.json", feed.ProtonVPN)
	checkServerFeed(t, f, "ProtonVPN", source.VPN, []string{"203.0.113.31", "203.0.113.32", "203.0.113.34"}, []string{"203.0.113.30", "203.0.113.33"})
}

// TestPIAv6Shape: the older v6 list, the same document with one signature
// line, still loads.
func TestPIAv6Shape(t *testing.T) {
	data := `{"regions":[{"id":"de_berlin","name":"DE Berlin","country":"DE","servers":{"wg":[{"ip":"192.0.2.30","cn":"berlin422"}],"ovpnudp":[{"ip":"192.0.2.31","cn":"berlin422"}]}}]}` + "\nc2lnbmF0dXJl\n"
	f, err := feed.Load(strings.NewReader(data), feed.Spec{Name: "pia", Kind: source.VPN, Format: feed.PIA})
	if err != nil {
		t.Fatal(err)
	}
	checkServerFeed(t, f, "Private Internet Access", source.VPN, []string{"192.0.2.30", "192.0.2.31"}, nil)
}

func loadServerFixture(t *testing.T, file string, format feed.Format) *feed.Feed {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "servers", file))
	if err != nil {
		t.Fatal(err)
	}
	f, err := feed.Load(bytes.NewReader(data), feed.Spec{Name: file, Kind: source.VPN, Format: format})
	if err != nil {
		t.Fatal(err)
	}
	return f
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
	for p := range prefixesOf(t, f) {
		if p.Addr().Is6() {
			v6++
		}
	}
	if v6 != 1 {
		t.Errorf("%d IPv6 exits, want 1", v6)
	}
}

// TestServerListsMalformed: a wrong shape is source.ErrMalformed or source.ErrMalformed,
// never a panic or a half-read list passed as good.
func TestServerListsMalformed(t *testing.T) {
	for _, f := range []feed.Format{feed.Mullvad, feed.NordVPN, feed.ProtonVPN, feed.PIA, feed.Windscribe, feed.AirVPN, feed.IVPN, feed.Onionoo} {
		for _, in := range []string{"", "{", "[]", "{}", `{"servers":"x"}`, `[{"ipv4_addr_in":5}]`, "null"} {
			_, err := feed.Load(bytes.NewReader([]byte(in)), feed.Spec{Name: "x", Kind: source.VPN, Format: f})
			if !errors.Is(err, source.ErrMalformed) {
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
			for _, want := range []error{source.ErrMalformed, source.ErrMalformed, source.ErrPoisoned, source.ErrTooLarge} {
				if errors.Is(err, want) {
					return
				}
			}
			t.Fatalf("unexpected error %v", err)
		}
		for p := range prefixesOf(t, fd) {
			if r, err := fd.Lookup(ctx, p.Addr()); err != nil || len(r.Signals) == 0 {
				t.Fatalf("Lookup(%v) = %+v, %v", p.Addr(), r, err)
			}
		}
	})
}
