package ipintel

import (
	"fmt"
	"net/netip"
	"time"

	"github.com/ipintel/ipintel/source"
)

// Merge returns the Result [Client.Lookup] would return for addr had the
// Client's sources answered recs: recs[i] is the answer of Sources()[i], a
// zero Record a miss. Fields, signals, summaries and score come out exactly
// as a lookup makes them (the first source that knows a field wins,
// signals are united, the Scorer scores). Merge asks no source and touches
// neither the cache nor the statistics; it does not check addr against the
// reserved ranges. It is how package export reproduces lookups range by
// range from sources that list their data ([source.Enumerator]).
//
// It fails with [source.ErrInvalidInput] when len(recs) is not the number
// of sources, with [ErrInvalidIP] for an invalid or zoned addr, and with
// [ErrClosed] after Close.
func (c *Client) Merge(addr netip.Addr, recs []source.Record) (*Result, error) {
	if c.closed.Load() {
		return nil, errClientClosed
	}
	addr, err := checkAddr(addr)
	if err != nil {
		return nil, err
	}
	if len(recs) != len(c.sources) {
		return nil, fmt.Errorf("ipintel: %w: Merge got %d records for %d sources", source.ErrInvalidInput, len(recs), len(c.sources))
	}
	var buf [inlineSources]answer
	ans := buf[:0]
	if len(recs) > inlineSources {
		ans = make([]answer, 0, len(recs))
	}
	for _, r := range recs {
		ans = append(ans, answer{rec: r})
	}
	return c.build(addr, ans, time.Now()), nil
}
