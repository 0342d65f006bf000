package deadline

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"
)

type tracker struct{ wg sync.WaitGroup }

func (tr *tracker) start(f func()) error {
	tr.wg.Go(f)
	return nil
}

func TestReturnsTheAnswer(t *testing.T) {
	var tr tracker
	type key struct{}
	ctx := context.WithValue(context.Background(), key{}, "v")
	c := Go(ctx, time.Second, context.Background(), tr.start, func(ctx context.Context) (string, error) {
		if _, ok := ctx.Deadline(); !ok {
			return "", errors.New("no deadline")
		}
		v, _ := ctx.Value(key{}).(string)
		return "got " + v, nil
	})
	v, err := c.Wait(context.Background())
	if err != nil || v != "got v" {
		t.Errorf("Wait = %q, %v; want %q, nil", v, err, "got v")
	}
	tr.wg.Wait()
}

func TestTheSourceSeesItsDeadline(t *testing.T) {
	var tr tracker
	c := Go(context.Background(), 20*time.Millisecond, context.Background(), tr.start,
		func(ctx context.Context) (int, error) {
			<-ctx.Done()
			return 0, ctx.Err()
		})
	if _, err := c.Wait(context.Background()); !errors.Is(err, context.DeadlineExceeded) || errors.Is(err, ErrLate) {
		t.Errorf("err = %v, want the source's own context.DeadlineExceeded", err)
	}
	tr.wg.Wait()
}

func TestAbandonsASourceThatIgnoresItsContext(t *testing.T) {
	var tr tracker
	release := make(chan struct{})
	start := time.Now()
	c := Go(context.Background(), 10*time.Millisecond, context.Background(), tr.start,
		func(context.Context) (int, error) {
			<-release
			return 1, nil
		})
	_, err := c.Wait(context.Background())
	if !errors.Is(err, ErrLate) || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("err = %v, want ErrLate wrapping context.DeadlineExceeded", err)
	}
	if waited := time.Since(start); waited < 10*time.Millisecond+Grace {
		t.Errorf("gave up after %v, before the deadline plus grace", waited)
	}
	if c.Deadline().Before(start.Add(10*time.Millisecond + Grace)) {
		t.Errorf("Deadline %v is before start + timeout + grace", c.Deadline())
	}
	close(release) // the goroutine ends when the source returns
	tr.wg.Wait()
}

func TestOwnerCancels(t *testing.T) {
	var tr tracker
	owner, closeOwner := context.WithCancel(context.Background())
	entered := make(chan struct{})
	c := Go(context.Background(), time.Hour, owner, tr.start, func(ctx context.Context) (int, error) {
		close(entered)
		<-ctx.Done()
		return 0, ctx.Err()
	})
	<-entered
	closeOwner()
	if _, err := c.Wait(context.Background()); !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
	tr.wg.Wait()
}

func TestCallerContextEnds(t *testing.T) {
	var tr tracker
	release := make(chan struct{})
	c := Go(context.Background(), time.Hour, context.Background(), tr.start, func(context.Context) (int, error) {
		<-release
		return 1, nil
	})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	if _, err := c.Wait(ctx); !errors.Is(err, context.DeadlineExceeded) || errors.Is(err, ErrLate) {
		t.Errorf("err = %v, want the caller's context.DeadlineExceeded", err)
	}
	close(release)
	tr.wg.Wait()
}

func TestStartRefuses(t *testing.T) {
	closed := errors.New("closed")
	ran := false
	c := Go(context.Background(), time.Second, context.Background(),
		func(func()) error { return closed },
		func(context.Context) (int, error) { ran = true; return 1, nil })
	if _, err := c.Wait(context.Background()); !errors.Is(err, closed) {
		t.Errorf("err = %v, want the start error", err)
	}
	if ran {
		t.Error("fn ran although start refused")
	}
}

// Calls started together and waited for in turn until the latest
// deadline: an answer already there is taken even once that has passed.
func TestWaitUntilTakesAnAnswerAlreadyThere(t *testing.T) {
	var tr tracker
	c := Go(context.Background(), time.Second, context.Background(), tr.start,
		func(context.Context) (int, error) { return 3, nil })
	tr.wg.Wait() // the answer is in
	if v, err := c.WaitUntil(context.Background(), time.Now().Add(-time.Second)); v != 3 || err != nil {
		t.Errorf("past deadline, answer there: %d, %v; want 3, nil", v, err)
	}
	c = Go(context.Background(), time.Second, context.Background(), tr.start,
		func(context.Context) (int, error) { return 4, nil })
	tr.wg.Wait()
	done, cancel := context.WithCancel(context.Background())
	cancel()
	if v, err := c.WaitUntil(done, c.Deadline()); v != 4 || err != nil {
		t.Errorf("ended context, answer there: %d, %v; want 4, nil", v, err)
	}

	release := make(chan struct{})
	c = Go(context.Background(), time.Second, context.Background(), tr.start,
		func(context.Context) (int, error) { <-release; return 5, nil })
	if _, err := c.WaitUntil(context.Background(), time.Now().Add(-time.Second)); !errors.Is(err, ErrLate) {
		t.Errorf("past deadline, no answer: err = %v, want ErrLate", err)
	}
	if _, err := c.WaitUntil(done, c.Deadline()); !errors.Is(err, context.Canceled) {
		t.Errorf("ended context, no answer: err = %v, want context.Canceled", err)
	}
	close(release)
	tr.wg.Wait()
}
