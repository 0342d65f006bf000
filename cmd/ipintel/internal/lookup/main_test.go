package lookup

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ipintel/ipintel"
)

func noEnv(string) string { return "" }

func TestLookupJSONOnBundledData(t *testing.T) {
	var out, errOut bytes.Buffer
	if err := run(context.Background(), []string{"-offline", "-sample", "45.130.202.105", "185.220.101.1"}, noEnv, &out, &errOut); err != nil {
		t.Fatalf("run: %v\n%s", err, errOut.String())
	}
	if !strings.Contains(errOut.String(), "bundled sample data") {
		t.Errorf("stderr does not say the data is the bundled sample: %q", errOut.String())
	}
	dec := json.NewDecoder(&out)
	var vpn, tor ipintel.Result
	if err := dec.Decode(&vpn); err != nil {
		t.Fatal(err)
	}
	if err := dec.Decode(&tor); err != nil {
		t.Fatal(err)
	}
	if !vpn.Privacy.IsVPN || vpn.Geo.CountryCode != "NL" || vpn.Network.ASN != 9009 || vpn.Risk.Recommendation != ipintel.Verify {
		t.Errorf("45.130.202.105: %+v", vpn)
	}
	if !tor.Privacy.IsTor || tor.Risk.Recommendation != ipintel.Block {
		t.Errorf("185.220.101.1: %+v", tor.Privacy)
	}
}

func TestLookupTable(t *testing.T) {
	var out, errOut bytes.Buffer
	err := run(context.Background(), []string{"-offline", "-sample", "-format", "table", "2a03:1b20::1", "not-an-ip"}, noEnv, &out, &errOut)
	if !errors.Is(err, errSomeFailed) {
		t.Fatalf("run error = %v, want errSomeFailed", err)
	}
	for _, want := range []string{"2a03:1b20::1", "Stockholm", "AS39351", "Mullvad VPN", "VPN exit"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("table lacks %q:\n%s", want, out.String())
		}
	}
	if !strings.Contains(errOut.String(), `invalid IP "not-an-ip"`) {
		t.Errorf("stderr: %s", errOut.String())
	}
}

func TestLookupFlags(t *testing.T) {
	var out, errOut bytes.Buffer
	for _, args := range [][]string{
		{},
		{"-format", "xml", "1.1.1.1"},
		{"-city", "/nonexistent.mmdb", "1.1.1.1"},
		{"-feed", "nonsense=list.txt", "1.1.1.1"},
		{"-remote", "vectraip", "1.1.1.1"}, // no key in the environment
		{"-remote", "shodan", "1.1.1.1"},
	} {
		if err := run(context.Background(), append([]string{"-offline"}, args...), noEnv, &out, &errOut); err == nil {
			t.Errorf("run(%q) succeeded", args)
		}
	}
}

func TestLookupWithFeedFile(t *testing.T) {
	list := filepath.Join(t.TempDir(), "uptime.txt")
	if err := os.WriteFile(list, []byte("# UptimeRobot probes\n8.8.8.0/24\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	if err := run(context.Background(), []string{"-offline", "-feed", "monitoring:UptimeRobot=" + list, "8.8.8.8"}, noEnv, &out, &errOut); err != nil {
		t.Fatalf("%v: %s", err, errOut.String())
	}
	var r ipintel.Result
	if err := json.Unmarshal(out.Bytes(), &r); err != nil {
		t.Fatal(err)
	}
	if !r.Monitoring.Detected || r.Monitoring.Provider != "UptimeRobot" || r.Risk.Recommendation != ipintel.Allow {
		t.Errorf("monitoring feed not applied: %+v %+v", r.Monitoring, r.Risk)
	}
}

func TestLookupFeedURLFallsBackToCache(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Write([]byte("185.220.101.0/24\n"))
	}))
	cache := t.TempDir()
	args := []string{"-offline", "-cache-dir", cache, "-timeout", "2s", "-feed", "tor=" + srv.URL + "/exits.txt", "1.1.1.1"}
	var out, errOut bytes.Buffer
	if err := run(context.Background(), args[:len(args)-1:len(args)-1], noEnv, &out, &errOut); err == nil {
		t.Fatal("no address: want a usage error")
	}
	args[len(args)-1] = "185.220.101.77"
	if err := run(context.Background(), args, noEnv, &out, &errOut); err != nil {
		t.Fatalf("online: %v: %s", err, errOut.String())
	}
	srv.Close() // offline from here on: the cached copy must answer
	out.Reset()
	if err := run(context.Background(), args, noEnv, &out, &errOut); err != nil {
		t.Fatalf("offline: %v: %s", err, errOut.String())
	}
	var r ipintel.Result
	if err := json.Unmarshal(out.Bytes(), &r); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, s := range r.Signals {
		found = found || (s.Source == "exits" && s.Kind.String() == "tor")
	}
	if !found {
		t.Fatalf("the cached feed did not answer offline: %+v", r.Signals)
	}
	if err := run(context.Background(), []string{"-offline", "-feeds", "no-such-feed", "1.1.1.1"}, noEnv, &out, &errOut); err == nil {
		t.Fatal("an unknown catalog feed was accepted")
	}
}

