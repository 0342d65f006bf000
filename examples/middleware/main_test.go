package main

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"

	"github.com/ipintel/ipintel/examples/internal/cli"
	"github.com/ipintel/ipintel/middleware"
)

func TestService(t *testing.T) {
	data := cli.Flags{Sample: true} // the sample's VPN and Tor answers drive the cases
	client, err := data.Client(context.Background(), noEnv, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	h, err := newHandler(client, middleware.TrustedProxies([]netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}))
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

func TestRun(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	outR, outW := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"-sample", "-addr", "127.0.0.1:0", "-block-score", "60"}, noEnv, outW, io.Discard)
		outW.Close()
	}()
	line, err := bufio.NewReader(outR).ReadString('\n')
	if err != nil {
		t.Fatalf("no listening line: %v (%v)", err, <-done)
	}
	base := strings.TrimSpace(strings.TrimPrefix(line, "listening on "))
	resp, err := http.Get(base + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("healthz: %d", resp.StatusCode)
	}
	resp, err = http.Get(base + "/metrics")
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
		"bad flag":           {"-nope"},
		"bad score":          {"-block-score", "101", "-addr", "127.0.0.1:0"},
		"bad proxies":        {"-trusted-proxies", "10.0.0.0/99"},
		"bad header":         {"-client-ip-header", "X Bad"},
		"bad mmdb":           {"-mmdb", "/nonexistent.mmdb"},
		"remote without key": {"-remote", "vpnsignal"},
	} {
		t.Run(name, func(t *testing.T) {
			if err := run(context.Background(), args, noEnv, io.Discard, io.Discard); err == nil {
				t.Error("no error")
			}
		})
	}
}

func noEnv(string) string { return "" }
