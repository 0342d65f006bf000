package builtin

import (
	"context"
	"encoding/binary"
	"iter"
	"net/netip"
	"slices"

	"github.com/ipintel/ipintel/builtin/internal/snapshot"
	"github.com/ipintel/ipintel/cidr"
	"github.com/ipintel/ipintel/source"
)

var _ source.Enumerator = (*Source)(nil)

// Enumerate yields what the source knows, range by range, as
// [source.Enumerator] describes: the embedded country and AS steps, split
// into prefixes, and in live mode the catalog feeds' signals merged in
// exactly as Lookup merges them (each range a feed boundary cuts is
// answered by Lookup's own merge). Prefixes are disjoint, IPv4 first, in
// address order. Records of the embedded data are shared by every prefix
// of one network, so the whole listing costs little memory.
func (s *Source) Enumerate(ctx context.Context) iter.Seq2[source.Record, error] {
	return func(yield func(source.Record, error) bool) {
		d := s.cur.Load()
		if d == nil {
			return
		}
		t := d.tables
		e := enumerator{ctx: ctx, s: s, yield: yield}
		if s.live != nil && s.live.feeds != nil {
			var err error
			if e.cuts, err = feedCuts(ctx, s.live.feeds); err != nil {
				yield(source.Record{}, err)
				return
			}
		}
		for i, start := range t.starts4 {
			last := uint32(1<<32 - 1)
			if i+1 < len(t.starts4) {
				last = t.starts4[i+1] - 1
			}
			if !e.step(addr4(start), addr4(last), &t.answers[t.vals4[i]]) {
				return
			}
		}
		for i, start := range t.starts6 {
			last := snapshot.U128{Hi: ^uint64(0), Lo: ^uint64(0)}
			if i+1 < len(t.starts6) {
				last = t.starts6[i+1].Prev()
			}
			if !e.step(addr6(start), addr6(last), &t.answers[t.vals6[i]]) {
				return
			}
		}
		if err := ctx.Err(); err != nil {
			yield(source.Record{}, err)
		}
	}
}

// enumerator is one run of Enumerate.
type enumerator struct {
	ctx   context.Context
	s     *Source
	yield func(source.Record, error) bool
	// cuts are the addresses where a live feed's answer may change (each
	// feed prefix's first address and the one after its last), sorted;
	// next is the first cut not yet passed.
	cuts  []netip.Addr
	next  int
	steps int
	buf   []netip.Prefix
}

// step yields the embedded step from..last with answer a, cut where the
// live feeds' answer may change.
func (e *enumerator) step(from, last netip.Addr, a *answer) bool {
	if e.steps++; e.steps%4096 == 0 {
		if err := e.ctx.Err(); err != nil {
			e.yield(source.Record{}, err)
			return false
		}
	}
	var rec source.Record
	if a.geo != nil || a.network != nil {
		rec = source.Record{Geo: a.geo, Network: a.network, Signals: a.signals}
	}
	if e.cuts == nil {
		return e.emit(from, last, rec)
	}
	for e.next < len(e.cuts) && e.cuts[e.next].Compare(from) <= 0 {
		e.next++
	}
	for {
		segLast := last
		if e.next < len(e.cuts) && e.cuts[e.next].Compare(last) <= 0 {
			segLast = e.cuts[e.next].Prev()
		}
		// Lookup's own merge of the embedded answer and the feeds'.
		r := e.s.live.lookup(e.ctx, rec, from)
		if !e.emit(from, segLast, r) {
			return false
		}
		if segLast == last {
			return true
		}
		from = segLast.Next()
		e.next++
	}
}

// emit yields rec for every prefix of from..last; a miss yields nothing.
func (e *enumerator) emit(from, last netip.Addr, rec source.Record) bool {
	if rec.IsZero() {
		return true
	}
	e.buf, _ = cidr.AppendRange(e.buf[:0], from, last) // from ≤ last, one family: no error
	for _, p := range e.buf {
		rec.Prefix = p
		if !e.yield(rec, nil) {
			return false
		}
	}
	return true
}

// feedCuts returns the sorted, distinct addresses where the feeds' answer
// may change.
func feedCuts(ctx context.Context, feeds source.Enumerator) ([]netip.Addr, error) {
	var cuts []netip.Addr
	for rec, err := range feeds.Enumerate(ctx) {
		if err != nil {
			return nil, err
		}
		p := rec.Prefix.Masked()
		cuts = append(cuts, p.Addr())
		if next := lastOf(p).Next(); next.IsValid() && next.Is4() == p.Addr().Is4() {
			cuts = append(cuts, next)
		}
	}
	slices.SortFunc(cuts, netip.Addr.Compare)
	return slices.Compact(cuts), nil
}

// lastOf returns the last address of p.
func lastOf(p netip.Prefix) netip.Addr {
	a := p.Addr().As16()
	bits := p.Bits()
	if p.Addr().Is4() {
		bits += 96
	}
	for i := bits; i < 128; i++ {
		a[i/8] |= 1 << (7 - i%8)
	}
	if p.Addr().Is4() {
		return netip.AddrFrom16(a).Unmap()
	}
	return netip.AddrFrom16(a)
}

func addr4(v uint32) netip.Addr {
	var b [4]byte
	binary.BigEndian.PutUint32(b[:], v)
	return netip.AddrFrom4(b)
}

func addr6(v snapshot.U128) netip.Addr {
	var b [16]byte
	binary.BigEndian.PutUint64(b[:8], v.Hi)
	binary.BigEndian.PutUint64(b[8:], v.Lo)
	return netip.AddrFrom16(b)
}