// TestLookupDefaultIsBuiltin: with no data flags the answer is real data
// from the builtin source, and nothing says "sample".
func TestLookupDefaultIsBuiltin(t *testing.T) {
	var out, errOut bytes.Buffer
	if err := run(context.Background(), []string{"-offline", "45.130.202.105"}, noEnv, &out, &errOut); err != nil {
		t.Fatalf("run: %v\n%s", err, errOut.String())
	}
	if strings.Contains(errOut.String(), "sample") {
		t.Errorf("stderr mentions sample data without -sample: %q", errOut.String())
	}
	var r ipintel.Result
	if err := json.NewDecoder(&out).Decode(&r); err != nil {
		t.Fatal(err)
	}
	if r.Network == nil || r.Network.ASN != 137409 || !strings.Contains(r.Network.Organization, "GSL Networks") {
		t.Errorf("network %+v, want AS137409 GSL Networks", r.Network)
	}
	if !r.Privacy.IsHosting || r.Geo == nil || len(r.Geo.CountryCode) != 2 {
		t.Errorf("privacy %+v, geo %+v: want hosting and a country", r.Privacy, r.Geo)
	}
	if len(r.Meta.DataSources) != 1 || r.Meta.DataSources[0] != "builtin" {
		t.Errorf("data sources %v, want [builtin]", r.Meta.DataSources)
	}
}

// Feeds with the same base name do not collide, and a feed's kind brings
// the catalog's confidence: a Tor exit from -feed tor=… is a block.
func TestLookupFeedNamesAndConfidence(t *testing.T) {
	dir := t.TempDir()
	for _, f := range []struct{ path, body string }{
		{"vpn/ipv4.txt", "9.9.9.0/24\n"},
		{"datacenter/ipv4.txt", "9.9.0.0/16\n"},
		{"tor/list", "185.220.101.77\n"},
	} {
		p := filepath.Join(dir, f.path)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(f.body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var out, errOut bytes.Buffer
	args := []string{"-offline", "-feed", "vpn:SomeVPN@90=" + filepath.Join(dir, "vpn/ipv4.txt"),
		"-feed", "hosting=" + filepath.Join(dir, "datacenter/ipv4.txt"),
		"-feed", "tor=" + filepath.Join(dir, "tor/list"), "9.9.9.9", "185.220.101.77"}
	if err := run(context.Background(), args, noEnv, &out, &errOut); err != nil {
		t.Fatalf("%v: %s", err, errOut.String())
	}
	dec := json.NewDecoder(&out)
	var vpn, tor ipintel.Result
	if err := dec.Decode(&vpn); err != nil {
		t.Fatal(err)
	}
	if err := dec.Decode(&tor); err != nil {
		t.Fatal(err)
	}
	sources := map[string]int{}
	for _, s := range vpn.Signals {
		sources[s.Source] = s.Confidence
	}
	if sources["vpn-ipv4"] != 90 || sources["datacenter-ipv4"] != 95 || vpn.Privacy.Provider != "SomeVPN" {
		t.Errorf("signals %+v, provider %q: want vpn-ipv4 at 90 and datacenter-ipv4 at 95", vpn.Signals, vpn.Privacy.Provider)
	}
	if !tor.Privacy.IsTor || tor.Risk.Recommendation != ipintel.Block {
		t.Errorf("tor exit from -feed tor=…: %+v %+v", tor.Privacy, tor.Risk)
	}
}
