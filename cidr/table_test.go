package cidr_test

import (
	"errors"
	"net/netip"
	"slices"
	"strings"
	"testing"

	"github.com/ipintel/ipintel/cidr"
	"github.com/ipintel/ipintel/source"
)

// The table's implementation is tested in depth, against a linear scan and
// cidranger, in internal/prefixtable; these tests hold the public API that
// wraps it to the same answers.

func pfx(s string) netip.Prefix { return netip.MustParsePrefix(s) }
func addr(s string) netip.Addr  { return netip.MustParseAddr(s) }

func TestTableEveryCoveringEntry(t *testing.T) {
	var b cidr.Builder[string]
	b.Add(pfx("10.0.0.0/8"), "aws")
	b.Add(pfx("10.1.2.0/24"), "vpn")
	b.Add(pfx("10.1.2.0/24"), "tor")
	b.Add(pfx("10.1.2.0/24"), "vpn") // duplicate, kept once
	b.Add(pfx("10.1.0.0/16"), "aws") // already inherited from the /8
	b.Add(pfx("10.1.2.3/32"), "probe")
	b.Add(pfx("2001:db8::/32"), "v6")
	b.Add(pfx("::ffff:192.0.2.0/120"), "mapped")
	tab, err := b.Table()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		addr string
		pfx  string
		want []string
	}{
		{"10.1.2.3", "10.1.2.3/32", []string{"probe", "vpn", "tor", "aws"}},
		{"10.1.2.4", "10.1.2.0/24", []string{"vpn", "tor", "aws"}},
		{"10.1.3.1", "10.1.0.0/16", []string{"aws"}},
		{"10.200.0.1", "10.0.0.0/8", []string{"aws"}},
		{"::ffff:10.1.2.4", "10.1.2.0/24", []string{"vpn", "tor", "aws"}},
		{"2001:db8::1", "2001:db8::/32", []string{"v6"}},
		{"192.0.2.7", "192.0.2.0/24", []string{"mapped"}},
		{"11.0.0.1", "", nil},
		{"2001:db9::1", "", nil},
	} {
		p, vals, ok := tab.Lookup(addr(tc.addr))
		if ok != (tc.want != nil) || !slices.Equal(vals, tc.want) || (ok && p != pfx(tc.pfx)) {
			t.Errorf("Lookup(%s) = %v, %q, %v; want %s, %q", tc.addr, p, vals, ok, tc.pfx, tc.want)
		}
		if tab.Contains(addr(tc.addr)) != ok {
			t.Errorf("Contains(%s) != %v", tc.addr, ok)
		}
	}
	if got := tab.Len(); got != 6 {
		t.Errorf("Len = %d, want 6", got)
	}
	if _, _, ok := tab.Lookup(netip.Addr{}); ok {
		t.Error("Lookup(invalid addr) hit")
	}
}

func TestBuilderErrorsCollected(t *testing.T) {
	var b cidr.Builder[int]
	b.Add(netip.Prefix{}, 1)
	b.Add(pfx("192.0.2.1/24"), 2)
	b.AddRange(addr("10.0.0.9"), addr("10.0.0.1"), 3)
	b.AddRange(addr("10.0.0.1"), addr("::1"), 3)
	for range 20 {
		b.Add(netip.Prefix{}, 4)
	}
	tab, err := b.Table()
	if !errors.Is(err, source.ErrInvalidInput) || !strings.Contains(err.Error(), "not an address or prefix") || !strings.Contains(err.Error(), "not an address range") {
		t.Fatalf("err = %v; want source.ErrInvalidInput for both the prefix and the range", err)
	}
	if tab == nil {
		t.Fatal("nil table with invalid inputs; want the valid part")
	}
	if p, v, ok := tab.Lookup(addr("192.0.2.200")); !ok || p != pfx("192.0.2.0/24") || !slices.Equal(v, []int{2}) {
		t.Errorf("Lookup = %v %v %v", p, v, ok)
	}
	if n := len(err.(interface{ Unwrap() []error }).Unwrap()); n != 11 {
		t.Errorf("joined %d errors, want the first 10 plus a count", n)
	}
	if strings.Contains(err.Error(), "\n") {
		t.Errorf("err = %q, not one line", err)
	}
}

func TestZeroTable(t *testing.T) {
	var tab cidr.Table[int]
	if _, _, ok := tab.Lookup(addr("1.2.3.4")); ok || tab.Len() != 0 {
		t.Fatal("zero Table is not empty")
	}
	var b cidr.Builder[int]
	empty, err := b.Table()
	if err != nil || empty.Len() != 0 {
		t.Fatalf("empty build: %v, %v", empty.Len(), err)
	}
}

func TestBuilderReuse(t *testing.T) {
	var b cidr.Builder[int]
	b.Add(pfx("10.0.0.0/8"), 1)
	t1, _ := b.Table()
	b.Add(pfx("11.0.0.0/8"), 2)
	t2, _ := b.Table()
	if t1.Len() != 1 || t2.Len() != 2 {
		t.Fatalf("Len %d, %d; want 1, 2", t1.Len(), t2.Len())
	}
}

func TestLookupAllocs(t *testing.T) {
	var b cidr.Builder[int]
	b.Add(pfx("10.0.0.0/8"), 1)
	b.Add(pfx("10.1.0.0/16"), 2)
	b.Add(pfx("2001:db8::/32"), 3)
	tab, _ := b.Table()
	a4, a6, miss := addr("10.1.2.3"), addr("2001:db8::1"), addr("8.8.8.8")
	n := testing.AllocsPerRun(100, func() {
		tab.Lookup(a4)
		tab.Lookup(a6)
		tab.Lookup(miss)
	})
	if n != 0 {
		t.Fatalf("Lookup allocates %v times", n)
	}
}

func TestAllRebuildsEqualTable(t *testing.T) {
	var orig cidr.Builder[int]
	for i, s := range []string{"10.0.0.0/8", "10.1.0.0/16", "10.1.2.0/24", "192.0.2.0/24", "2001:db8::/32", "2001:db8:1::/48"} {
		orig.Add(pfx(s), i)
		orig.Add(pfx(s), i%2+100)
	}
	tab, err := orig.Table()
	if err != nil {
		t.Fatal(err)
	}
	var b cidr.Builder[int]
	for p, vs := range tab.All() {
		for _, v := range vs {
			b.Add(p, v)
		}
	}
	again, err := b.Table()
	if err != nil || again.Len() != tab.Len() {
		t.Fatalf("rebuilt %d prefixes, %v; want %d", again.Len(), err, tab.Len())
	}
	for _, s := range []string{"10.1.2.3", "10.1.3.1", "10.2.0.1", "192.0.2.9", "2001:db8:1::1", "2001:db8:2::1", "8.8.8.8"} {
		p1, v1, ok1 := tab.Lookup(addr(s))
		p2, v2, ok2 := again.Lookup(addr(s))
		if p1 != p2 || ok1 != ok2 || !slices.Equal(v1, v2) {
			t.Errorf("%s: %v %v %v, rebuilt %v %v %v", s, p1, v1, ok1, p2, v2, ok2)
		}
	}
}
