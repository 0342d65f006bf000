package feed_test

import (
	"errors"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/ipintel/ipintel/internal/realdata"
	"github.com/ipintel/ipintel/source"
	"github.com/ipintel/ipintel/source/feed"
)

func TestCatalogWellFormed(t *testing.T) {
	seen := map[string]bool{}
	for _, p := range feed.Catalog() {
		name := p.Spec.Name
		if seen[name] {
			t.Errorf("duplicate preset %q", name)
		}
		seen[name] = true
		if !p.Spec.Kind.Valid() || p.Spec.Format == feed.Detect || p.Spec.Confidence == 0 || p.Refresh <= 0 || p.Homepage == "" {
			t.Errorf("%s: incomplete preset %+v", name, p)
		}
		if p.URL == "" {
			if p.Note == "" {
				t.Errorf("%s: no URL and no note saying why", name)
			}
			if _, err := p.Open(t.Context()); !errors.Is(err, source.ErrInvalidOption) {
				t.Errorf("%s: Open without URL = %v", name, err)
			}
		} else if !strings.HasPrefix(p.URL, "https://") {
			t.Errorf("%s: URL %q is not https", name, p.URL)
		}
	}
	for _, want := range []string{"tor-exits", "apple-private-relay", "aws", "gcp", "azure", "oracle", "cloudflare", "digitalocean", "x4bnet-vpn-v4", "x4bnet-datacenter-v4", "uptimerobot"} {
		if _, ok := feed.CatalogPreset(want); !ok {
			t.Errorf("preset %q missing", want)
		}
	}
	if _, ok := feed.CatalogPreset("nope"); ok {
		t.Error("CatalogPreset(nope) found something")
	}
}

// fileTransport answers every request with one local file, so a preset can
// be opened without the internet.
type fileTransport struct{ path string }

func (ft fileTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	f, err := os.Open(ft.path)
	if err != nil {
		return nil, err
	}
	return &http.Response{StatusCode: 200, Status: "200 OK", Header: http.Header{}, Body: f, Request: r, ContentLength: -1}, nil
}

// realdataCatalogFiles are the catalog presets whose official file (or a
// verbatim copy of it) realdata has, by preset name.
var realdataCatalogFiles = map[string][]string{
	"tor-exits":            {"javascripterzzeerrr-ipinfo-parser", "torbulkexitlist"},
	"tor-exit-addresses":   {"javascripterzzeerrr-ipinfo-parser", "exit-addresses"},
	"aws":                  {"femueller-cloud-ip-ranges", "aws-ip-ranges.json"},
	"gcp":                  {"femueller-cloud-ip-ranges", "google-cloud-ip-ranges.json"},
	"oracle":               {"femueller-cloud-ip-ranges", "oracle-cloud-ip-ranges.json"},
	"digitalocean":         {"femueller-cloud-ip-ranges", "digitalocean.csv"},
	"linode":               {"femueller-cloud-ip-ranges", "linode.txt"},
	"x4bnet-vpn-v4":        {"X4BNet-lists_vpn", "output", "vpn", "ipv4.txt"},
	"x4bnet-vpn-v6":        {"X4BNet-lists_vpn", "output", "vpn", "ipv6.txt"},
	"x4bnet-datacenter-v4": {"X4BNet-lists_vpn", "output", "datacenter", "ipv4.txt"},
	"x4bnet-datacenter-v6": {"X4BNet-lists_vpn", "output", "datacenter", "ipv6.txt"},
	"uptimerobot":          {"sefinek-known-bots-ip-whitelist", "lists", "uptimerobot", "ips.txt"},
}

// TestCatalogFormatsMatchRealData opens presets against real copies of
// their files: the preset's explicit Format must parse them cleanly.
func TestCatalogFormatsMatchRealData(t *testing.T) {
	for name, elem := range realdataCatalogFiles {
		t.Run(name, func(t *testing.T) {
			p, _ := feed.CatalogPreset(name)
			path := realdata.Path(t, elem...)
			f, err := p.Open(t.Context(), feed.WithHTTPClient(&http.Client{Transport: fileTransport{path}}), feed.WithRefresh(0))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			if st := f.Stats(); st.Skipped != 0 || st.Prefixes == 0 {
				t.Errorf("stats %+v", st)
			}
		})
	}
}
