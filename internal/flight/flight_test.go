package flight

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// goStart is a start function that tracks its goroutines, as an owner's
// Close would.
type tracker struct {
	wg     sync.WaitGroup
	closed atomic.Bool
}

var errClosed = errors.New("closed")

func (tr *tracker) start(f func()) error {
	if tr.closed.Load() {
		return errClosed
	}
	tr.wg.Go(f)
	return nil
}

// waitJoined waits until n callers besides the first have joined key's
// flight.
func waitJoined[K comparable, V any](t *testing.T, g *Group[K, V], key K, n int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		g.mu.Lock()
		f := g.calls[key]
		got := -1
		if f != nil {
			got = f.dups
		}
		g.mu.Unlock()
		if got >= n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d callers joined, want %d", got, n)
		}
		time.Sleep(time.Millisecond)
	}
}

func TestDoCollapses(t *testing.T) {
	var g Group[string, int]
	release := make(chan struct{})
	var calls atomic.Int32
	fn := func() (int, error) {
		calls.Add(1)
		<-release
		return 42, nil
	}
	const n = 8
	type out struct {
		v      int
		err    error
		shared bool
	}
	outs := make(chan out, n)
	go func() {
		v, shared, err := g.Do("k", fn)
		outs <- out{v, err, shared}
	}()
	// Wait for the first caller to be in flight, then join it.
	for {
		g.mu.Lock()
		_, ok := g.calls["k"]
		g.mu.Unlock()
		if ok {
			break
		}
		time.Sleep(time.Millisecond)
	}
	for range n - 1 {
		go func() {
			v, shared, err := g.Do("k", fn)
			outs <- out{v, err, shared}
		}()
	}
	waitJoined(t, &g, "k", n-1)
	close(release)
	for range n {
		o := <-outs
		if o.v != 42 || o.err != nil || !o.shared {
			t.Errorf("got %d, %v, shared %v; want 42, nil, shared", o.v, o.err, o.shared)
		}
	}
	if c := calls.Load(); c != 1 {
		t.Errorf("fn ran %d times, want 1", c)
	}
	// The key is free again: a later call runs fn anew, unshared.
	v, shared, err := g.Do("k", func() (int, error) { return 7, errors.New("boom") })
	if v != 7 || err == nil || shared {
		t.Errorf("second call: %d, %v, shared %v", v, err, shared)
	}
}

func TestDoPanicReleasesWaiters(t *testing.T) {
	var g Group[int, int]
	entered := make(chan struct{})
	release := make(chan struct{})
	panicked := make(chan any, 1)
	go func() {
		defer func() { panicked <- recover() }()
		g.Do(1, func() (int, error) {
			close(entered)
			<-release
			panic("scorer bug")
		})
	}()
	<-entered
	errc := make(chan error, 1)
	go func() {
		_, _, err := g.Do(1, func() (int, error) { return 0, nil })
		errc <- err
	}()
	waitJoined(t, &g, 1, 1)
	close(release)
	if p := <-panicked; p != "scorer bug" {
		t.Errorf("the caller that ran fn recovered %v, want its panic", p)
	}
	if err := <-errc; !errors.Is(err, errPanicked) {
		t.Errorf("the waiter got %v, want errPanicked", err)
	}
}

func TestJoinDetachesFromTheFirstCaller(t *testing.T) {
	var g Group[string, string]
	var tr tracker
	release := make(chan struct{})
	type key struct{}
	first, cancelFirst := context.WithCancel(context.WithValue(context.Background(), key{}, "v"))
	var calls atomic.Int32
	fn := func(ctx context.Context) (string, error) {
		calls.Add(1)
		select {
		case <-release:
		case <-ctx.Done():
			return "", ctx.Err()
		}
		v, _ := ctx.Value(key{}).(string)
		return "answer " + v, nil
	}
	f1, started := g.Join(first, "k", tr.start, fn)
	if !started {
		t.Fatal("the first caller did not start the call")
	}
	f2, started := g.Join(context.Background(), "k", tr.start, fn)
	if started || f2 != f1 {
		t.Fatal("the second caller did not join the first's call")
	}
	// The first caller gives up: it gets its own error at once…
	cancelFirst()
	if _, err := f1.Wait(first); !errors.Is(err, context.Canceled) {
		t.Errorf("first caller: err = %v, want context.Canceled", err)
	}
	// …and the call goes on for the second, with the first's values.
	close(release)
	v, err := f2.Wait(context.Background())
	if err != nil || v != "answer v" {
		t.Errorf("second caller: %q, %v; want %q", v, err, "answer v")
	}
	tr.wg.Wait()
	if c := calls.Load(); c != 1 {
		t.Errorf("fn ran %d times, want 1", c)
	}
}

