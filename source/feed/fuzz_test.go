package feed_test

import (
	"bytes"
	"errors"
	"net/netip"
	"os"
	"path/filepath"
	"testing"

	"github.com/ipintel/ipintel/source"
	"github.com/ipintel/ipintel/source/feed"
)

// FuzzParseFeed loads arbitrary bytes in every format: it must never panic,
// fail only with the package's errors, and answer lookups consistently with
// its stats.
func FuzzParseFeed(f *testing.F) {
	files, _ := filepath.Glob("testdata/*")
	for _, p := range files {
		if data, err := os.ReadFile(p); err == nil && len(data) < 64<<10 {
			f.Add(data, uint8(0))
		}
	}
	for _, s := range []string{
		"", "\xef\xbb\xbf", "0.0.0.0/0", "1.2.3.4-1.2.3.1", "::-::1", "{", "{}", `{"prefixes":[{"ip_prefix":1}]}`,
		`{"values":[{"properties":{"addressPrefixes":["1.2.3.0/24"]}}]}`, "ExitNode x\nExitAddress 1.2.3.4 bad",
		"1.2.3.0/24,ZZZ,,,", "not an mmdb file", "1.2.3.4\r\n# c\r\n5.6.7.8 ; x // y",
	} {
		f.Add([]byte(s), uint8(0))
	}
	f.Fuzz(func(t *testing.T, data []byte, format uint8) {
		spec := feed.Spec{Name: "fuzz", Kind: source.VPN, Format: feed.Format(format % uint8(feed.Onionoo+1)), MaxBytes: 1 << 20}
		fd, err := feed.Load(bytes.NewReader(data), spec)
		if err != nil {
			for _, want := range []error{source.ErrMalformed, source.ErrMalformed, source.ErrPoisoned, source.ErrTooLarge, source.ErrInvalidOption} {
				if errors.Is(err, want) {
					return
				}
			}
			t.Fatalf("unexpected error %v", err)
		}
		st := fd.Stats()
		if st.Prefixes == 0 || st.Entries < st.Prefixes || len(st.Malformed) > st.Skipped {
			t.Fatalf("inconsistent stats %+v", st)
		}
		n := 0
		for p := range prefixesOf(t, fd) {
			n++
			r, err := fd.Lookup(ctx, p.Addr())
			if err != nil || r.IsZero() || !r.Prefix.Contains(p.Addr()) || len(r.Signals) == 0 {
				t.Fatalf("Lookup(%v) = %+v, %v", p.Addr(), r, err)
			}
			// The IPv4-mapped form of an IPv4 address gets the same IPv4
			// network.
			if p.Addr().Is4() {
				m, err := fd.Lookup(ctx, netip.AddrFrom16(p.Addr().As16()))
				if err != nil || m.Prefix != r.Prefix {
					t.Fatalf("Lookup(mapped %v) = %v, %v; unmapped: %v", p.Addr(), m.Prefix, err, r.Prefix)
				}
			}
			for _, s := range r.Signals {
				if s.Source != "fuzz" || s.Kind != source.VPN {
					t.Fatalf("signal without provenance: %+v", s)
				}
			}
		}
		if n != st.Prefixes {
			t.Fatalf("%d prefixes iterated, stats say %d", n, st.Prefixes)
		}
	})
}
