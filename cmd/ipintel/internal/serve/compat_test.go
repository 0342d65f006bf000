package serve

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"unicode"

	"github.com/ipintel/ipintel/source"
	"github.com/ipintel/ipintel/source/remote"
)

// TestRemoteClients points ipintel's own clients of the three hosted APIs
// (package source/remote) at the server: each must read its answers as it
// reads the real API's, including batches and misses.
func TestRemoteClients(t *testing.T) {
	f := newFixture(t, roomy)
	srv := httptest.NewServer(f.h)
	defer srv.Close()
	ctors := map[string]func(string, ...remote.Option) (*remote.Source, error){
		apiVectraIP: remote.VectraIP, apiVPNSignal: remote.VPNSignal, apiDatpaq: remote.Datpaq,
	}
	ctx := context.Background()
	for name, ctor := range ctors {
		t.Run(name, func(t *testing.T) {
			base := srv.URL
			if name == apiVPNSignal {
				base += vpnSignalBase // VPN Signal's base URL ends in /api/v1
			}
			src, err := ctor(key1, remote.WithBaseURL(base))
			if err != nil {
				t.Fatal(err)
			}
			defer src.Close()
			rec, err := src.Lookup(ctx, netip.MustParseAddr(torExit))
			if err != nil {
				t.Fatal(err)
			}
			if !hasKind(rec, source.Tor) || rec.Network == nil || rec.Network.ASN != 60729 || rec.Geo == nil || rec.Geo.CountryCode != "DE" {
				t.Errorf("Tor exit read back as %+v", rec)
			}
			rec, err = src.Lookup(ctx, netip.MustParseAddr(vpnV6))
			if err != nil || !hasKind(rec, source.VPN) {
				t.Errorf("IPv6 VPN read back as %+v, %v", rec, err)
			}
			if name != apiVPNSignal { // VPN Signal answers all-false for an unknown address
				rec, err = src.Lookup(ctx, netip.MustParseAddr(miss))
				if err != nil || len(rec.Signals) != 0 || rec.Geo != nil {
					t.Errorf("miss read back as %+v, %v", rec, err)
				}
			}
			addrs := []netip.Addr{netip.MustParseAddr(vpnAddr), netip.MustParseAddr(clean), netip.MustParseAddr(torExit)}
			recs, err := src.LookupBatch(ctx, addrs)
			if err != nil || len(recs) != 3 {
				t.Fatalf("batch: %d records, %v", len(recs), err)
			}
			if !hasKind(recs[0], source.VPN) || hasKind(recs[1], source.VPN) || !hasKind(recs[2], source.Tor) || recs[1].Geo == nil {
				t.Errorf("batch read back as %+v", recs)
			}
		})
	}
	t.Run("wrong key", func(t *testing.T) {
		src, _ := remote.Datpaq("not-a-key", remote.WithBaseURL(srv.URL))
		defer src.Close()
		_, err := src.Lookup(ctx, netip.MustParseAddr(torExit))
		if !errors.Is(err, remote.ErrUnauthorized) {
			t.Errorf("got %v, want ErrUnauthorized", err)
		}
	})
}

func hasKind(rec source.Record, k source.Kind) bool {
	for _, s := range rec.Signals {
		if s.Kind == k {
			return true
		}
	}
	return false
}

// TestRun starts the whole program on a free port with a key from the
// environment and the bundled data, asks it one question, and stops it.
func TestRun(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	outR, outW := io.Pipe()
	var stderr strings.Builder
	env := map[string]string{keysEnv: " " + key2 + " , " + key1}
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"-offline", "-sample", "-addr", "127.0.0.1:0"}, func(k string) string { return env[k] }, outW, &lockedWriter{w: &stderr})
		outW.Close()
	}()
	line, err := bufio.NewReader(outR).ReadString('\n')
	if err != nil {
		t.Fatalf("no listening line: %v (%s)", err, <-done)
	}
	base := strings.TrimSpace(strings.TrimPrefix(line, "listening on "))
	req, _ := http.NewRequest("GET", base+"/v1/ip/"+torExit, nil)
	req.Header.Set("X-API-Key", key1)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(body), `"is_tor":true`) {
		t.Errorf("%d %s", resp.StatusCode, body)
	}
	// Headers over 64 KiB: net/http's own plain-text 431, before any
	// handler (the README says so).
	req, _ = http.NewRequest("GET", base+"/v1/ip/"+torExit, nil)
	req.Header.Set("X-API-Key", key1)
	req.Header.Set("X-Padding", strings.Repeat("p", 100<<10))
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
		t.Errorf("huge headers: %v %v", resp, err)
	} else {
		resp.Body.Close()
	}
	// The client's metrics are on /metrics beside the server's.
	resp, err = http.Get(base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, m := range []string{"ipintel_lookups_total 1", "ipintel_source_calls_total{", "ipintel_server_requests_total{"} {
		if !strings.Contains(string(body), m) {
			t.Errorf("/metrics lacks %q", m)
		}
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("run: %v", err)
	}
}

// lockedWriter serialises writes from the server's goroutines.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

