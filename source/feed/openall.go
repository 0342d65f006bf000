package feed

import (
	"context"
	"sync"

	"github.com/ipintel/ipintel/internal/oneline"
)

// OpenAll opens the presets concurrently, each with [Preset.Open] and
// opts, and merges those that opened into one [Set] named [SetName]. It
// returns when every preset has opened or failed, so with
// [WithStartupBudget] it takes about the budget at most, and without a
// network answer each feed serves its cached copy or waits, empty, for its
// first download.
//
// A preset that cannot be opened is left out; the error returned joins
// every such failure (each an [*Error]) and is returned beside a usable
// set. The set is nil only when no preset opened. Cancelling ctx ends the
// start-up of every feed at once.
func OpenAll(ctx context.Context, presets []Preset, opts ...Option) (*Set, error) {
	feeds := make([]*Feed, len(presets))
	errs := make([]error, len(presets))
	var wg sync.WaitGroup
	for i, p := range presets {
		wg.Go(func() { feeds[i], errs[i] = p.Open(ctx, opts...) })
	}
	wg.Wait()
	var opened []*Feed
	for _, f := range feeds {
		if f != nil {
			opened = append(opened, f)
		}
	}
	err := oneline.Join(errs...)
	if ctx.Err() != nil || len(opened) == 0 {
		for _, f := range opened {
			f.Close()
		}
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, err
	}
	set, serr := NewSet(opened...)
	if serr != nil {
		for _, f := range opened {
			f.Close()
		}
		return nil, oneline.Join(serr, err)
	}
	return set, err
}
