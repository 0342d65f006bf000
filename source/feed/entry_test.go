package feed

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/ipintel/ipintel/source"
)

func TestEntryText(t *testing.T) {
	for in, want := range map[string]string{
		"1.2.3.4":                        "1.2.3.4",
		"1.2.3.4 some-host":              "1.2.3.4",
		"1.2.3.4\tsome-host extra":       "1.2.3.4",
		"1.2.3.0/24 my-vpn-exit":         "1.2.3.0/24",
		"1.2.3.4-1.2.3.9":                "1.2.3.4-1.2.3.9",
		"1.2.3.4-1.2.3.9 desc-with-dash": "1.2.3.4-1.2.3.9",
		"1.2.3.4 - 1.2.3.9":              "1.2.3.4-1.2.3.9",
		"1.2.3.4 -1.2.3.9 x":             "1.2.3.4-1.2.3.9",
		"1.2.3.4- 1.2.3.9":               "1.2.3.4-1.2.3.9",
		"1.2.3.4\t-\t1.2.3.9\tname":      "1.2.3.4-1.2.3.9",
	} {
		if got := entryText(in); got != want {
			t.Errorf("entryText(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestDescribedLines: a list whose lines carry a description with a dash
// must not lose those lines.
func TestDescribedLines(t *testing.T) {
	list := "198.51.100.7 exit-node-1\n203.0.113.0/24 vpn-pool-a\n192.0.2.10 - 192.0.2.12 small-range\n"
	f, err := Load(strings.NewReader(list), Spec{Name: "described", Kind: source.VPN})
	if err != nil {
		t.Fatal(err)
	}
	if m := f.Stats().Malformed; len(m) != 0 {
		t.Fatalf("lines skipped: %v", m)
	}
	for _, a := range []string{"198.51.100.7", "203.0.113.200", "192.0.2.11"} {
		rec, err := f.Lookup(t.Context(), netip.MustParseAddr(a))
		if err != nil || len(rec.Signals) != 1 {
			t.Errorf("%s: %+v, %v", a, rec, err)
		}
	}
}
