package prefixtable_test

import (
	"errors"
	"math/rand/v2"
	"net"
	"net/netip"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/yl2chen/cidranger"

	"github.com/ipintel/ipintel/internal/prefixtable"
	"github.com/ipintel/ipintel/source"
)

func pfx(s string) netip.Prefix { return netip.MustParsePrefix(s) }
func addr(s string) netip.Addr  { return netip.MustParseAddr(s) }

func TestTableEveryCoveringEntry(t *testing.T) {
	var b prefixtable.Builder[string]
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
	var b prefixtable.Builder[int]
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
	var tab prefixtable.Table[int]
	if _, _, ok := tab.Lookup(addr("1.2.3.4")); ok || tab.Len() != 0 || tab.Groups() != 1 || tab.Group(0) != nil {
		t.Fatal("zero Table is not empty")
	}
	var b prefixtable.Builder[int]
	empty, err := b.Table()
	if err != nil || empty.Len() != 0 {
		t.Fatalf("empty build: %v, %v", empty.Len(), err)
	}
}

// Builder reuse and allocation-free lookups are checked through the public
// API, in package cidr.

func TestAllRebuildsEqualTable(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 7))
	orig := randomTable(t, r, 2000, true)
	var b prefixtable.Builder[int]
	for p, vs := range orig.tab.All() {
		for _, v := range vs {
			b.Add(p, v)
		}
	}
	again, err := b.Table()
	if err != nil {
		t.Fatal(err)
	}
	if again.Len() != orig.tab.Len() {
		t.Fatalf("Len %d, want %d", again.Len(), orig.tab.Len())
	}
	for _, a := range orig.probes {
		p1, v1, ok1 := orig.tab.Lookup(a)
		p2, v2, ok2 := again.Lookup(a)
		if p1 != p2 || ok1 != ok2 || !slices.Equal(v1, v2) {
			t.Fatalf("%v: %v %v %v, rebuilt %v %v %v", a, p1, v1, ok1, p2, v2, ok2)
		}
	}
}

// randomSet is a table built from random prefixes with the pairs it came
// from and addresses to probe it with.
type randomSet struct {
	tab    *prefixtable.Table[int]
	pairs  []pair
	probes []netip.Addr
}

type pair struct {
	p netip.Prefix
	v int
}

func randomAddr(r *rand.Rand, v6 bool) netip.Addr {
	if v6 {
		var b [16]byte
		// Stay inside a few /16s so random prefixes overlap.
		b[0], b[1] = 0x20, byte(r.IntN(3))
		for i := 2; i < 16; i++ {
			b[i] = byte(r.Uint32())
		}
		return netip.AddrFrom16(b)
	}
	return netip.AddrFrom4([4]byte{byte(10 + r.IntN(3)), byte(r.Uint32()), byte(r.Uint32()), byte(r.Uint32())})
}

func randomTable(t testing.TB, r *rand.Rand, n int, v6 bool, setup ...func(*prefixtable.Builder[int])) randomSet {
	var rs randomSet
	var b prefixtable.Builder[int]
	for _, f := range setup {
		f(&b)
	}
	for i := range n {
		six := v6 && r.IntN(2) == 0
		a := randomAddr(r, six)
		var bits int
		if six {
			bits = 8 + r.IntN(121)
		} else {
			bits = 8 + r.IntN(25)
		}
		p := netip.PrefixFrom(a, bits).Masked()
		v := i % (n/4 + 1) // values repeat so groups are shared
		rs.pairs = append(rs.pairs, pair{p, v})
		b.Add(p, v)
		// Probe inside the prefix, at its edges, and at random.
		rs.probes = append(rs.probes, a, p.Addr(), randomAddr(r, six))
	}
	tab, err := b.Table()
	if err != nil {
		t.Fatal(err)
	}
	rs.tab = tab
	return rs
}

// linear is the slow, obvious answer: every pair whose prefix contains a,
// longest prefix first, insertion order within a prefix, each value once.
func linear(pairs []pair, a netip.Addr) (netip.Prefix, []int) {
	var hits []int
	for i, pr := range pairs {
		if pr.p.Contains(a) {
			hits = append(hits, i)
		}
	}
	sort.SliceStable(hits, func(i, j int) bool {
		return pairs[hits[i]].p.Bits() > pairs[hits[j]].p.Bits()
	})
	var vals []int
	for _, h := range hits {
		if !slices.Contains(vals, pairs[h].v) {
			vals = append(vals, pairs[h].v)
		}
	}
	if len(hits) == 0 {
		return netip.Prefix{}, nil
	}
	return pairs[hits[0]].p, vals
}

