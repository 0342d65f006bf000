package rediscache

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"testing"
	"time"
)

// replyErr is an error reply from Redis, as go-redis types them.
type replyErr string

func (e replyErr) Error() string { return string(e) }
func (replyErr) RedisError()     {}

func TestNodeFailure(t *testing.T) {
	cases := []struct {
		err  error
		node bool
	}{
		{replyErr("WRONGTYPE Operation against a key holding the wrong kind of value"), false},
		{replyErr("OOM command not allowed when used memory > 'maxmemory'."), false},
		{replyErr("ERR value is not an integer or out of range"), false},
		{replyErr("CLUSTERDOWN The cluster is down"), true},
		{replyErr("LOADING Redis is loading the dataset in memory"), true},
		{replyErr("MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'."), true},
		{replyErr("TRYAGAIN Multiple keys request during rehashing of slot"), true},
		{replyErr("READONLY You can't write against a read only replica."), true},
		{replyErr("MOVED 3999 127.0.0.1:6381"), true},
		{replyErr("ASK 3999 127.0.0.1:6381"), true},
		{fmt.Errorf("hook: %w", replyErr("CLUSTERDOWN The cluster is down")), true},
		{fmt.Errorf("hook: %w", replyErr("WRONGTYPE Operation against a key holding the wrong kind of value")), false},
		{context.DeadlineExceeded, true},
		{io.EOF, true},
		{&net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connect: connection refused")}, true},
	}
	for _, c := range cases {
		if got := nodeFailure(c.err); got != c.node {
			t.Errorf("nodeFailure(%v) = %v, want %v", c.err, got, c.node)
		}
	}
}

func TestNodeBreaker(t *testing.T) {
	var n node
	t0 := time.Unix(1_800_000_000, 0)
	for i := range nodeFailures - 1 {
		if ok, probe := n.allow(t0); !ok || probe {
			t.Fatalf("after %d failures: allow = %v, %v", i, ok, probe)
		}
		if n.record(false, false, t0) {
			t.Fatalf("reported open after %d failures", i+1)
		}
	}
	if !n.record(false, false, t0) {
		t.Fatal("not reported open at the threshold")
	}
	if n.record(false, false, t0) {
		t.Fatal("reported open twice")
	}
	if ok, _ := n.allow(t0.Add(nodeCoolDown / 2)); ok {
		t.Fatal("an open breaker let an operation through")
	}
	later := t0.Add(nodeCoolDown + time.Millisecond)
	ok, probe := n.allow(later)
	if !ok || !probe {
		t.Fatalf("after the cool-down: allow = %v, %v, want a probe", ok, probe)
	}
	if ok, _ := n.allow(later); ok {
		t.Fatal("a second probe went out")
	}
	// A probe the caller abandoned frees the slot for another.
	n.release(true)
	if ok, probe = n.allow(later); !ok || !probe {
		t.Fatalf("after a released probe: allow = %v, %v", ok, probe)
	}
	// A failed probe opens it again.
	n.record(false, true, later)
	if ok, _ := n.allow(later.Add(nodeCoolDown / 2)); ok {
		t.Fatal("open again after a failed probe, but let an operation through")
	}
	again := later.Add(nodeCoolDown + time.Millisecond)
	if _, probe = n.allow(again); !probe {
		t.Fatal("no probe after the second cool-down")
	}
	if !n.record(true, true, again) {
		t.Fatal("a successful probe did not report the node back")
	}
	if ok, probe := n.allow(again); !ok || probe {
		t.Fatalf("closed: allow = %v, %v", ok, probe)
	}
}

func TestNodeTableForgetsIdleNodes(t *testing.T) {
	s := &redisStore{}
	t0 := time.Unix(1_800_000_000, 0)
	for i := range maxNodes {
		s.node(fmt.Sprintf("10.0.0.%d:6379", i), t0)
	}
	kept := s.node("10.0.0.0:6379", t0.Add(nodeForget)) // used again since
	s.node("10.0.1.0:6379", t0.Add(nodeForget+time.Second))
	if len(s.nodes) != 2 {
		t.Fatalf("%d nodes in the table, want the 2 used within %v", len(s.nodes), nodeForget)
	}
	if s.node("10.0.0.0:6379", t0.Add(nodeForget+time.Second)) != kept {
		t.Fatal("a node in use lost its breaker")
	}
}
