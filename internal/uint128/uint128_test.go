package uint128

import (
	"math/big"
	"math/rand/v2"
	"net/netip"
	"testing"
)

func (n Uint128) big() *big.Int {
	b := new(big.Int).SetUint64(n.Hi)
	return b.Lsh(b, 64).Or(b, new(big.Int).SetUint64(n.Lo))
}

var two128 = new(big.Int).Lsh(big.NewInt(1), 128)

// TestAgainstBig checks every operation against math/big on random
// numbers and on the edges (0, 1, 2⁶⁴−1, 2⁶⁴, Max).
func TestAgainstBig(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	edges := []Uint128{{}, {Lo: 1}, {Lo: ^uint64(0)}, {Hi: 1}, Max, {Hi: 1, Lo: ^uint64(0)}}
	nums := append([]Uint128{}, edges...)
	for range 2000 {
		nums = append(nums, Uint128{r.Uint64() >> r.IntN(64), r.Uint64() >> r.IntN(64)}, Uint128{Lo: r.Uint64()})
	}
	for i, n := range nums {
		m := nums[(i*7+3)%len(nums)]
		nb, mb := n.big(), m.big()
		if got, want := n.Cmp(m), nb.Cmp(mb); got != want || n.Less(m) != (want < 0) {
			t.Fatalf("Cmp(%v, %v) = %d, want %d", n, m, got, want)
		}
		inc, ok := n.Inc()
		wantInc := new(big.Int).Add(nb, big.NewInt(1))
		if ok != (wantInc.Cmp(two128) < 0) || (ok && inc.big().Cmp(wantInc) != 0) {
			t.Fatalf("Inc(%v) = %v, %v", n, inc, ok)
		}
		if n != (Uint128{}) {
			if got := n.Dec().big(); got.Cmp(new(big.Int).Sub(nb, big.NewInt(1))) != 0 {
				t.Fatalf("Dec(%v) = %v", n, got)
			}
			if got, want := n.Log2(), nb.BitLen()-1; got != want {
				t.Fatalf("Log2(%v) = %d, want %d", n, got, want)
			}
			if got, want := n.TrailingZeros(), int(nb.TrailingZeroBits()); got != want {
				t.Fatalf("TrailingZeros(%v) = %d, want %d", n, got, want)
			}
		}
		if !n.Less(m) {
			if got, want := n.Sub(m).big(), new(big.Int).Sub(nb, mb); got.Cmp(want) != 0 {
				t.Fatalf("Sub(%v, %v) = %v, want %v", n, m, got, want)
			}
		}
		k := i % 131
		low := new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), uint(min(k, 128))), big.NewInt(1))
		if got, want := n.OrLow(k).big(), new(big.Int).Or(nb, low); got.Cmp(want) != 0 {
			t.Fatalf("OrLow(%v, %d) = %v, want %v", n, k, got, want)
		}
	}
	if (Uint128{}).TrailingZeros() != 128 {
		t.Error("TrailingZeros(0) != 128")
	}
}

func TestAddrRoundTrip(t *testing.T) {
	for _, s := range []string{"0.0.0.0", "192.0.2.1", "255.255.255.255", "::", "2001:db8::1", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"} {
		a := netip.MustParseAddr(s)
		if got := FromAddr(a).Addr(a.BitLen()); got != a {
			t.Errorf("%s: round trip gives %s", s, got)
		}
	}
	if got := FromAddr(netip.MustParseAddr("10.0.0.1")); got != (Uint128{Lo: 10<<24 | 1}) {
		t.Errorf("FromAddr(10.0.0.1) = %v", got)
	}
}
