package mmdb

import (
	"strconv"
	"time"

	"github.com/ipintel/ipintel/source"
)

// Datasets implements [source.DatasetReporter]: the loaded database, named
// by its database_type, with its build epoch as Version and Updated, its
// search-tree node count as Entries (the number of networks is not in the
// metadata; nodes grow with it), when it was last loaded, when the
// watcher will look again at the latest ([WithWatch]), and why the last
// reload failed (LastError: nil when it worked or none was tried). After
// Close it returns nil.
func (s *Source) Datasets() []source.Dataset {
	d := s.cur.Load()
	if d == nil {
		return nil
	}
	md := d.r.Metadata
	ds := source.Dataset{
		Name:      md.DatabaseType,
		Version:   strconv.FormatUint(uint64(md.BuildEpoch), 10),
		Entries:   int(md.NodeCount),
		LastError: s.lastReloadError(),
	}
	if md.BuildEpoch > 0 {
		ds.Updated = md.BuildTime()
	}
	if n := s.loadedAt.Load(); n > 0 {
		ds.LastRefresh = time.Unix(0, n)
	}
	if s.path != "" {
		ds.Origin = source.OriginFile
		if s.opts.watch > 0 {
			ds.NextRefresh = time.Now().Add(s.opts.watch) // the watcher polls this often
		}
	}
	return []source.Dataset{ds}
}

func (s *Source) markLoaded() { s.loadedAt.Store(time.Now().UnixNano()) }
