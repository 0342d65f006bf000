package sourcetest

import (
	"context"
	"net/netip"
	"reflect"
	"slices"
	"testing"

	"github.com/ipintel/ipintel/cidr"
	"github.com/ipintel/ipintel/source"
)

// Enumeration checks that a [source.Enumerator] lists what Lookup answers:
// it reads the whole enumeration (which must end without an error and
// yield no prefix twice) and, for at most samples of the listed prefixes
// (spread over the listing; 0 means all), looks up the prefix's first and
// last address and the addresses just outside it. Each lookup must return
// the Geo, Network (its CIDR aside) and Signals of the record listed with
// the longest prefix containing the address, or a miss where none does.
func Enumeration(t *testing.T, s source.Source, samples int) {
	t.Helper()
	en, ok := s.(source.Enumerator)
	if !ok {
		t.Fatalf("%T does not implement source.Enumerator", s)
	}
	ctx := context.Background()
	var recs []source.Record
	var b cidr.Builder[int]
	seen := map[netip.Prefix]bool{}
	for rec, err := range en.Enumerate(ctx) {
		if err != nil {
			t.Fatalf("Enumerate: %v after %d records", err, len(recs))
		}
		p := rec.Prefix
		if !p.IsValid() {
			t.Fatalf("Enumerate yielded a record without a prefix: %+v", rec)
		}
		if seen[p.Masked()] {
			t.Fatalf("Enumerate yielded %v twice", p)
		}
		seen[p.Masked()] = true
		b.Add(p, len(recs))
		recs = append(recs, rec)
	}
	tab, err := b.Table()
	if err != nil {
		t.Fatalf("the listed prefixes do not make a table: %v", err)
	}
	step := 1
	if samples > 0 && len(recs) > samples {
		step = len(recs) / samples
	}
	checked := 0
	for i := 0; i < len(recs); i += step {
		p := recs[i].Prefix.Masked()
		last := lastAddr(p)
		for _, a := range []netip.Addr{p.Addr(), last, p.Addr().Prev(), last.Next()} {
			if !a.IsValid() || a.Is4() != p.Addr().Is4() {
				continue
			}
			got, err := s.Lookup(ctx, a)
			if err != nil {
				t.Fatalf("Lookup(%v): %v", a, err)
			}
			var want source.Record
			if _, vals, ok := tab.Lookup(a); ok {
				want = recs[vals[0]]
			}
			if !sameAnswer(got, want) {
				t.Fatalf("Lookup(%v) = %s, but the enumeration lists %s", a, show(got), show(want))
			}
			checked++
		}
	}
	t.Logf("%d records listed, %d lookups checked", len(recs), checked)
}

// sameAnswer compares what two records say, Prefix and Network.CIDR aside.
func sameAnswer(a, b source.Record) bool {
	if (a.Geo == nil) != (b.Geo == nil) || (a.Geo != nil && *a.Geo != *b.Geo) {
		return false
	}
	if (a.Network == nil) != (b.Network == nil) {
		return false
	}
	if a.Network != nil {
		x, y := *a.Network, *b.Network
		x.CIDR, y.CIDR = netip.Prefix{}, netip.Prefix{}
		if x != y {
			return false
		}
	}
	return slices.EqualFunc(a.Signals, b.Signals, func(x, y source.Signal) bool { return reflect.DeepEqual(x, y) })
}

func show(r source.Record) string {
	if r.Geo == nil && r.Network == nil && len(r.Signals) == 0 {
		return "a miss"
	}
	s := "{"
	if r.Geo != nil {
		s += "Geo:" + r.Geo.CountryCode + " "
	}
	if r.Network != nil {
		s += "Network:" + r.Network.ASN.String() + " " + r.Network.Organization + " "
	}
	for _, sig := range r.Signals {
		s += sig.Kind.String() + "/" + sig.Source + " "
	}
	return s + "}"
}

func lastAddr(p netip.Prefix) netip.Addr {
	b := p.Masked().Addr().AsSlice()
	for i := p.Bits(); i < len(b)*8; i++ {
		b[i/8] |= 1 << (7 - i%8)
	}
	a, _ := netip.AddrFromSlice(b)
	return a
}
