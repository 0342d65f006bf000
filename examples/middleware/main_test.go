package main

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ipintel/ipintel"
	"github.com/ipintel/ipintel/middleware"
	"github.com/ipintel/ipintel/source"
	"github.com/ipintel/ipintel/source/feed"
)

func TestService(t *testing.T) {
	client := testClient(t)
	h, err := newHandler(client, middleware.WithTrustedProxies([]netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}))
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, path, peer, xff string
		code                  int
		want                  string
	}{
		{"Tor exit refused", "/", "185.220.101.1:1", "", 403, `"reason":"TOR_EXIT"`},
		{"Tor exit refused behind the proxy", "/", "10.0.0.1:1", "81.2.69.142, 185.220.101.1", 403, `"forbidden"`},
		{"forged XFF does not help", "/", "185.220.101.1:1", "81.2.69.142", 403, `"forbidden"`},
		{"VPN asked to step up", "/", "45.130.202.105:1", "", 200, `"step_up": true`},
		{"residential welcome", "/", "81.2.69.142:1", "", 200, `"country": "GB"`},
		{"client behind the proxy", "/", "10.0.0.1:1", "8.8.8.8, 81.2.69.142", 200, `"client_ip": "81.2.69.142"`},
		{"internal traffic", "/", "10.0.0.7:1", "", 200, `internal or unchecked`},
		{"health check from anywhere", "/healthz", "185.220.101.1:1", "", 200, "ok"},
		{"whoami", "/whoami", "[2a03:1b20::1]:1", "", 200, `"provider": "Mullvad VPN"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", c.path, nil)
			r.RemoteAddr = c.peer
			if c.xff != "" {
				r.Header.Set("X-Forwarded-For", c.xff)
			}
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			if w.Code != c.code || !strings.Contains(w.Body.String(), c.want) {
				t.Errorf("%d %s; want %d with %s", w.Code, w.Body, c.code, c.want)
			}
			if c.code == 200 && c.path != "/healthz" && !json.Valid(w.Body.Bytes()) {
				t.Errorf("not JSON: %s", w.Body)
			}
		})
	}
}

// testClient answers from the embedded data behind two small lists written
// here: a Tor exit and a VPN provider's servers drive the verdicts.
func testClient(t *testing.T) *ipintel.Client {
	t.Helper()
	dir := t.TempDir()
	torList := filepath.Join(dir, "tor.txt")
	vpnList := filepath.Join(dir, "vpn.txt")
	if err := os.WriteFile(torList, []byte("185.220.101.1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(vpnList, []byte("45.130.202.105\n2a03:1b20::/32\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	srcs, err := openSources(true, torList)
	if err != nil {
		t.Fatal(err)
	}
	vpn, err := feed.Open(vpnList, feed.Spec{Name: "mullvad", Kind: source.VPN, Provider: "Mullvad VPN", Confidence: 95})
	if err != nil {
		t.Fatal(err)
	}
	srcs = append([]source.Source{vpn}, srcs...)
	client, err := ipintel.New(ipintel.WithSources(srcs...))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		client.Close()
		closeAll(srcs)
	})
	return client
}

func TestRun(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	outR, outW := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"-offline", "-addr", "127.0.0.1:0", "-block-score", "60"}, outW, io.Discard)
		outW.Close()
	}()
	line, err := bufio.NewReader(outR).ReadString('\n')
	if err != nil {
		t.Fatalf("no listening line: %v (%v)", err, <-done)
	}
	base := strings.TrimSpace(strings.TrimPrefix(line, "listening on "))
	// No keep-alive: the test leaves no idle connection for Shutdown.
	hc := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	resp, err := hc.Get(base + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("healthz: %d", resp.StatusCode)
	}
	resp, err = hc.Get(base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(body), "ipintel_lookups_total") {
		t.Errorf("/metrics: %d %.300s", resp.StatusCode, body)
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("run: %v", err)
	}
}

func TestRunErrors(t *testing.T) {
	for name, args := range map[string][]string{
		"bad flag":         {"-nope"},
		"bad score":        {"-offline", "-block-score", "101", "-addr", "127.0.0.1:0"},
		"bad proxies":      {"-offline", "-trusted-proxies", "10.0.0.0/99"},
		"bad header":       {"-offline", "-client-ip-header", "X Bad"},
		"missing Tor list": {"-offline", "-tor-list", "/nonexistent/tor.txt"},
	} {
		t.Run(name, func(t *testing.T) {
			if err := run(context.Background(), args, io.Discard, io.Discard); err == nil {
				t.Error("no error")
			}
		})
	}
}