type rangerEntry struct {
	n net.IPNet
	p netip.Prefix
}

func (e rangerEntry) Network() net.IPNet { return e.n }

func newRanger(pairs []pair) cidranger.Ranger {
	rg := cidranger.NewPCTrieRanger()
	seen := map[netip.Prefix]bool{}
	for _, pr := range pairs {
		if seen[pr.p] {
			continue
		}
		seen[pr.p] = true
		_, n, err := net.ParseCIDR(pr.p.String())
		if err != nil {
			panic(err)
		}
		if err := rg.Insert(rangerEntry{*n, pr.p}); err != nil {
			panic(err)
		}
	}
	return rg
}

func TestCrossCheck(t *testing.T) {
	for _, tc := range []struct {
		name     string
		v6       bool
		n        int
		indirect bool
	}{{"v4", false, 3000, false}, {"v4v6", true, 3000, false}, {"v4v6/indirect", true, 1000, true}} {
		t.Run(tc.name, func(t *testing.T) {
			var setup []func(*prefixtable.Builder[int])
			if tc.indirect {
				// As with too many groups to pack into a bart value: go
				// through the matches table.
				setup = append(setup, prefixtable.IndexMatches[int])
			}
			r := rand.New(rand.NewPCG(1, uint64(tc.n)))
			rs := randomTable(t, r, tc.n, tc.v6, setup...)
			if got := prefixtable.UsesMatches(rs.tab); got != tc.indirect {
				t.Fatalf("lookups through the matches table: %v, want %v", got, tc.indirect)
			}
			rg := newRanger(rs.pairs)
			for _, a := range rs.probes {
				gotP, got, ok := rs.tab.Lookup(a)
				wantP, want := linear(rs.pairs, a)
				if ok != (want != nil) || gotP != wantP || !slices.Equal(got, want) {
					t.Fatalf("Lookup(%v) = %v %v %v; linear scan says %v %v", a, gotP, got, ok, wantP, want)
				}
				entries, err := rg.ContainingNetworks(net.IP(a.AsSlice()))
				if err != nil {
					t.Fatal(err)
				}
				// cidranger returns each covering prefix once; the table must
				// cover the same prefixes, the longest first.
				var rangerLongest netip.Prefix
				for _, e := range entries {
					p := e.(rangerEntry).p
					if !rangerLongest.IsValid() || p.Bits() > rangerLongest.Bits() {
						rangerLongest = p
					}
				}
				if ok != (len(entries) > 0) || (ok && gotP != rangerLongest) {
					t.Fatalf("Lookup(%v) prefix %v ok=%v; cidranger says %v (%d entries)", a, gotP, ok, rangerLongest, len(entries))
				}
			}
		})
	}
}

// TestConcurrentLookup reads one table from several goroutines at once
// (run it with -race) and checks every answer against the answer the same
// probe got sequentially, before the readers started.
func TestConcurrentLookup(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 3))
	rs := randomTable(t, r, 500, true)
	// randomTable's probes all fall in its dense address space; add some
	// outside it, which must miss.
	for i := range 64 {
		rs.probes = append(rs.probes, netip.AddrFrom4([4]byte{198, 51, 100, byte(i)}),
			netip.AddrFrom16([16]byte{0x2a, 0x0f, 15: byte(i)}))
	}
	type answer struct {
		pfx      netip.Prefix
		vals     []int
		ok, cont bool
	}
	want := make([]answer, len(rs.probes))
	hits := 0
	for i, a := range rs.probes {
		p, vals, ok := rs.tab.Lookup(a)
		want[i] = answer{p, slices.Clone(vals), ok, rs.tab.Contains(a)}
		if ok {
			hits++
		}
	}
	if hits == 0 || hits == len(rs.probes) {
		t.Fatalf("%d of %d probes hit: the test needs hits and misses", hits, len(rs.probes))
	}
	const readers = 4
	var wg sync.WaitGroup
	for g := range readers {
		wg.Go(func() {
			bad := 0
			// Each reader walks the probes from its own offset, so the
			// readers look up different addresses at the same moment.
			for k := range rs.probes {
				i := (k + g*len(rs.probes)/readers) % len(rs.probes)
				a, w := rs.probes[i], want[i]
				p, vals, ok := rs.tab.Lookup(a)
				cont := rs.tab.Contains(a)
				if p != w.pfx || ok != w.ok || !slices.Equal(vals, w.vals) || cont != w.cont {
					if bad++; bad <= 3 {
						t.Errorf("reader %d: Lookup(%v) = %v %v %v, Contains %v; sequentially %v %v %v, %v",
							g, a, p, vals, ok, cont, w.pfx, w.vals, w.ok, w.cont)
					}
				}
			}
			if bad > 3 {
				t.Errorf("reader %d: %d wrong answers in all", g, bad)
			}
		})
	}
	wg.Wait()
}

