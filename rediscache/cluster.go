package rediscache

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"
)

// On Redis Cluster each master (a shard: the master and its replicas) has
// its own breaker: after nodeFailures failed operations in a row its keys
// fail at once, without a round trip, for nodeCoolDown; then one operation
// probes it. While any node fails, the store asks go-redis to reload the
// cluster's slot map, at most once per reloadEvery, so that a replica
// promoted in a dead master's place takes its keys within about that
// long. go-redis alone reloads only on a MOVED or ASK reply or every
// ClusterStateReloadInterval (a minute by default), and a dead master
// answers neither.
const (
	nodeFailures = 5
	nodeCoolDown = time.Second
	reloadEvery  = 500 * time.Millisecond
	// Nodes not used for nodeForget are dropped from the table once it
	// holds more than maxNodes, so that a cluster whose nodes come and go
	// (new addresses after each restart) does not grow it forever.
	maxNodes   = 64
	nodeForget = 10 * time.Minute
)

// errNodeSkipped: the node's breaker is open, its keys were not sent.
var errNodeSkipped = errors.New("node failing, skipped")

// execCluster sends each node its keys' commands in one pipeline, all
// nodes at once, and marks the keys that failed; first is the first key's
// error. callerFirst says the caller's deadline ends before the store's
// timeout: a node that misses it is not counted as failing. A node whose breaker is open is not asked. err is set only when
// no key could be sent (go-redis has no slot map).
func (s *redisStore) execCluster(ctx context.Context, callerFirst bool, keys []string, cmds []redis.Cmder, failed []bool, queue queueFunc) (first, err error) {
	groups := make(map[string][]int)
	for i, k := range keys {
		c, err := s.cluster.MasterForKey(ctx, k)
		if err != nil {
			return nil, err
		}
		addr := c.Options().Addr
		groups[addr] = append(groups[addr], i)
	}
	var (
		mu     sync.Mutex
		wg     sync.WaitGroup
		reload bool
	)
	note := func(err error, nodeDown bool) {
		mu.Lock()
		defer mu.Unlock()
		if first == nil && err != nil {
			first = err
		}
		reload = reload || nodeDown
	}
	send := func(addr string, n *node, probe bool, idx []int) {
		kerr, nerr := s.pipeline(ctx, idx, cmds, failed, queue)
		switch {
		case nerr == nil:
			if n.record(true, probe, s.now()) {
				s.log.Info("rediscache: cluster node back", "node", addr)
			}
		case errors.Is(ctx.Err(), context.Canceled),
			callerFirst && errors.Is(ctx.Err(), context.DeadlineExceeded):
			n.release(probe) // the caller gave up, or its deadline ended first: nothing learnt of the node
		default:
			if n.record(false, probe, s.now()) {
				s.log.Warn("rediscache: cluster node failing, its keys skipped", "node", addr, "error", nerr, "retry_in", nodeCoolDown)
			} else {
				s.log.Debug("rediscache: cluster node operation failed", "node", addr, "error", nerr)
			}
		}
		note(kerr, nerr != nil)
	}
	now := s.now()
	runs := 0
	for addr, idx := range groups {
		n := s.node(addr, now)
		ok, probe := n.allow(now)
		if !ok {
			for _, i := range idx {
				failed[i] = true
			}
			note(fmt.Errorf("%s: %w", addr, errNodeSkipped), true)
			continue
		}
		runs++
		if runs == 1 && len(groups) == 1 {
			send(addr, n, probe, idx) // the usual single key: no goroutine
			continue
		}
		wg.Go(func() { send(addr, n, probe, idx) })
	}
	wg.Wait()
	if reload {
		s.reloadSoon()
	}
	return first, nil
}

// reloadSoon asks go-redis to reload the slot map in the background, at
// most once per reloadEvery.
func (s *redisStore) reloadSoon() {
	now := s.now().UnixNano()
	last := s.lastReload.Load()
	if now-last < int64(reloadEvery) || !s.lastReload.CompareAndSwap(last, now) {
		return
	}
	s.cluster.ReloadState(context.Background())
}

// node returns addr's breaker, creating it if needed.
func (s *redisStore) node(addr string, now time.Time) *node {
	s.mu.Lock()
	defer s.mu.Unlock()
	if n, ok := s.nodes[addr]; ok {
		n.used.Store(now.UnixNano())
		return n
	}
	if s.nodes == nil {
		s.nodes = make(map[string]*node)
	}
	if len(s.nodes) >= maxNodes {
		for a, n := range s.nodes {
			if now.Sub(time.Unix(0, n.used.Load())) > nodeForget {
				delete(s.nodes, a)
			}
		}
	}
	n := &node{}
	n.used.Store(now.UnixNano())
	s.nodes[addr] = n
	return n
}

// node is one cluster node's breaker: after nodeFailures failures in a row
// it opens for nodeCoolDown, then lets one probe through; the probe's
// success closes it, its failure opens it again.
type node struct {
	used atomic.Int64 // UnixNano of the last operation that touched it

	mu        sync.Mutex
	failures  int
	openUntil time.Time
	probing   bool
}

// allow reports whether an operation may go to the node now; probe is true
// for the one operation that tests an open breaker.
func (n *node) allow(now time.Time) (ok, probe bool) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.failures < nodeFailures {
		return true, false
	}
	if now.Before(n.openUntil) || n.probing {
		return false, false
	}
	n.probing = true
	return true, true
}

// record reports an operation's outcome, and whether the breaker just
// opened (a failure) or closed again (a success).
func (n *node) record(ok, probe bool, now time.Time) (changed bool) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if probe {
		n.probing = false
	}
	if ok {
		was := n.failures >= nodeFailures
		n.failures = 0
		return was
	}
	n.failures++
	if n.failures < nodeFailures {
		return false
	}
	n.openUntil = now.Add(nodeCoolDown)
	return n.failures == nodeFailures
}

// release ends an operation whose outcome says nothing of the node.
func (n *node) release(probe bool) {
	if !probe {
		return
	}
	n.mu.Lock()
	n.probing = false
	n.mu.Unlock()
}
