package cidr_test

import (
	"errors"
	"iter"
	"math/rand/v2"
	"net/netip"
	"slices"
	"testing"

	"github.com/ipintel/ipintel/cidr"
	"github.com/ipintel/ipintel/internal/prefixtable"
	"github.com/ipintel/ipintel/source"
)

// The table's implementation is tested in depth, against a linear scan and
// cidranger, in internal/prefixtable. These tests hold the public API that
// wraps it to the same answers, and check the promises its docs make.

func pfx(s string) netip.Prefix { return netip.MustParsePrefix(s) }
func addr(s string) netip.Addr  { return netip.MustParseAddr(s) }

// TestTableWrapsImplementation builds the same random prefixes, invalid
// inputs included, into a cidr.Builder and the implementation's, and
// checks that Lookup, Contains, Len, All and the build error agree.
func TestTableWrapsImplementation(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	var pub cidr.Builder[int]
	var impl prefixtable.Builder[int]
	var probes []netip.Addr
	for i := range 2000 {
		a := randomAddr(r, r.IntN(2) == 0)
		p := netip.PrefixFrom(a, 8+r.IntN(a.BitLen()-7))
		v := i % 300
		pub.Add(p, v)
		impl.Add(p, v)
		probes = append(probes, a, p.Masked().Addr(), randomAddr(r, r.IntN(2) == 0))
	}
	pub.Add(netip.Prefix{}, 1)
	impl.Add(netip.Prefix{}, 1)
	pub.AddRange(addr("10.0.0.9"), addr("10.0.0.1"), 2)
	impl.AddRange(addr("10.0.0.9"), addr("10.0.0.1"), 2)

	got, gotErr := pub.Table()
	want, wantErr := impl.Table()
	if !errors.Is(gotErr, source.ErrInvalidInput) || gotErr.Error() != wantErr.Error() {
		t.Fatalf("build error %v; want %v", gotErr, wantErr)
	}
	if got.Len() != want.Len() {
		t.Fatalf("Len %d, want %d", got.Len(), want.Len())
	}
	for _, a := range append(probes, netip.Addr{}, addr("::ffff:10.1.2.3")) {
		p1, v1, ok1 := got.Lookup(a)
		p2, v2, ok2 := want.Lookup(a)
		if p1 != p2 || ok1 != ok2 || !slices.Equal(v1, v2) {
			t.Fatalf("Lookup(%v) = %v %v %v; want %v %v %v", a, p1, v1, ok1, p2, v2, ok2)
		}
		if got.Contains(a) != ok2 {
			t.Fatalf("Contains(%v) != %v", a, ok2)
		}
	}
	next, stop := iter.Pull2(want.All())
	defer stop()
	for p, vs := range got.All() {
		wp, wvs, ok := next()
		if !ok || p != wp || !slices.Equal(vs, wvs) {
			t.Fatalf("All: %v %v; want %v %v", p, vs, wp, wvs)
		}
	}
	if _, _, ok := next(); ok {
		t.Fatal("All ended early")
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