func TestJoinStartFails(t *testing.T) {
	var g Group[int, int]
	tr := &tracker{}
	tr.closed.Store(true)
	ran := false
	f, started := g.Join(context.Background(), 1, tr.start, func(context.Context) (int, error) {
		ran = true
		return 1, nil
	})
	if !started {
		t.Error("started = false for the first caller")
	}
	if _, err := f.Wait(context.Background()); !errors.Is(err, errClosed) {
		t.Errorf("err = %v, want the start error", err)
	}
	if ran {
		t.Error("fn ran although start refused")
	}
	// Nothing is left in flight.
	tr.closed.Store(false)
	f, started = g.Join(context.Background(), 1, tr.start, func(context.Context) (int, error) { return 2, nil })
	if v, err := f.Wait(context.Background()); !started || v != 2 || err != nil {
		t.Errorf("after a failed start: started %v, %d, %v", started, v, err)
	}
	tr.wg.Wait()
}

func TestForget(t *testing.T) {
	var g Group[int, int]
	var tr tracker
	release := make(chan struct{})
	f1, _ := g.Join(context.Background(), 1, tr.start, func(context.Context) (int, error) {
		<-release
		return 1, nil
	})
	g.Forget(1)
	f2, started := g.Join(context.Background(), 1, tr.start, func(context.Context) (int, error) { return 2, nil })
	if !started || f2 == f1 {
		t.Fatal("a call after Forget joined the forgotten flight")
	}
	if v, _ := f2.Wait(context.Background()); v != 2 {
		t.Errorf("new flight = %d, want 2", v)
	}
	// A third flight is in the map when the forgotten one ends: the end
	// of the forgotten one must not remove it.
	block := make(chan struct{})
	f3, _ := g.Join(context.Background(), 1, tr.start, func(context.Context) (int, error) {
		<-block
		return 3, nil
	})
	close(release)
	if v, _ := f1.Wait(context.Background()); v != 1 {
		t.Errorf("forgotten flight = %d, want 1", v)
	}
	if f4, started := g.Join(context.Background(), 1, tr.start, nil); started || f4 != f3 {
		t.Error("the forgotten flight's end removed its successor")
	}
	close(block)
	if v, _ := f3.Wait(context.Background()); v != 3 {
		t.Errorf("third flight = %d, want 3", v)
	}
	tr.wg.Wait()
}

func TestWaitAfterTheEnd(t *testing.T) {
	var g Group[int, int]
	var tr tracker
	f, _ := g.Join(context.Background(), 1, tr.start, func(context.Context) (int, error) { return 5, nil })
	tr.wg.Wait()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if v, err := f.Wait(ctx); v != 5 || err != nil {
		t.Errorf("Wait = %d, %v", v, err)
	}
	// A finished flight is not joined.
	f2, started := g.Join(context.Background(), 1, tr.start, func(context.Context) (int, error) { return 6, nil })
	if !started || f2 == f {
		t.Error("a finished flight was joined")
	}
	if v, _ := f2.Wait(context.Background()); v != 6 {
		t.Errorf("Wait = %d, want 6", v)
	}
	tr.wg.Wait()
}

// Do and Join share their flights: a Join joins a call Do runs, and the
// other way round.
func TestDoAndJoinShare(t *testing.T) {
	var g Group[int, int]
	var tr tracker
	entered := make(chan struct{})
	release := make(chan struct{})
	doDone := make(chan int)
	go func() {
		v, _, _ := g.Do(1, func() (int, error) {
			close(entered)
			<-release
			return 10, nil
		})
		doDone <- v
	}()
	<-entered
	f, started := g.Join(context.Background(), 1, tr.start, nil)
	if started {
		t.Fatal("Join started a call while Do's was in flight")
	}
	close(release)
	if v, err := f.Wait(context.Background()); v != 10 || err != nil {
		t.Errorf("Join on Do's call: %d, %v; want 10, nil", v, err)
	}
	<-doDone

	release = make(chan struct{})
	f, _ = g.Join(context.Background(), 2, tr.start, func(context.Context) (int, error) {
		<-release
		return 20, nil
	})
	got := make(chan int)
	go func() {
		v, shared, _ := g.Do(2, func() (int, error) { return -1, nil })
		if !shared {
			v = -2
		}
		got <- v
	}()
	waitJoined(t, &g, 2, 1)
	close(release)
	if v := <-got; v != 20 {
		t.Errorf("Do on Join's call: %d, want 20 (shared)", v)
	}
	if v, _ := f.Wait(context.Background()); v != 20 {
		t.Errorf("Join's own result: %d, want 20", v)
	}
	tr.wg.Wait()
}
