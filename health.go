package ipintel

import (
	"sync"
	"sync/atomic"
	"time"

	"github.com/ipintel/ipintel/source"
)

// logEvery is the least time between two "source failing" messages about
// one source: a source that flaps between failing and working is reported
// once a minute, with how many failures went unlogged, not once a lookup.
const logEvery = time.Minute

// health follows whether a source works, to log when that changes: a
// source that starts failing is logged at Warn, one that recovers at Info,
// a data reload that fails at Warn. Every single failure stays at Debug.
// Calls are noted as they end; reloads as Client.Reload returns, and those
// a source runs in the background (an MMDB watch, a feed refresh) by the
// Client's dataset watch (see watchDatasets), never by Stats.
//
// A recovery is logged only when the failure before it was, so the last
// message about a source always tells its state; a failure not logged
// because of logEvery is logged by a later failed call once the minute
// is over, if the source is still failing then.
//
// The hot path only reads failing; the mutex is taken on failed calls
// and changes.
type health struct {
	failing atomic.Bool

	mu            sync.Mutex
	loggedFailing bool      // the last message said "failing"
	lastWarn      time.Time // when "failing" was last logged
	failures      int       // failed calls since the last message
	unlogged      int       // starts of failure not logged since lastWarn
	reloadErr     string    // the reload error last logged, "" for none
}

// ok notes a call that worked.
func (h *health) ok(c *Client, e *sourceEntry) {
	if !h.failing.Load() || !h.failing.CompareAndSwap(true, false) {
		return
	}
	h.mu.Lock()
	logged, n := h.loggedFailing, h.failures
	if logged {
		h.loggedFailing, h.failures = false, 0
	}
	h.mu.Unlock()
	if logged {
		c.log.Info("ipintel: source recovered", "source", e.name, "failed_calls", n)
	}
}

// failed notes a failed call.
func (h *health) failed(c *Client, e *sourceEntry, err error, k errKind, now time.Time) {
	started := h.failing.CompareAndSwap(false, true)
	h.mu.Lock()
	h.failures++
	if started && !h.loggedFailing {
		h.unlogged++
	}
	warn := !h.loggedFailing && h.failing.Load() && (h.lastWarn.IsZero() || now.Sub(h.lastWarn) >= logEvery)
	var n, flaps int
	if warn {
		n, flaps = h.failures, h.unlogged-1
		h.loggedFailing, h.lastWarn, h.unlogged = true, now, 0
	}
	h.mu.Unlock()
	if warn {
		c.log.Warn("ipintel: source failing", "source", e.name, "kind", k.String(), "error", err,
			"failed_calls", n, "unlogged_failure_spells", flaps)
	}
}

// noticeDatasets logs a data reload failure that a source reports in its
// datasets the first time it is seen, and its end.
func (h *health) noticeDatasets(c *Client, e *sourceEntry, ds []source.Dataset) {
	for _, d := range ds {
		if d.LastError != nil {
			h.noteReload(c, e, d.Name, d.LastError.Error())
			return
		}
	}
	h.noteReload(c, e, "", "")
}

// noteReload logs a reload failure (msg) unless it is the one last
// logged, or that reloads work again (msg "") after one failed.
func (h *health) noteReload(c *Client, e *sourceEntry, dataset, msg string) {
	h.mu.Lock()
	was := h.reloadErr
	h.reloadErr = msg
	h.mu.Unlock()
	switch {
	case msg == was:
	case msg != "":
		c.log.Warn("ipintel: data reload failed, answering from the last good data",
			"source", e.name, "dataset", dataset, "error", msg)
	default:
		c.log.Info("ipintel: data reload works again", "source", e.name)
	}
}

// datasetCheckEvery is how often the Client asks its sources about their
// data (source.DatasetReporter) to log a reload that failed in the
// background, or that works again. Sources refresh every few minutes at
// most; a check costs each source's Datasets call.
const datasetCheckEvery = 30 * time.Second

// startDatasetWatch starts the goroutine that checks the sources' datasets
// every interval, if any source reports them. It stops on Close.
func (c *Client) startDatasetWatch(every time.Duration) {
	watched := false
	for i := range c.sources {
		if _, ok := c.sources[i].src.(source.DatasetReporter); ok {
			watched = true
			break
		}
	}
	if !watched || every <= 0 {
		return
	}
	_ = c.goStart(func() { c.watchDatasets(every) }) // fails only once closed
}

// watchDatasets checks the sources' datasets every interval until Close.
// Close waits for a check in progress before it closes the sources.
func (c *Client) watchDatasets(every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-c.ctx.Done():
			return
		case <-t.C:
			c.checkDatasets()
		}
	}
}

// checkDatasets logs the reload failures the sources report, and their
// ends, once each (see health.noteReload).
func (c *Client) checkDatasets() {
	for i := range c.sources {
		e := &c.sources[i]
		if dr, ok := e.src.(source.DatasetReporter); ok {
			e.stats.health.noticeDatasets(c, e, datasetsOf(dr))
		}
	}
}
