package builtin

import (
	"context"
	"errors"
	"net/netip"
	"sync/atomic"
	"time"

	"github.com/ipintel/ipintel/builtin/internal/snapshot"
	"github.com/ipintel/ipintel/source"
)

// Name is the source's name in results.
const Name = "builtin"

// ErrCorrupt is returned by [Open] when the embedded data does not decode:
// a damaged build, never a normal condition.
var ErrCorrupt = snapshot.ErrCorrupt

// Source answers from the embedded snapshot. It implements
// [source.Source] and [source.DatasetReporter]. It is safe for concurrent
// use. Create one with [Open]; a zero Source answers every lookup with a
// miss and reports no datasets.
type Source struct {
	cur  atomic.Pointer[data]
	cfg  config
	live *live // nil unless WithLive
}

// data is one complete body of data a Source answers from, swapped whole.
type data struct {
	tables   *tables
	manifest *snapshot.Manifest
}

var (
	_ source.Source          = (*Source)(nil)
	_ source.DatasetReporter = (*Source)(nil)
)

// Open returns a Source answering from the compiled-in data. The first call
// in a process decodes it (see the package doc for the cost); later calls
// share the decoded tables and cost nothing.
func Open(opts ...Option) (*Source, error) {
	s := &Source{}
	for _, o := range opts {
		o(&s.cfg)
	}
	d, err := embedded()
	if err != nil {
		return nil, err
	}
	s.cur.Store(d)
	if s.cfg.live.on {
		if s.cfg.live.cacheDir == "" {
			return nil, errors.New("builtin: WithLive needs a cache directory")
		}
		s.startLive()
	}
	return s, nil
}

// Name returns "builtin".
func (s *Source) Name() string { return Name }

// Lookup returns the country, network and network-class signals for addr.
// The Geo, Network and Signals it returns are shared by every lookup that
// lands in the same network: treat them as read-only. An address the data
// does not cover is a miss (Record{}, nil); Lookup never fails.
func (s *Source) Lookup(ctx context.Context, addr netip.Addr) (source.Record, error) {
	d := s.cur.Load()
	if d == nil || !addr.IsValid() {
		return source.Record{}, nil
	}
	addr = addr.Unmap().WithZone("")
	return s.live.lookup(ctx, d.tables.lookup(addr), addr), nil
}

// Datasets reports the embedded datasets: their upstream versions, build
// dates, entry counts, licences and required attribution.
func (s *Source) Datasets() []source.Dataset {
	d := s.cur.Load()
	if d == nil {
		return nil
	}
	var out []source.Dataset
	for _, in := range d.manifest.Inputs {
		built, _ := snapshot.Built(in.Version)
		out = append(out, source.Dataset{
			Name:        in.Dataset,
			Version:     in.Package + "@" + in.Version,
			Updated:     built,
			Origin:      source.OriginEmbedded,
			Entries:     in.Rows4 + in.Rows6,
			License:     in.License,
			Attribution: in.Attribution,
		})
	}
	updated, _ := time.Parse(time.DateOnly, classTableDate)
	out = append(out, source.Dataset{
		Name:        "network-class",
		Version:     classTableDate,
		Updated:     updated,
		Origin:      source.OriginEmbedded,
		Entries:     len(asClasses) + len(knownOperators),
		License:     "part of ipintel's source",
		Attribution: "ipintel's curated table of autonomous systems by class, from public facts",
	})
	return s.live.datasets(out)
}
