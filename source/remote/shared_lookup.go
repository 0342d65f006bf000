package remote

import (
	"context"
	"net/netip"

	"github.com/ipintel/ipintel/source"
)

// fetchOne answers one address for a flight: from the shared store when
// another process already asked, else from the API. Of the processes that
// miss at once, the one that claims the address asks the API and stores the
// answer; the others wait (bounded) for it, then ask the API themselves.
func (s *Source) fetchOne(ctx context.Context, addr netip.Addr) (source.Record, error) {
	sh := s.shared
	if sh == nil {
		return s.lookupOne(ctx, addr)
	}
	one := []netip.Addr{addr}
	recs, found, failed := sh.getMulti(ctx, one)
	if found[0] {
		sh.stats.hits.Add(1)
		s.cachePut(addr, recs[0])
		return recs[0], nil
	}
	if failed[0] {
		// The store just failed for this key: ask the API without
		// spending another operation's deadline on a claim or a write.
		return s.lookupOne(ctx, addr)
	}
	sh.stats.misses.Add(1)
	if !sh.claimMulti(ctx, one)[0] {
		if recs, found := sh.await(ctx, one); found[0] {
			s.cachePut(addr, recs[0])
			return recs[0], nil
		}
	}
	rec, err := s.lookupOne(ctx, addr)
	if err != nil {
		return source.Record{}, err // errors are never stored
	}
	sh.putMulti(ctx, one, []source.Record{rec})
	return rec, nil
}

// fetchChunk answers one batch chunk: one multi-get, a claim of what is
// missing, one API call for what this process claimed (and one more for
// what others claimed but did not answer in time), one multi-set. Keys the
// store failed (a cluster node down) are asked of the API with the claimed
// ones, while the others are shared as usual.
func (s *Source) fetchChunk(ctx context.Context, chunk []netip.Addr) ([]source.Record, error) {
	sh := s.shared
	if sh == nil {
		recs, _, err := s.lookupChunk(ctx, chunk)
		return recs, err
	}
	out, found, failed := sh.getMulti(ctx, chunk)
	if allFailed(failed) {
		recs, _, err := s.lookupChunk(ctx, chunk) // as in fetchOne
		return recs, err
	}
	var missing, mine []int
	for i, ok := range found {
		switch {
		case ok:
			s.cachePut(chunk[i], out[i])
		case failed[i]:
			mine = append(mine, i)
		default:
			missing = append(missing, i)
		}
	}
	sh.stats.hits.Add(int64(len(chunk) - len(missing) - len(mine)))
	sh.stats.misses.Add(int64(len(missing)))
	if len(missing)+len(mine) == 0 {
		return out, nil
	}
	var theirs []int
	var claimed []bool
	if len(missing) > 0 {
		claimed = sh.claimMulti(ctx, pick(chunk, missing))
	}
	for j, i := range missing {
		if claimed[j] {
			mine = append(mine, i)
		} else {
			theirs = append(theirs, i)
		}
	}
	if err := s.askAndShare(ctx, chunk, mine, out); err != nil {
		return nil, err
	}
	if len(theirs) == 0 {
		return out, nil
	}
	got, ok := sh.await(ctx, pick(chunk, theirs))
	var late []int
	for j, i := range theirs {
		if ok[j] {
			out[i] = got[j]
			s.cachePut(chunk[i], got[j])
			continue
		}
		late = append(late, i)
	}
	if err := s.askAndShare(ctx, chunk, late, out); err != nil {
		return nil, err
	}
	return out, nil
}

// askAndShare asks the API for chunk[idx...] in one request, fills out,
// and stores the settled answers in the shared store.
func (s *Source) askAndShare(ctx context.Context, chunk []netip.Addr, idx []int, out []source.Record) error {
	if len(idx) == 0 {
		return nil
	}
	addrs := pick(chunk, idx)
	recs, answered, err := s.lookupChunk(ctx, addrs)
	if err != nil {
		return err
	}
	var settled []netip.Addr
	var settledRecs []source.Record
	for j, i := range idx {
		out[i] = recs[j]
		if answered != nil && answered[j] {
			settled = append(settled, addrs[j])
			settledRecs = append(settledRecs, recs[j])
		}
	}
	s.shared.putMulti(ctx, settled, settledRecs)
	return nil
}

// sharedPrefill answers what it can of a batch for an API without a batch
// endpoint with one multi-get, and returns the addresses left for single
// lookups (which claim and store one by one).
func (s *Source) sharedPrefill(ctx context.Context, addrs []netip.Addr, set func(netip.Addr, source.Record)) []netip.Addr {
	if s.shared == nil {
		return addrs
	}
	recs, found, _ := s.shared.getMulti(ctx, addrs) // what failed takes the single path too
	var left []netip.Addr
	for i, a := range addrs {
		if !found[i] {
			left = append(left, a)
			continue
		}
		s.shared.stats.hits.Add(1)
		s.cachePut(a, recs[i])
		set(a, recs[i])
	}
	return left
}

func pick(addrs []netip.Addr, idx []int) []netip.Addr {
	out := make([]netip.Addr, len(idx))
	for j, i := range idx {
		out[j] = addrs[i]
	}
	return out
}

// cachePut keeps an answer in the local cache, when there is one.
func (s *Source) cachePut(a netip.Addr, r source.Record) {
	if s.cache != nil {
		s.cache.Add(a, r, s.now())
	}
}
