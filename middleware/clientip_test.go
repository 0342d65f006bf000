package middleware

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"

	"github.com/ipintel/ipintel"
)

// trustedNets are the proxies of the spoof table: an internal load
// balancer network and an IPv6 ULA range.
var trustedNets = prefixes("10.0.0.0/8", "fd00::/8")

// forged are the addresses attackers claim in the spoof table; the
// resolver must never answer one of them.
var forged = []string{"81.2.69.142", "8.8.8.8", "1.1.1.1", "2a02:26f0::1", "10.1.1.1", "10.0.0.5", "127.0.0.1"}

type spoofCase struct {
	name   string
	header string // resolver's header; "" = X-Forwarded-For
	peer   string
	send   string // request header name; "" = same as header (or X-Forwarded-For)
	lines  []string
	want   string // "" = ErrNoClientIP
}

// spoofCases: an attacker at 185.220.101.1 (a Tor exit in the bundled data)
// or 2a03:1b20::1 (a VPN) tries to be seen as someone else, directly or
// through the trusted proxies.
var spoofCases = []spoofCase{
	// Untrusted peers: headers are never read.
	{name: "forged XFF from untrusted peer", peer: "185.220.101.1:5555", lines: []string{"81.2.69.142"}, want: torExit},
	{name: "forged XFF chain from untrusted peer", peer: "185.220.101.1:5555", lines: []string{"81.2.69.142, 10.0.0.5"}, want: torExit},
	{name: "forged XFF claiming loopback", peer: "185.220.101.1:5555", lines: []string{"127.0.0.1"}, want: torExit},
	{name: "forged X-Real-IP from untrusted peer", header: "X-Real-IP", peer: "185.220.101.1:5555", lines: []string{"81.2.69.142"}, want: torExit},
	{name: "forged CF-Connecting-IP from untrusted peer", header: "CF-Connecting-IP", peer: "185.220.101.1:5555", lines: []string{"8.8.8.8"}, want: torExit},
	{name: "forged True-Client-IP from untrusted peer", header: "True-Client-IP", peer: "185.220.101.1:5555", lines: []string{"8.8.8.8"}, want: torExit},
	{name: "forged Forwarded from untrusted peer", header: "Forwarded", peer: "185.220.101.1:5555", lines: []string{"for=8.8.8.8"}, want: torExit},
	{name: "forged XFF from untrusted IPv6 peer", peer: "[2a03:1b20::1]:443", lines: []string{"2a02:26f0::1"}, want: vpnV6},
	{name: "IPv4-mapped untrusted peer", peer: "[::ffff:185.220.101.1]:80", lines: []string{"8.8.8.8"}, want: torExit},
	{name: "untrusted peer with zone", peer: "[fe80::1%eth0]:80", lines: []string{"8.8.8.8"}, want: "fe80::1"},
	{name: "peer outside trusted set just past its edge", peer: "11.0.0.1:80", lines: []string{"8.8.8.8"}, want: "11.0.0.1"},

	// Trusted peer, X-Forwarded-For: the rightmost untrusted entry.
	{name: "proxy appended to forged XFF", peer: "10.0.0.1:80", lines: []string{"81.2.69.142, 185.220.101.1"}, want: torExit},
	{name: "multiple XFF headers", peer: "10.0.0.1:80", lines: []string{"81.2.69.142", "185.220.101.1"}, want: torExit},
	{name: "multiple XFF headers, forged trusted first", peer: "10.0.0.1:80", lines: []string{"10.0.0.5, 1.1.1.1", "185.220.101.1"}, want: torExit},
	{name: "spaces and tabs", peer: "10.0.0.1:80", lines: []string{" 81.2.69.142 ,\t185.220.101.1\t "}, want: torExit},
	{name: "no spaces", peer: "10.0.0.1:80", lines: []string{"8.8.8.8,185.220.101.1"}, want: torExit},
	{name: "forged trusted entry", peer: "10.0.0.1:80", lines: []string{"10.1.1.1, 185.220.101.1"}, want: torExit},
	{name: "chain of trusted proxies", peer: "10.0.0.4:80", lines: []string{"81.2.69.142, 185.220.101.1, 10.0.0.2, 10.0.0.3"}, want: torExit},
	{name: "chain of trusted proxies over lines", peer: "10.0.0.4:80", lines: []string{"8.8.8.8", "185.220.101.1, 10.0.0.2", "fd00::3"}, want: torExit},
	{name: "all-trusted chain", peer: "10.0.0.4:80", lines: []string{"10.0.0.2, 10.0.0.3"}, want: "10.0.0.2"},
	{name: "trusted peer without XFF", peer: "10.0.0.4:80", want: "10.0.0.4"},
	{name: "empty XFF", peer: "10.0.0.4:80", lines: []string{""}, want: "10.0.0.4"},
	{name: "empty elements", peer: "10.0.0.4:80", lines: []string{" , 185.220.101.1, ,"}, want: torExit},
	{name: "garbage left of the appended entry", peer: "10.0.0.1:80", lines: []string{"garbage!!, <script>, 185.220.101.1"}, want: torExit},
	{name: "garbage where the proxy should have written", peer: "10.0.0.1:80", lines: []string{"185.220.101.1, garbage"}},
	{name: "unicode digits", peer: "10.0.0.1:80", lines: []string{"１.２.３.４"}},
	{name: "IPv6 with brackets and port", peer: "10.0.0.1:80", lines: []string{"2a02:26f0::1, [2a03:1b20::1]:443"}, want: vpnV6},
	{name: "IPv6 with brackets", peer: "10.0.0.1:80", lines: []string{"8.8.8.8, [2a03:1b20::1]"}, want: vpnV6},
	{name: "IPv6 bare", peer: "[fd00::1]:80", lines: []string{"8.8.8.8, 2a03:1b20::1"}, want: vpnV6},
	{name: "IPv4 with port", peer: "10.0.0.1:80", lines: []string{"8.8.8.8:80, 185.220.101.1:5555"}, want: torExit},
	{name: "bad port", peer: "10.0.0.1:80", lines: []string{"185.220.101.1:http"}},
	{name: "IPv4 in brackets", peer: "10.0.0.1:80", lines: []string{"[185.220.101.1]"}},
	{name: "unclosed bracket", peer: "10.0.0.1:80", lines: []string{"[2a03:1b20::1"}},
	{name: "zone in XFF", peer: "10.0.0.1:80", lines: []string{"fe80::1%eth0"}},
	{name: "zone left of the appended entry", peer: "10.0.0.1:80", lines: []string{"fe80::1%eth0, 185.220.101.1"}, want: torExit},
	{name: "IPv4-mapped entry", peer: "10.0.0.1:80", lines: []string{"8.8.8.8, ::ffff:185.220.101.1"}, want: torExit},
	{name: "IPv4-mapped trusted proxy", peer: "10.0.0.1:80", lines: []string{"8.8.8.8, 185.220.101.1, ::ffff:10.0.0.2"}, want: torExit},
	{name: "trusted peer given as IPv4-mapped", peer: "[::ffff:10.0.0.1]:80", lines: []string{"8.8.8.8, 185.220.101.1"}, want: torExit},
	{name: "overlong XFF padded by the client", peer: "10.0.0.1:80", lines: []string{strings.Repeat("1.1.1.1, ", 20000) + "185.220.101.1"}, want: torExit},
	{name: "overlong XFF over many lines", peer: "10.0.0.1:80", lines: append(repeatLines("8.8.8.8", 5000), "185.220.101.1"), want: torExit},
	{name: "overlong trusted chain", peer: "10.0.0.1:80", lines: []string{"8.8.8.8," + strings.Repeat("10.0.0.2,", MaxHops+1)}},
	{name: "trusted entry cut by the byte cap", peer: "10.0.0.1:80", lines: []string{"8.8.8.8, " + strings.Repeat(" ", MaxHeaderBytes) + "10.0.0.2"}},
	{name: "XFF ignored when another header is configured", header: "X-Real-IP", peer: "10.0.0.1:80", send: "X-Forwarded-For", lines: []string{"8.8.8.8"}, want: "10.0.0.1"},

	// Trusted peer, single-address headers.
	{name: "X-Real-IP from proxy", header: "X-Real-IP", peer: "10.0.0.1:80", lines: []string{"185.220.101.1"}, want: torExit},
	{name: "X-Real-IP twice", header: "X-Real-IP", peer: "10.0.0.1:80", lines: []string{"8.8.8.8", "185.220.101.1"}},
	{name: "X-Real-IP list", header: "X-Real-IP", peer: "10.0.0.1:80", lines: []string{"8.8.8.8, 185.220.101.1"}},
	{name: "X-Real-IP missing", header: "X-Real-IP", peer: "10.0.0.1:80", want: "10.0.0.1"},
	{name: "X-Real-IP overlong", header: "X-Real-IP", peer: "10.0.0.1:80", lines: []string{strings.Repeat(" ", MaxHeaderBytes) + "185.220.101.1"}},
	{name: "CF-Connecting-IP IPv6", header: "CF-Connecting-IP", peer: "10.0.0.1:80", lines: []string{"2a03:1b20::1"}, want: vpnV6},
	{name: "True-Client-IP garbage", header: "True-Client-IP", peer: "10.0.0.1:80", lines: []string{"not-an-ip"}},
	{name: "True-Client-IP with spaces", header: "True-Client-IP", peer: "10.0.0.1:80", lines: []string{"  185.220.101.1 "}, want: torExit},

	// Trusted peer, RFC 7239 Forwarded.
	{name: "Forwarded appended", header: "Forwarded", peer: "10.0.0.1:80", lines: []string{"for=8.8.8.8, for=185.220.101.1;proto=https"}, want: torExit},
	{name: "Forwarded quoted IPv6 with port", header: "Forwarded", peer: "10.0.0.1:80", lines: []string{`for="[2a03:1b20::1]:4711"`}, want: vpnV6},
	{name: "Forwarded quoted IPv4 with port", header: "Forwarded", peer: "10.0.0.1:80", lines: []string{`for="185.220.101.1:5555"`}, want: torExit},
	{name: "Forwarded obfuscated port", header: "Forwarded", peer: "10.0.0.1:80", lines: []string{`for="185.220.101.1:_abc"`}, want: torExit},
	{name: "Forwarded case-insensitive name", header: "Forwarded", peer: "10.0.0.1:80", lines: []string{"Proto=https;FOR=185.220.101.1;By=10.0.0.1"}, want: torExit},
	{name: "Forwarded multiple headers", header: "Forwarded", peer: "10.0.0.1:80", lines: []string{"for=8.8.8.8", "for=185.220.101.1"}, want: torExit},
	{name: "Forwarded trusted chain", header: "Forwarded", peer: "10.0.0.3:80", lines: []string{`for=8.8.8.8, for=185.220.101.1, for="[fd00::2]"`}, want: torExit},
	{name: "Forwarded unterminated quote in its own line", header: "Forwarded", peer: "10.0.0.1:80", lines: []string{`for="8.8.8.8`, "for=185.220.101.1"}, want: torExit},
	{name: "Forwarded unterminated quote same line", header: "Forwarded", peer: "10.0.0.1:80", lines: []string{`for="8.8.8.8, for=185.220.101.1`}, want: torExit},
	{name: "Forwarded comma inside quotes", header: "Forwarded", peer: "10.0.0.1:80", lines: []string{`for="8.8.8.8, for=1.1.1.1", for=185.220.101.1`}, want: torExit},
	{name: "Forwarded escaped quote", header: "Forwarded", peer: "10.0.0.1:80", lines: []string{`for="\"8.8.8.8", for=185.220.101.1`}, want: torExit},
	{name: "Forwarded trailing backslash", header: "Forwarded", peer: "10.0.0.1:80", lines: []string{`for=8.8.8.8\`, "for=185.220.101.1"}, want: torExit},
	{name: "Forwarded two for= in one element", header: "Forwarded", peer: "10.0.0.1:80", lines: []string{"for=8.8.8.8;for=185.220.101.1"}},
	{name: "Forwarded unknown", header: "Forwarded", peer: "10.0.0.1:80", lines: []string{"for=8.8.8.8, for=unknown"}},
	{name: "Forwarded obfuscated node", header: "Forwarded", peer: "10.0.0.1:80", lines: []string{`for=8.8.8.8, for="_hidden"`}},
	{name: "Forwarded element without for", header: "Forwarded", peer: "10.0.0.1:80", lines: []string{"for=8.8.8.8, proto=https;by=10.0.0.1"}},
	{name: "Forwarded stray quote in value", header: "Forwarded", peer: "10.0.0.1:80", lines: []string{`for=185.220".101.1`}},
	{name: "Forwarded unquoted IPv6 (lenient)", header: "Forwarded", peer: "10.0.0.1:80", lines: []string{"for=8.8.8.8, for=[2a03:1b20::1]"}, want: vpnV6},
	{name: "Forwarded overlong padding", header: "Forwarded", peer: "10.0.0.1:80", lines: []string{strings.Repeat(`for="8.8.8.8, `, 5000), "for=185.220.101.1"}, want: torExit},
	{name: "Forwarded ignores XFF", header: "Forwarded", peer: "10.0.0.1:80", send: "X-Forwarded-For", lines: []string{"8.8.8.8"}, want: "10.0.0.1"},

	// Peers that are not IP addresses.
	{name: "unix socket peer", peer: "@", lines: []string{"8.8.8.8"}},
	{name: "empty peer", peer: "", lines: []string{"8.8.8.8"}},
	{name: "hostname peer", peer: "localhost:80", lines: []string{"8.8.8.8"}},
}

func repeatLines(s string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = s
	}
	return out
}

func (c spoofCase) request() *http.Request {
	send := c.send
	if send == "" {
		send = c.header
	}
	if send == "" {
		send = HeaderXForwardedFor
	}
	return request(c.peer, send, c.lines...)
}

// TestSpoof runs every spoof attempt through the resolver: the answer is
// the attacker's real address (or the configured fallback), or an error,
// and never an address the attacker forged.
func TestSpoof(t *testing.T) {
	bypasses := 0
	for _, c := range spoofCases {
		t.Run(c.name, func(t *testing.T) {
			res, err := NewResolver(trustedNets, c.header)
			if err != nil {
				t.Fatal(err)
			}
			got, err := res.ClientIP(c.request())
			for _, f := range forged {
				if got == netip.MustParseAddr(f) {
					bypasses++
					t.Errorf("BYPASS: resolved the forged address %v", got)
				}
			}
			if c.want == "" {
				if !errors.Is(err, ErrNoClientIP) {
					t.Errorf("got %v, %v; want ErrNoClientIP", got, err)
				}
				if got.IsValid() {
					t.Errorf("an error came with an address %v", got)
				}
				return
			}
			if err != nil {
				t.Fatalf("unexpected error %v", err)
			}
			if want := netip.MustParseAddr(c.want); got != want {
				t.Errorf("got %v, want %v", got, want)
			}
		})
	}
	if bypasses != 0 {
		t.Errorf("%d bypasses in %d spoof attempts", bypasses, len(spoofCases))
	}
}

// TestSpoofMiddleware sends every spoof attempt whose attacker is the Tor
// exit through the middleware: all of them are blocked. Attempts the
// resolver cannot resolve pass by default (fail open) and are blocked under
// FailClosed.
func TestSpoofMiddleware(t *testing.T) {
	client := bundledClient(t)
	for _, failClosed := range []bool{false, true} {
		for _, c := range spoofCases {
			opts := []Option{WithTrustedProxies(trustedNets)}
			if c.header != "" {
				opts = append(opts, WithClientIPHeader(c.header))
			}
			if failClosed {
				opts = append(opts, WithFailClosed())
			}
			h := mustNew(t, client, opts...)(okHandler())
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, c.request())
			switch {
			case c.want == torExit:
				if rec.Code != http.StatusForbidden {
					t.Errorf("%s (failClosed=%v): BYPASS, status %d", c.name, failClosed, rec.Code)
				}
			case c.want == "" && failClosed:
				if rec.Code != http.StatusForbidden || !strings.Contains(rec.Body.String(), ReasonClientIPUnknown) {
					t.Errorf("%s: fail-closed answered %d %s", c.name, rec.Code, rec.Body)
				}
			case c.want == "":
				if rec.Code != http.StatusOK {
					t.Errorf("%s: fail-open answered %d", c.name, rec.Code)
				}
			}
		}
	}
}

