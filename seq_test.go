package ipintel

import (
	"context"
	"errors"
	"testing"
	"time"
)

// A slow input gets each answer before its next line arrives: the input
// below does not yield its second address until the first result is in.
func TestLookupSeqStreams(t *testing.T) {
	geo, feed := fixtureSources()
	c := newClient(t, WithSources(geo, feed))
	firstSeen := make(chan struct{})
	var sent time.Time
	slow := func(yield func(string) bool) {
		sent = time.Now()
		if !yield("45.130.202.105") {
			return
		}
		select {
		case <-firstSeen:
		case <-time.After(10 * time.Second): // generous: the answer takes microseconds
			t.Error("LookupSeq waited for more input before answering the first")
		}
		for _, ip := range []string{"1.1.1.1", "junk", "185.220.101.1"} {
			if !yield(ip) {
				return
			}
		}
	}
	var got []string
	for r, err := range c.LookupSeq(context.Background(), slow) {
		if len(got) == 0 {
			t.Logf("first result %v after its input was yielded", time.Since(sent))
			close(firstSeen)
		}
		if err != nil {
			got = append(got, "error")
			continue
		}
		got = append(got, r.Query.IP.String())
	}
	want := []string{"45.130.202.105", "1.1.1.1", "error", "185.220.101.1"}
	if len(got) != len(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("got %v, want %v", got, want)
		}
	}
}

// A context that ends, or a Client that is closed, while the input is
// blocked (an idle terminal or pipe) stops the stream at once with that
// error, so a signal can interrupt it.
func TestLookupSeqInterruptsBlockedInput(t *testing.T) {
	for _, tc := range []struct {
		name string
		stop func(cancel context.CancelFunc, c *Client)
		want error
	}{
		{"context ends", func(cancel context.CancelFunc, _ *Client) { cancel() }, context.Canceled},
		{"client closed", func(_ context.CancelFunc, c *Client) { c.Close() }, ErrClosed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			geo, _ := fixtureSources()
			c := newClient(t, WithSources(geo))
			release := make(chan struct{})
			defer close(release)
			blocked := func(yield func(string) bool) {
				if !yield("1.1.1.1") {
					return
				}
				<-release // the terminal never sends another line
			}
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			n := 0
			var last error
			for r, err := range c.LookupSeq(ctx, blocked) {
				n++
				last = err
				if n == 1 {
					if err != nil || r == nil {
						t.Fatalf("first: %v, %v", r, err)
					}
					tc.stop(cancel, c)
				}
			}
			if n != 2 || !errors.Is(last, tc.want) {
				t.Fatalf("%d yields, last error %v; want the result, then %v", n, last, tc.want)
			}
		})
	}
}

func TestLookupSeqInputPanic(t *testing.T) {
	c := newClient(t)
	defer func() {
		if p := recover(); p != "input broke" {
			t.Fatalf("recovered %v, want the input's panic", p)
		}
	}()
	for range c.LookupSeq(context.Background(), func(func(string) bool) { panic("input broke") }) {
	}
	t.Fatal("no panic")
}
