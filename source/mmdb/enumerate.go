package mmdb

import (
	"context"
	"fmt"
	"iter"
	"net/netip"
	"runtime"

	"github.com/ipintel/ipintel/source"
)

// Enumerate yields every network of the database that has data, with the
// record a lookup inside it returns; see [source.Enumerator]. Networks come
// in the database's tree order (IPv4 first in an IPv6 database); the IPv4
// aliases of an IPv6 database (::ffff:0:0/96, 2002::/16…) are not listed,
// as lookups of those addresses are IPv4 lookups. Each distinct data
// record is decoded once per enumeration and shared by the networks that
// point at it. It fails with [source.ErrClosed] after [Source.Close] and
// with [source.ErrMalformed] for a damaged tree or record.
func (s *Source) Enumerate(ctx context.Context) iter.Seq2[source.Record, error] {
	return func(yield func(source.Record, error) bool) {
		d := s.cur.Load()
		if d == nil {
			yield(source.Record{}, errClosed)
			return
		}
		defer runtime.KeepAlive(d)
		decoded := make(map[uintptr]*entry)
		n := 0
		for res := range d.r.Networks() {
			if n++; n%4096 == 0 {
				if err := ctx.Err(); err != nil {
					yield(source.Record{}, err)
					return
				}
			}
			if err := res.Err(); err != nil {
				yield(source.Record{}, fmt.Errorf("%w: %w", errInvalidDatabase, err))
				return
			}
			p := res.Prefix()
			if !p.IsValid() || (d.ipv4Only && !p.Addr().Is4()) {
				continue
			}
			off := res.Offset()
			e := decoded[off]
			if e == nil {
				var err error
				if e, err = d.dec.decode(res, off); err != nil {
					yield(source.Record{}, err)
					return
				}
				decoded[off] = e
			}
			if e.empty() {
				continue
			}
			rec := source.Record{Prefix: p, Geo: e.geo, Network: e.network, Signals: e.signals}
			if !yield(rec, nil) {
				return
			}
			// A network above the IPv4 subtree (::/64, say) answers IPv4
			// lookups too: Lookup names it 0.0.0.0/0 (see prefixFor).
			if p.Addr().Is6() && p.Bits() <= 96 && p.Contains(netip.IPv6Unspecified()) {
				rec.Prefix = netip.PrefixFrom(netip.IPv4Unspecified(), 0)
				if !yield(rec, nil) {
					return
				}
			}
		}
		if err := ctx.Err(); err != nil {
			yield(source.Record{}, err)
		}
	}
}

var _ source.Enumerator = (*Source)(nil)