func TestRunErrors(t *testing.T) {
	dir := t.TempDir()
	keys := filepath.Join(dir, "keys")
	os.WriteFile(keys, []byte("# keys\n\n"+key1+"\n"), 0o600)
	weak := filepath.Join(dir, "weak")
	os.WriteFile(weak, []byte(key1+"\n# a comment\nx\n"), 0o600)
	none := func(string) string { return "" }
	for name, c := range map[string]struct {
		args []string
		want string
	}{
		"no keys":          {nil, "no API keys"},
		"bad flag":         {[]string{"-nope"}, "flag provided but not defined"},
		"extra argument":   {[]string{"x"}, "unexpected arguments"},
		"bad rate":         {[]string{"-datpaq-rate", "0"}, "-datpaq-rate"},
		"bad plan":         {[]string{"-keys-file", keys, "-vectraip-plan", "gold"}, "unknown VectraIP plan"},
		"bad vpn plan":     {[]string{"-keys-file", keys, "-vpnsignal-plan", "gold"}, "unknown VPN Signal plan"},
		"missing keyfile":  {[]string{"-keys-file", filepath.Join(dir, "none")}, "no such file"},
		"bad mmdb":         {[]string{"-keys-file", keys, "-mmdb", keys}, "mmdb"},
		"bad proxies":      {[]string{"-keys-file", keys, "-trusted-proxies", "10.0.0.0/33"}, "-trusted-proxies"},
		"bad header":       {[]string{"-keys-file", keys, "-client-ip-header", "X Bad"}, "header name"},
		"bad addr":         {[]string{"-keys-file", keys, "-addr", "256.0.0.1:99999"}, "listen"},
		"weak key in file": {[]string{"-keys-file", weak}, "API key shorter than 20 characters: keys file, line 3, has 1"},
		"weak key in env":  {[]string{"-keys-file", keys}, "API key shorter than 20 characters: $IPINTEL_API_KEYS, key 2, has 19"},
	} {
		t.Run(name, func(t *testing.T) {
			getenv := none
			if name == "weak key in env" {
				getenv = func(k string) string { return map[string]string{keysEnv: key1 + ", " + key1[:19]}[k] }
			}
			err := run(context.Background(), append([]string{"-offline"}, c.args...), getenv, io.Discard, io.Discard)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("got %v, want %q", err, c.want)
			}
		})
	}
	t.Run("help", func(t *testing.T) {
		var out strings.Builder
		if err := run(context.Background(), []string{"-offline", "-h"}, none, io.Discard, &out); err != nil || !strings.Contains(out.String(), "-keys-file") {
			t.Errorf("%v %s", err, out.String())
		}
	})
}

func TestReadKeys(t *testing.T) {
	a, b, c := key1, key2, "third-key-abcdefghijklmnop"
	keys, err := readKeys(strings.NewReader("# comment\n  " + a + "  \n\n" + b + " vectraip=free vpnsignal=pro\n#c\n"))
	if err != nil || len(keys) != 2 || keys[0] != (keySpec{key: a}) || keys[1] != (keySpec{b, "free", "pro"}) {
		t.Errorf("%+v %v", keys, err)
	}
	if _, err := readKeys(strings.NewReader(c + " gold=yes\n")); err == nil {
		t.Error("an unknown field after the key was accepted")
	}
	ring, err := newKeyring(keys, plans{vectraIPPlans[2], vpnSignalPlans[1]})
	if err != nil || ring.check(a).vectraIP.Name != "business" || ring.check(b).vectraIP.Name != "free" ||
		ring.check(b).vpnSig.Name != "pro" || ring.check(c) != nil || ring.check("") != nil {
		t.Errorf("keyring: %v", err)
	}
	if _, err := newKeyring([]keySpec{{c, "gold", ""}}, plans{}); err == nil {
		t.Error("an unknown plan was accepted")
	}
	secret := strings.Repeat("s", 2000)
	if _, err := readKeys(strings.NewReader(secret)); err == nil || strings.Contains(err.Error(), secret[:20]) {
		t.Errorf("overlong line: %v", err)
	}
	if _, err := newKeyring([]keySpec{{key: " "}, {}}, plans{}); !errors.Is(err, errNoKeys) {
		t.Errorf("blank keys: %v", err)
	}
	// A file over the bound is refused whole, not read up to it.
	big := strings.Repeat(strings.Repeat("k", 40)+"\n", maxKeysFile/41+1)
	if keys, err := readKeys(strings.NewReader(big)); err == nil || strings.Contains(err.Error(), "kkkk") {
		t.Errorf("a %d-byte file: %d keys, %v", len(big), len(keys), err)
	}
	if keys, err := readKeys(strings.NewReader(big[:maxKeysFile/41*41])); err != nil || len(keys) != maxKeysFile/41 {
		t.Errorf("a file just under the bound: %d keys, %v", len(keys), err)
	}
}

// FuzzReadKeys: any keys file gives keys without spaces, one per line that
// holds one, or an error that repeats none of its fields of 15 characters
// or more.
func FuzzReadKeys(f *testing.F) {
	for _, s := range []string{"# comment\n  a  \n\nb vectraip=free vpnsignal=pro\n#c\n", "c gold=yes\n",
		"k\r\nk2 vectraip=\r\n", "secret-0123456789abcdefghij vectraip"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		keys, err := readKeys(bytes.NewReader(data))
		if err != nil {
			// The words of readKeys' own errors are at most 14
			// characters long ("vpnsignal=PLAN"), so a longer field
			// found in an error came from the file. (A shorter key
			// could coincide with those words, so it is not checked.)
			for _, field := range strings.Fields(string(data)) {
				if len(field) >= 15 && strings.Contains(err.Error(), field) {
					t.Fatalf("the error repeats %q: %v", field, err)
				}
			}
			return
		}
		want := 0
		for _, line := range strings.Split(string(data), "\n") {
			if fields := strings.Fields(line); len(fields) > 0 && !strings.HasPrefix(fields[0], "#") {
				want++
			}
		}
		if len(keys) != want {
			t.Fatalf("%d keys from %d key lines", len(keys), want)
		}
		for _, k := range keys {
			if k.key == "" || strings.ContainsFunc(k.key, unicode.IsSpace) {
				t.Fatalf("key %q", k.key)
			}
		}
	})
}
