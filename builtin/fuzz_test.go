package builtin

import (
	"errors"
	"net/netip"
	"testing"

	"github.com/ipintel/ipintel/source"
)

// FuzzDecode feeds damaged and invented data to the decoder: it must fail
// with source.ErrMalformed or give tables that answer any address without panicking.
// The seeds are the hand-written fixture's encoded form, its truncations,
// and the real data's header (the whole file is too big for a seed).
func FuzzDecode(f *testing.F) {
	small := encodedFixture(f)
	f.Add(small)
	for _, cut := range []int{1, 5, 13, 14, len(small) / 2, len(small) - 1} {
		f.Add(small[:cut])
	}
	f.Add(embeddedSnapshot[:64])
	f.Add([]byte("IPIB\x01\x00\x00\x00\x00\x00\x00\x00\x00"))
	f.Add([]byte("not a snapshot"))
	probes := []netip.Addr{
		netip.MustParseAddr("0.0.0.0"), netip.MustParseAddr("1.0.0.1"), netip.MustParseAddr("255.255.255.255"),
		netip.MustParseAddr("::"), netip.MustParseAddr("2a03:1b20::1"), netip.MustParseAddr("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"),
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		tb, err := decodeTables(b)
		if err != nil {
			if !errors.Is(err, source.ErrMalformed) {
				t.Fatalf("error %v does not wrap source.ErrMalformed", err)
			}
			return
		}
		for _, a := range probes {
			rec := tb.lookup(a)
			if rec.Prefix.IsValid() && !rec.Prefix.Contains(a) {
				t.Fatalf("%v: prefix %v", a, rec.Prefix)
			}
		}
	})
}
