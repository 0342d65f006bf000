package builtin

import (
	"context"
	"fmt"
	"io"
	"net/netip"
	"os"
	"sync/atomic"
	"time"

	"github.com/ipintel/ipintel/builtin/internal/snapshot"
	"github.com/ipintel/ipintel/source"
)

// Name is the source's name in results.
const Name = "builtin"

// Errors wrap the shared kinds of package source: [OpenFile] of a file
// that is not a valid snapshot (and [Open] when the embedded data does not
// decode: a damaged build, never a normal condition) returns one wrapping
// [source.ErrMalformed]; a refused live refresh is reported (in
// [Source.Datasets]) wrapping [source.ErrPoisoned]; a bad option wraps
// [source.ErrInvalidOption].

// errCorrupt is snapshot.ErrCorrupt: not a valid snapshot.
var errCorrupt = snapshot.ErrCorrupt

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
	d, err := embedded()
	if err != nil {
		return nil, err
	}
	return newSource(d, opts)
}

// maxFile bounds the size of a snapshot file [OpenFile] reads: the
// embedded one is under 4 MB.
const maxFile = 64 << 20

// OpenFile returns a Source answering from the snapshot file at path
// instead of the compiled-in one: data/snapshot.bin of a newer release, or
// what the generator wrote (go run ./internal/gen -update; see its doc), so
// that data can be refreshed without a rebuild. The options are Open's; in
// live mode the file's data is the starting point that refreshes replace.
//
// The file is checked whole: its header, each section's length and
// checksum, the manifest it carries (what it was built from, and when) and
// its counts. A file that is damaged, truncated, larger than 64 MiB or not
// a snapshot at all returns an error wrapping [source.ErrMalformed]; one that cannot
// be read, the [os] error. Each call decodes the file anew (about as long
// as the first [Open]).
func OpenFile(path string, opts ...Option) (*Source, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("builtin: %w", err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxFile+1))
	if err != nil {
		return nil, fmt.Errorf("builtin: %s: %w", path, err)
	}
	if len(b) > maxFile {
		return nil, fmt.Errorf("%w: larger than %d bytes (in %s)", errCorrupt, maxFile, path)
	}
	d, err := decodeData(b)
	if err == nil {
		err = checkManifest(d.manifest)
	}
	if err != nil {
		return nil, fmt.Errorf("%w (in %s)", err, path)
	}
	return newSource(d, opts)
}

// checkManifest checks what a snapshot file says about itself: a date and
// one country and one AS dataset, each with a version that dates it.
func checkManifest(m *snapshot.Manifest) error {
	if _, err := time.Parse(time.DateOnly, m.Snapshot); err != nil {
		return fmt.Errorf("%w: manifest date %q", errCorrupt, m.Snapshot)
	}
	kinds := map[string]int{}
	for _, in := range m.Inputs {
		if _, err := snapshot.Built(in.Version); err != nil || in.Dataset == "" {
			return fmt.Errorf("%w: manifest input %q@%q", errCorrupt, in.Dataset, in.Version)
		}
		kinds[in.Kind]++
	}
	if len(m.Inputs) != 2 || kinds[snapshot.KindCountry] != 1 || kinds[snapshot.KindASN] != 1 {
		return fmt.Errorf("%w: the manifest does not name one country and one AS dataset", errCorrupt)
	}
	return nil
}

// newSource returns a Source answering from d.
func newSource(d *data, opts []Option) (*Source, error) {
	s := &Source{}
	for _, o := range opts {
		if o == nil {
			continue
		}
		if err := o(&s.cfg); err != nil {
			return nil, err
		}
	}
	if s.cfg.logger == nil {
		s.cfg.logger = discard
	}
	if s.cfg.now == nil {
		s.cfg.now = time.Now
	}
	if s.cfg.live.on && s.cfg.live.cacheDir == "" {
		return nil, fmt.Errorf("builtin: %w: WithLive(\"\"): needs a cache directory", source.ErrInvalidOption)
	}
	s.cur.Store(d)
	if s.cfg.live.on {
		s.startLive()
	} else {
		s.warnIfStale(d.manifest)
	}
	return s, nil
}

// warnIfStale logs one Warn when the snapshot in use is older than
// StaleAfter.
func (s *Source) warnIfStale(m *snapshot.Manifest) {
	built, err := time.Parse(time.DateOnly, m.Snapshot)
	if err != nil {
		return // a snapshot built by tests carries no date
	}
	if age := s.cfg.now().Sub(built); age > StaleAfter {
		s.cfg.logger.Warn("builtin: the snapshot in use is old: live mode or a newer snapshot file answers better",
			"snapshot", m.Snapshot, "age_days", int(age.Hours()/24))
	}
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
// dates, entry counts, licences and required attribution. In live mode it
// also reports each dataset's live state and every catalog feed's (see
// the package documentation), a feed that could not be opened at all with
// only its name and LastError.
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