// TestQuadraticRefused: thousands of values on a prefix that covers
// thousands of others would store millions of values; the build refuses.
func TestQuadraticRefused(t *testing.T) {
	var b prefixtable.Builder[int]
	for i := range 5000 {
		b.Add(pfx("10.0.0.0/8"), i)
		b.Add(netip.PrefixFrom(netip.AddrFrom4([4]byte{10, 1, byte(i >> 8), byte(i)}), 32), -1-i)
	}
	if _, err := b.Table(); !errors.Is(err, source.ErrTooLarge) {
		t.Fatalf("err = %v, want source.ErrTooLarge", err)
	}
}

func TestMap(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 11))
	rs := randomTable(t, r, 2000, true)
	m := prefixtable.Map(rs.tab, func(v int) string { return "v" + strconv.Itoa(v%7) })
	if m.Len() != rs.tab.Len() || m.Groups() != rs.tab.Groups() {
		t.Fatalf("Map changed the shape: %d/%d prefixes, %d/%d groups", m.Len(), rs.tab.Len(), m.Groups(), rs.tab.Groups())
	}
	for _, a := range rs.probes {
		p1, g1, ok1 := rs.tab.LookupGroup(a)
		p2, g2, ok2 := m.LookupGroup(a)
		_, vs, _ := rs.tab.Lookup(a)
		_, ws, _ := m.Lookup(a)
		if p1 != p2 || g1 != g2 || ok1 != ok2 || len(vs) != len(ws) {
			t.Fatalf("%v: %v %v %v vs %v %v %v", a, p1, g1, ok1, p2, g2, ok2)
		}
		for i := range vs {
			if ws[i] != "v"+strconv.Itoa(vs[i]%7) {
				t.Fatalf("%v: value %d = %q, want f(%d)", a, i, ws[i], vs[i])
			}
		}
	}
	var empty prefixtable.Table[int]
	if e := prefixtable.Map(&empty, strconv.Itoa); e.Len() != 0 {
		t.Fatal("Map of the zero table is not empty")
	}
}

// TestHostileNestingBoundedWork: many values on a prefix above many
// others must not cost the size of the inherited list for every prefix
// below it. Without an inherited value repeated, nothing is walked; with
// one repeated every time, the walk is refused once it passes the
// per-prefix average that the stored table is held to. (The old build
// walked the whole inherited list for every prefix: 2·10⁷ values here, and
// for a 64 MiB hostile feed half a minute of CPU before refusing it.)
func TestHostileNestingBoundedWork(t *testing.T) {
	const above, below = 1000, 20_000
	for _, tc := range []struct {
		name    string
		repeat  bool
		maxWalk int
	}{
		{"distinct values", false, 0},
		{"each repeats an inherited value", true, 64*(above+2*below) + 1<<16 + above},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var b prefixtable.Builder[int]
			for i := range above {
				b.Add(pfx("10.0.0.0/8"), i)
			}
			for i := range below {
				p := netip.PrefixFrom(netip.AddrFrom4([4]byte{10, byte(i >> 16), byte(i >> 8), byte(i)}), 32)
				b.Add(p, above+i)
				if tc.repeat {
					b.Add(p, i%above)
				}
			}
			walked := -1
			prefixtable.OnWalked(&b, func(n int) { walked = n })
			if _, err := b.Table(); !errors.Is(err, source.ErrTooLarge) {
				t.Fatalf("err = %v, want source.ErrTooLarge", err)
			}
			if walked < 0 || walked > tc.maxWalk {
				t.Errorf("walked %d inherited values, want at most %d", walked, tc.maxWalk)
			}
		})
	}
}