func TestResolverOptions(t *testing.T) {
	for name, c := range map[string]struct {
		trusted []netip.Prefix
		header  string
	}{
		"zero prefix":        {trusted: []netip.Prefix{{}}},
		"header with space":  {header: "X Real IP"},
		"header with colon":  {header: "X-Real-IP:"},
		"header with CRLF":   {header: "X-Real-IP\r\nX-Evil"},
		"header with UTF-8":  {header: "X-Réal-IP"},
		"header with quotes": {header: `"X-Real-IP"`},
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := NewResolver(c.trusted, c.header); !errors.Is(err, ipintel.ErrInvalidOption) {
				t.Errorf("got %v, want ipintel.ErrInvalidOption", err)
			}
		})
	}
	r, err := NewResolver(prefixes("::ffff:10.0.0.0/104"), "x-real-ip")
	if err != nil {
		t.Fatal(err)
	}
	if r.header != "X-Real-Ip" {
		t.Errorf("header = %q", r.header)
	}
	// An IPv4-mapped prefix trusts the IPv4 addresses it maps.
	if !r.trusts(netip.MustParseAddr("10.2.3.4")) || r.trusts(netip.MustParseAddr("11.2.3.4")) {
		t.Error("IPv4-mapped trusted prefix not normalised")
	}
	// No trusted proxies: headers are never read, even from loopback.
	r, _ = NewResolver(nil, "")
	got, err := r.ClientIP(request("127.0.0.1:80", "X-Forwarded-For", "8.8.8.8"))
	if err != nil || got != netip.MustParseAddr("127.0.0.1") {
		t.Errorf("no trusted proxies: got %v, %v", got, err)
	}
}

