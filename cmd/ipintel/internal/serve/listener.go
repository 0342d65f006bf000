package serve

import (
	"container/list"
	"net"
	"net/http"
	"sync"
	"time"
)

// connLimiter is a listener that holds at most max connections open (one
// more while they are all busy), so that idle clients cannot exhaust the
// process's file descriptors: with "accept4: too many open files" the
// server answers nobody, health checks included.
//
// When a connection is accepted at the cap, the one that has waited
// longest without a request in progress is closed to make room: an idle
// keep-alive connection, or one accepted that has sent no request for
// freshGrace.
// When every connection is busy, the newcomer is still accepted (the one
// spare slot) and Accept then waits until a request finishes and its
// connection can be closed, or a connection closes; further newcomers
// wait in the kernel's accept queue meanwhile. A health check on a fresh
// connection is therefore answered at once however many idle clients hold
// the rest, and promptly even when every connection is busy.
//
// The http.Server must report connection states to connState (its
// ConnState hook): it is how the limiter knows which connections wait.
type connLimiter struct {
	net.Listener
	max int
	now func() time.Time

	mu      sync.Mutex
	cond    *sync.Cond
	open    int       // connections, and a slot reserved by an Accept in progress
	pending int       // 1 while an Accept waits on the listener with a slot reserved
	fresh   list.List // of *limitedConn accepted without a request yet, oldest first
	idle    list.List // of *limitedConn between requests, longest idle first
	closed  bool
	evicted int // connections closed to make room
}

func newConnLimiter(ln net.Listener, max int) *connLimiter {
	l := &connLimiter{Listener: ln, max: max, now: time.Now}
	l.cond = sync.NewCond(&l.mu)
	return l
}

// limitedConn is a connection that gives its slot back when closed.
type limitedConn struct {
	net.Conn
	l *connLimiter

	// Under l.mu:
	elem   *list.Element // in l.fresh or l.idle while waiting
	in     *list.List    // which of them
	since  time.Time     // waiting since
	closed bool
}

// freshGrace is how long a connection accepted without a request is safe
// from being closed for room: its client has likely sent the request,
// which is on its way.
const freshGrace = 500 * time.Millisecond

// victim is the connection to close for room: the longest idle, or one
// that has sent no request for freshGrace if it has waited longer; nil if
// none may go. Under l.mu.
func (l *connLimiter) victim() *list.Element {
	i, f := l.idle.Front(), l.fresh.Front()
	if f != nil && l.now().Sub(f.Value.(*limitedConn).since) < freshGrace {
		f = nil
	}
	if f != nil && (i == nil || f.Value.(*limitedConn).since.Before(i.Value.(*limitedConn).since)) {
		return f
	}
	return i
}

// Accept accepts a connection when no more than max are open, then, when
// that makes one over max, closes a waiting one (victim) for room; with
// none to close, the newcomer is the one spare and Accept waits for room
// before taking another.
func (l *connLimiter) Accept() (net.Conn, error) {
	l.mu.Lock()
	for l.open > l.max && !l.closed {
		if e := l.victim(); e != nil {
			l.evict(e)
			continue
		}
		// Wait for a request to finish, a connection to close, or the
		// oldest fresh one to outstay freshGrace.
		var t *time.Timer
		if f := l.fresh.Front(); f != nil {
			t = time.AfterFunc(freshGrace-l.now().Sub(f.Value.(*limitedConn).since), func() {
				l.mu.Lock()
				l.cond.Broadcast()
				l.mu.Unlock()
			})
		}
		l.cond.Wait()
		if t != nil {
			t.Stop()
		}
	}
	if l.closed {
		l.mu.Unlock()
		return nil, net.ErrClosed
	}
	l.open++ // reserved before the descriptor is taken
	l.pending++
	l.mu.Unlock()
	conn, err := l.Listener.Accept()
	l.mu.Lock()
	defer l.mu.Unlock()
	l.pending--
	if err != nil {
		l.open--
		l.cond.Broadcast()
		return nil, err
	}
	if l.open > l.max {
		if e := l.victim(); e != nil { // the newcomer is in neither list yet
			l.evict(e)
		}
	}
	return &limitedConn{Conn: conn, l: l}, nil
}

// evict closes a waiting connection for room; under l.mu, which it
// releases while closing.
func (l *connLimiter) evict(e *list.Element) {
	c := l.takeIdle(e)
	l.evicted++
	l.mu.Unlock()
	c.Close() // gives the slot back
	l.mu.Lock()
}

// takeIdle removes an idle connection from the list; under l.mu.
func (l *connLimiter) takeIdle(e *list.Element) *limitedConn {
	c := e.Value.(*limitedConn)
	c.in.Remove(e)
	c.elem, c.in = nil, nil
	return c
}

// Close stops Accept, including one waiting for a slot. Connections stay
// open: the server (or drain) closes them.
func (l *connLimiter) Close() error {
	l.mu.Lock()
	if l.closed {
		l.mu.Unlock()
		return nil
	}
	l.closed = true
	l.cond.Broadcast()
	l.mu.Unlock()
	return l.Listener.Close()
}

// connState is the http.Server's ConnState hook: a new or idle
// connection may be closed to make room, an active one may not.
func (l *connLimiter) connState(conn net.Conn, state http.ConnState) {
	c, ok := conn.(*limitedConn)
	if !ok {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if c.elem != nil {
		c.in.Remove(c.elem)
		c.elem, c.in = nil, nil
	}
	if c.closed {
		return
	}
	switch state {
	case http.StateNew:
		c.in = &l.fresh
	case http.StateIdle:
		c.in = &l.idle
		l.cond.Broadcast() // an Accept over the cap can take it
	default: // active, hijacked, closed
		return
	}
	c.since = l.now()
	c.elem = c.in.PushBack(c)
}

// closeIdle closes the connections that have waited (idle, or fresh
// without a request) for at least quiet and reports how many connections
// are still open.
func (l *connLimiter) closeIdle(quiet time.Duration) int {
	cutoff := l.now().Add(-quiet)
	var old []*limitedConn
	l.mu.Lock()
	for _, q := range []*list.List{&l.fresh, &l.idle} {
		for e := q.Front(); e != nil && !e.Value.(*limitedConn).since.After(cutoff); e = q.Front() {
			old = append(old, l.takeIdle(e))
		}
	}
	l.mu.Unlock()
	for _, c := range old {
		c.Close()
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.open - l.pending
}

// stats reports the open connections and how many were closed to make room.
func (l *connLimiter) stats() (open, evicted int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.open - l.pending, l.evicted
}

func (c *limitedConn) Close() error {
	err := c.Conn.Close()
	l := c.l
	l.mu.Lock()
	if !c.closed {
		c.closed = true
		if c.elem != nil {
			c.in.Remove(c.elem)
			c.elem, c.in = nil, nil
		}
		l.open--
		l.cond.Broadcast()
	}
	l.mu.Unlock()
	return err
}
