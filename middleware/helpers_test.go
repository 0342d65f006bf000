package middleware

import (
	"net/http"
	"net/http/httptest"
	"net/netip"
	"path/filepath"
	"testing"

	"github.com/ipintel/ipintel"
	"github.com/ipintel/ipintel/source"
	"github.com/ipintel/ipintel/source/mmdb"
)

// Addresses of the bundled sample databases (testdata/README.md).
const (
	torExit  = "185.220.101.1"  // Tor exit: block
	vpnAddr  = "45.130.202.105" // VPN and hosting: verify
	cleanV4  = "81.2.69.142"    // residential broadband: allow
	cleanV6  = "2a02:26f0::1"   // Akamai: allow
	vpnV6    = "2a03:1b20::1"   // Mullvad VPN
	missAddr = "9.9.9.9"        // in no database
)

// bundledClient builds a Client on the three bundled sample MMDBs.
func bundledClient(tb testing.TB, opts ...ipintel.Option) *ipintel.Client {
	tb.Helper()
	var srcs []source.Source
	for _, f := range []string{"ipintel-City.mmdb", "ipintel-ASN.mmdb", "ipintel-Anonymous-IP.mmdb"} {
		s, err := mmdb.Open(filepath.Join("..", "testdata", f))
		if err != nil {
			tb.Fatal(err)
		}
		srcs = append(srcs, s)
	}
	c, err := ipintel.New(append([]ipintel.Option{ipintel.WithSources(srcs...)}, opts...)...)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { c.Close() })
	return c
}

func prefixes(ss ...string) []netip.Prefix {
	out := make([]netip.Prefix, len(ss))
	for i, s := range ss {
		out[i] = netip.MustParsePrefix(s)
	}
	return out
}

// request builds a request from peer (RemoteAddr) with header lines.
func request(peer string, header string, lines ...string) *http.Request {
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	r.RemoteAddr = peer
	if header != "" {
		for _, l := range lines {
			r.Header.Add(header, l)
		}
	}
	return r
}

// mustNew is New for tests, whose options are valid.
func mustNew(tb testing.TB, client *ipintel.Client, opts ...Option) func(http.Handler) http.Handler {
	tb.Helper()
	mw, err := New(client, opts...)
	if err != nil {
		tb.Fatal(err)
	}
	return mw
}
