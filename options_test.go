package ipintel

import (
	"context"
	"errors"
	"net/netip"
	"sync"
	"testing"
	"time"

	"github.com/ipintel/ipintel/source"
)

// nilPtrSource is a source type whose nil pointer New must refuse, as it
// must a failed mmdb.Open's (*mmdb.Source)(nil).
type nilPtrSource struct{ name string }

func (s *nilPtrSource) Name() string { return s.name }
func (s *nilPtrSource) Lookup(context.Context, netip.Addr) (source.Record, error) {
	return source.Record{}, nil
}

func TestNewRejectsTypedNil(t *testing.T) {
	var typed *nilPtrSource
	var asSource source.Source = typed
	for name, opt := range map[string]Option{
		"typed nil pointer":     WithSources(asSource),
		"after a good source":   WithSources(newMem("a"), typed),
		"nil interface in list": WithSources(newMem("a"), nil),
	} {
		c, err := New(opt)
		if !errors.Is(err, ErrInvalidOption) {
			t.Errorf("%s: New error = %v, want ErrInvalidOption", name, err)
		}
		if c != nil {
			t.Errorf("%s: New returned a Client with its error", name)
		}
	}
}

// deadlineSource records the deadline of the context each Lookup gets and
// then waits for it to end, like a remote API that is too slow.
type deadlineSource struct {
	name    string
	timeout time.Duration // its own Traits.Timeout
	mu      sync.Mutex
	left    []time.Duration // per call: time left until the ctx deadline
}

func (s *deadlineSource) Name() string { return s.name }
func (s *deadlineSource) Describe() source.Traits {
	return source.Traits{Remote: true, Timeout: s.timeout}
}
func (s *deadlineSource) Lookup(ctx context.Context, _ netip.Addr) (source.Record, error) {
	d, ok := ctx.Deadline()
	s.mu.Lock()
	if ok {
		s.left = append(s.left, time.Until(d))
	} else {
		s.left = append(s.left, -1)
	}
	s.mu.Unlock()
	<-ctx.Done()
	return source.Record{}, ctx.Err()
}

func TestWithRemoteTimeoutCaps(t *testing.T) {
	for _, tc := range []struct {
		name       string
		own        time.Duration // the source's Traits.Timeout
		opts       []Option
		wantAtMost time.Duration
	}{
		{"cap below the source's own", 10 * time.Second, []Option{WithRemoteTimeout(60 * time.Millisecond)}, 60 * time.Millisecond},
		{"source's own below the cap", 60 * time.Millisecond, []Option{WithRemoteTimeout(10 * time.Second)}, 60 * time.Millisecond},
		{"no own timeout: the option", 0, []Option{WithRemoteTimeout(60 * time.Millisecond)}, 60 * time.Millisecond},
		{"no option: the source's own", 60 * time.Millisecond, nil, 60 * time.Millisecond},
	} {
		t.Run(tc.name, func(t *testing.T) {
			slow := &deadlineSource{name: "slow", timeout: tc.own}
			c := newClient(t, append(tc.opts, WithSources(slow))...)
			for _, call := range []func() error{
				func() error { r, err := c.Lookup(context.Background(), "1.1.1.1"); return firstErr(r, err) },
				func() error {
					b, err := c.LookupBatch(context.Background(), []string{"1.1.1.2"})
					if err != nil {
						return err
					}
					return firstErr(b.Items[0].Result, b.Items[0].Err)
				},
			} {
				err := call()
				if !errors.Is(err, context.DeadlineExceeded) {
					t.Fatalf("source error = %v, want a deadline exceeded", err)
				}
			}
			slow.mu.Lock()
			defer slow.mu.Unlock()
			if len(slow.left) != 2 {
				t.Fatalf("%d calls, want 2", len(slow.left))
			}
			for _, left := range slow.left {
				if left < 0 || left > tc.wantAtMost {
					t.Errorf("the source was given %v, want at most %v", left, tc.wantAtMost)
				}
			}
		})
	}
}

// firstErr returns a lookup's error, or else its first source error.
func firstErr(r *Result, err error) error {
	if err != nil {
		return err
	}
	if len(r.Meta.Errors) == 0 {
		return nil
	}
	return r.Meta.Errors[0]
}
