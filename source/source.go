package source

import (
	"context"
	"net/netip"
	"time"
)

// Source is one provider of IP intelligence.
//
// Lookup is called with a valid, unmapped address (never IPv4-mapped IPv6,
// never zoned). It returns Record{} and a nil error when the source knows
// nothing about addr.
type Source interface {
	// Name identifies the source in results and errors ("geoip2-city",
	// "tor-exits", "vectraip"). It must be stable and non-empty.
	Name() string
	Lookup(ctx context.Context, addr netip.Addr) (Record, error)
}

// Batcher is implemented by sources that answer many addresses in one call,
// such as hosted APIs with a batch endpoint. The returned slice has one
// Record per address, in the same order; a miss is a zero Record.
//
// The Client never passes more than [Traits.MaxBatch] addresses when the
// source reports a limit through [Describer].
type Batcher interface {
	LookupBatch(ctx context.Context, addrs []netip.Addr) ([]Record, error)
}

// Reloader is implemented by sources whose data can be rebuilt on demand
// (re-read a database file, re-fetch a feed). A failed reload keeps the last
// good data and returns the reason.
type Reloader interface {
	Reload(ctx context.Context) error
}

// Describer is implemented by sources that want to be called differently
// from a fast in-memory lookup. A source that does not implement it is
// treated as local: asked inline, without a goroutine or a deadline of its
// own.
type Describer interface {
	Describe() Traits
}

// Traits tell the Client how to call a source.
type Traits struct {
	// Remote reports that lookups block on I/O (a network call). The Client
	// asks remote sources concurrently, each under its own deadline, and
	// reports one that fails or times out without failing the lookup.
	Remote bool

	// Timeout is the deadline the Client gives one Lookup or LookupBatch
	// call of this source. Zero means the Client's default for remote
	// sources; it is ignored for local ones.
	Timeout time.Duration

	// MaxBatch is the most addresses one LookupBatch call takes (100 for
	// the hosted APIs). Zero means no limit.
	MaxBatch int
}