func TestParseHop(t *testing.T) {
	for in, want := range map[string]string{
		"1.2.3.4":               "1.2.3.4",
		" 1.2.3.4\t":            "1.2.3.4",
		"1.2.3.4:0":             "1.2.3.4",
		"1.2.3.4:65535":         "1.2.3.4",
		"[::1]:80":              "::1",
		"[::ffff:1.2.3.4]":      "1.2.3.4",
		"::ffff:1.2.3.4":        "1.2.3.4",
		"2001:db8::1":           "2001:db8::1",
		"1.2.3.4:123456":        "",
		"1.2.3.4:":              "",
		"[::1]x":                "",
		"[::1]:":                "",
		"[fe80::1%25eth0]:80":   "",
		"fe80::1%eth0":          "",
		"01.2.3.4":              "",
		"1.2.3":                 "",
		"":                      "",
		"unknown":               "",
		"_hidden":               "",
		strings.Repeat("1", 65): "",
	} {
		got, ok := parseHop(in)
		if want == "" {
			if ok {
				t.Errorf("parseHop(%q) = %v, want failure", in, got)
			}
			continue
		}
		if !ok || got != netip.MustParseAddr(want) {
			t.Errorf("parseHop(%q) = %v, %v; want %v", in, got, ok, want)
		}
	}
}
