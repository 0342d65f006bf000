package remote

import (
	"context"
	"net/netip"
	"sync"
	"time"

	"github.com/ipintel/ipintel/source"
)

// waiter is one lookup waiting for answers another process claimed.
type waiter struct {
	addrs []netip.Addr
	// recs, found and left are guarded by hub.mu until the waiter is
	// removed from the hub.
	recs  []source.Record
	found []bool
	left  int
	done  chan struct{} // closed by the hub when it drops the waiter
}

// hub polls the store for every waiter of one source with one multi-get
// per round, so that many lookups waiting at once cost the store one read
// every pollEvery rather than one each. Its goroutine runs only while
// someone waits, and Close stops it.
type hub struct {
	sh      *shared
	ctx     context.Context // the source's close context
	mu      sync.Mutex
	waiters map[*waiter]struct{}
	running bool
	wg      sync.WaitGroup
}

func (h *hub) add(w *waiter) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.waiters == nil {
		h.waiters = make(map[*waiter]struct{})
	}
	h.waiters[w] = struct{}{}
	if !h.running {
		h.running = true
		h.wg.Add(1)
		go h.loop()
	}
}

// remove drops w if the hub has not already, and returns how many of its
// addresses are still unanswered. After remove, w's fields are the
// caller's.
func (h *hub) remove(w *waiter) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	delete(h.waiters, w)
	return w.left
}

// wait waits for the polling goroutine to end (after Close).
func (h *hub) wait() { h.wg.Wait() }

func (h *hub) loop() {
	defer h.wg.Done()
	t := time.NewTicker(pollEvery)
	defer t.Stop()
	for {
		select {
		case <-t.C:
		case <-h.ctx.Done():
			h.dropAll()
			return
		}
		pending := h.pending()
		if pending == nil {
			return
		}
		recs, found, failed := h.sh.getMulti(h.ctx, pending)
		h.deliver(pending, recs, found, allFailed(failed) && !h.sh.breaker.closed())
	}
}

// pending returns the addresses some waiter still needs, or nil (and
// marks the loop stopped) when nobody waits.
func (h *hub) pending() []netip.Addr {
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(h.waiters) == 0 {
		h.running = false
		return nil
	}
	seen := make(map[netip.Addr]bool)
	var out []netip.Addr
	for w := range h.waiters {
		for i, a := range w.addrs {
			if !w.found[i] && !seen[a] {
				seen[a] = true
				out = append(out, a)
			}
		}
	}
	return out
}

// deliver hands out what a poll found; giveUp (the store is failing)
// releases every waiter.
func (h *hub) deliver(addrs []netip.Addr, recs []source.Record, found []bool, giveUp bool) {
	at := make(map[netip.Addr]int, len(addrs))
	for j, a := range addrs {
		if found[j] {
			at[a] = j
		}
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	for w := range h.waiters {
		for i, a := range w.addrs {
			if j, ok := at[a]; ok && !w.found[i] {
				w.recs[i], w.found[i] = recs[j], true
				w.left--
			}
		}
		if w.left == 0 || giveUp {
			delete(h.waiters, w)
			close(w.done)
		}
	}
}

func (h *hub) dropAll() {
	h.mu.Lock()
	defer h.mu.Unlock()
	for w := range h.waiters {
		delete(h.waiters, w)
		close(w.done)
	}
	h.running = false
}
