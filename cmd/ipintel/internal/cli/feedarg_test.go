package cli

import (
	"strings"
	"testing"

	"github.com/ipintel/ipintel/source"
	"github.com/ipintel/ipintel/source/feed"
)

func TestParseFeedArg(t *testing.T) {
	for _, tc := range []struct {
		arg      string
		kind     source.Kind
		provider string
		conf     int
		target   string
		name     string // set only by a catalog URL
	}{
		{"exits.txt", source.Abuse, "", feed.DefaultConfidence, "exits.txt", ""},
		{"tor=exits.txt", source.Tor, "", 100, "exits.txt", ""},
		{"vpn:NordVPN=nord.txt", source.VPN, "NordVPN", 75, "nord.txt", ""},
		{"vpn:NordVPN@90=nord.txt", source.VPN, "NordVPN", 90, "nord.txt", ""},
		{"proxy@60=/data/a=b/proxies.txt", source.Proxy, "", 60, "/data/a=b/proxies.txt", ""},
		{"/data/a=b/list.txt", source.Abuse, "", feed.DefaultConfidence, "/data/a=b/list.txt", ""},
		{"hosting=dc.txt", source.Hosting, "", 95, "dc.txt", ""},
		{"https://check.torproject.org/torbulkexitlist", source.Tor, "Tor Project", 100, "https://check.torproject.org/torbulkexitlist", "tor-exits"},
		{"@50=https://check.torproject.org/torbulkexitlist", source.Tor, "Tor Project", 50, "https://check.torproject.org/torbulkexitlist", "tor-exits"},
		{"https://example.com/list?x=1", source.Abuse, "", feed.DefaultConfidence, "https://example.com/list?x=1", ""},
	} {
		fa, err := parseFeedArg(tc.arg)
		if err != nil {
			t.Errorf("%q: %v", tc.arg, err)
			continue
		}
		if fa.spec.Kind != tc.kind || fa.spec.Provider != tc.provider || fa.spec.Confidence != tc.conf ||
			fa.target != tc.target || fa.spec.Name != tc.name {
			t.Errorf("%q: got %+v target %q", tc.arg, fa.spec, fa.target)
		}
	}
	for _, bad := range []string{"nonsense=x.txt", "tor@0=x.txt", "tor@101=x.txt", "tor@ten=x.txt", "tor=", ""} {
		if _, err := parseFeedArg(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestUniqueFeedNames(t *testing.T) {
	var args []feedArg
	for _, a := range []string{
		"vpn=lists/vpn/ipv4.txt", "hosting=lists/datacenter/ipv4.txt", "tor=exits.txt",
		"https://raw.example.org/x/vpn/ipv4.txt", "https://check.torproject.org/torbulkexitlist",
	} {
		fa, err := parseFeedArg(a)
		if err != nil {
			t.Fatal(err)
		}
		args = append(args, fa)
	}
	uniqueFeedNames(args)
	var names []string
	for _, a := range args {
		names = append(names, a.spec.Name)
	}
	want := "vpn-ipv4,datacenter-ipv4,exits,vpn-ipv4-2,tor-exits"
	if got := strings.Join(names, ","); got != want {
		t.Errorf("names %s, want %s", got, want)
	}
}

// FuzzParseFeedArg: any argument parses or fails cleanly, and what parses
// is a valid spec once named.
func FuzzParseFeedArg(f *testing.F) {
	for _, s := range []string{"tor=exits.txt", "vpn:NordVPN@90=nord.txt", "@=", "a:b@c=d", "=", "x=y=z",
		"https://check.torproject.org/torbulkexitlist", "monitoring:UptimeRobot@100=https://x/y", "\x00=\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, arg string) {
		fa, err := parseFeedArg(arg)
		if err != nil {
			return
		}
		if fa.spec.Confidence < 1 || fa.spec.Confidence > 100 || !fa.spec.Kind.Valid() || strings.TrimSpace(fa.target) == "" {
			t.Fatalf("%q: %+v target %q", arg, fa.spec, fa.target)
		}
		args := []feedArg{fa, fa}
		uniqueFeedNames(args)
		if args[0].spec.Name == "" || args[0].spec.Name == args[1].spec.Name {
			t.Fatalf("%q: names %q %q", arg, args[0].spec.Name, args[1].spec.Name)
		}
	})
}
