package cli

import (
	"context"
	"io"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestParsePrefixes(t *testing.T) {
	got, err := ParsePrefixes(" 10.0.0.0/8, 192.168.1.7 ,,2001:db8::/32, 172.16.5.9/12")
	if err != nil {
		t.Fatal(err)
	}
	want := []netip.Prefix{
		netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("192.168.1.7/32"),
		netip.MustParsePrefix("2001:db8::/32"), netip.MustParsePrefix("172.16.0.0/12"),
	}
	if !slices.Equal(got, want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for _, bad := range []string{"10.0.0.0/8,nonsense", "fe80::1%eth0", "10.0.0.0/33", "1.2.3.4/"} {
		if got, err := ParsePrefixes(bad); err == nil || !strings.Contains(err.Error(), "-trusted-proxies") {
			t.Errorf("ParsePrefixes(%q) = %v, %v: want a -trusted-proxies error", bad, got, err)
		}
	}
}

// FuzzParsePrefixes: any flag value parses into valid, masked prefixes or
// fails with an error naming the flag; nothing is silently dropped.
func FuzzParsePrefixes(f *testing.F) {
	for _, s := range []string{" 10.0.0.0/8, 192.168.1.7 ,,2001:db8::/32", "fe80::1%eth0", "::ffff:10.0.0.0/104", ",", "1.2.3.4/-1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ps, err := ParsePrefixes(s)
		if err != nil {
			if ps != nil || !strings.Contains(err.Error(), "-trusted-proxies") {
				t.Fatalf("%q: %v with error %v", s, ps, err)
			}
			return
		}
		entries := 0
		for e := range strings.SplitSeq(s, ",") {
			if strings.TrimSpace(e) != "" {
				entries++
			}
		}
		if len(ps) != entries {
			t.Fatalf("%q: %d prefixes from %d entries", s, len(ps), entries)
		}
		for _, p := range ps {
			if !p.IsValid() || p != p.Masked() {
				t.Fatalf("%q: prefix %v is not a valid masked prefix", s, p)
			}
		}
	})
}

func TestSourcesFlagErrors(t *testing.T) {
	env := func(k string) string {
		if k == "DATPAQ_API_KEY" {
			return "secret-key"
		}
		return ""
	}
	for _, remote := range []string{"datpaq", " DatPaq ,"} {
		srcs, err := openRemotes(remote, env)
		if err != nil || len(srcs) != 1 {
			t.Fatalf("openRemotes(%q) = %v, %v", remote, srcs, err)
		}
		closeAll(srcs)
	}
	if _, err := openRemotes("datpaq,vectraip", env); err == nil || strings.Contains(err.Error(), "secret-key") {
		t.Fatalf("missing key: %v", err)
	}
}

// TestSourcesBuiltinLast: builtin answers by default, and every data flag
// adds sources in front of it.
func TestSourcesBuiltinLast(t *testing.T) {
	names := func(f Flags) []string {
		t.Helper()
		srcs, err := f.Sources(context.Background(), func(string) string { return "" }, io.Discard)
		if err != nil {
			t.Fatal(err)
		}
		defer closeAll(srcs)
		var out []string
		for _, s := range srcs {
			out = append(out, s.Name())
		}
		return out
	}
	if got := names(Flags{Offline: true}); !slices.Equal(got, []string{"builtin"}) {
		t.Errorf("no flags: %v, want [builtin]", got)
	}
	if got, want := names(Flags{Sample: true, Offline: true}), []string{"sample-geo", "sample-asn", "sample-anonymous", "builtin"}; !slices.Equal(got, want) {
		t.Errorf("-sample: %v, want %v", got, want)
	}
	b, err := sampleFS.ReadFile("sample/" + SampleCity)
	if err != nil {
		t.Fatal(err)
	}
	city := filepath.Join(t.TempDir(), SampleCity)
	if err := os.WriteFile(city, b, 0o600); err != nil {
		t.Fatal(err)
	}
	got := names(Flags{City: city, Offline: true})
	if want := []string{"geo", "builtin"}; !slices.Equal(got, want) {
		t.Errorf("-city: %v, want %v", got, want)
	}
}
