package ipintel

import (
	"context"
	"iter"
	"sync"
)

// seqWindow is the most inputs LookupSeq answers together: enough to keep
// every worker busy, small enough that memory stays flat however long the
// input is.
const seqWindow = 1024

// LookupSeq answers a stream of addresses, such as the lines of a log or
// of a pipe that is still being written, in input order.
//
// It streams: each result is yielded as soon as it and every earlier one
// are answered, without waiting for more input. While the caller handles
// results, the input is read on in the background; whatever has arrived
// by the time the previous inputs are answered (up to 1024) is answered
// together as a batch (deduplicated, batching sources called per chunk, at
// most WithConcurrency goroutines). So a slow input gets each answer
// within microseconds of its line, a fast one full batches, and memory
// stays flat for any length of input: at most two windows of inputs are
// held.
//
// A bad input yields (nil, *AddrError) and the stream goes on. If ctx
// ends or the Client is closed, the sequence yields (nil, that error) once
// and stops — even while the input is blocked (an idle terminal or pipe),
// so a signal can interrupt it. Breaking out of the loop stops it at once.
//
// The input is read on a goroutine of its own. When LookupSeq returns,
// that goroutine reads no further: it ends as soon as the input yields its
// next value or ends. An input that blocks forever keeps it blocked, as
// it would keep any reader. A panic in the input is re-raised in the
// caller's goroutine.
func (c *Client) LookupSeq(ctx context.Context, ips iter.Seq[string]) iter.Seq2[*Result, error] {
	return func(yield func(*Result, error) bool) {
		in := newSeqInput()
		defer close(in.stop)
		go in.read(ips)

		var w window
		var batch []string
		errs := make([]error, 0, seqWindow)
		for {
			var done bool
			var err error
			batch, done, err = in.take(ctx, c.ctx, batch[:0])
			if err != nil {
				yield(nil, err)
				return
			}
			if len(batch) > 0 {
				if c.closed.Load() {
					yield(nil, errClientClosed)
					return
				}
				if err := ctx.Err(); err != nil {
					yield(nil, err)
					return
				}
				for _, s := range batch {
					errs = append(errs, w.add(c, s))
				}
				c.runJobs(ctx, w.jobs)
				for i := range w.jobOf {
					r, err := w.result(i, errs[i])
					if err != nil && !errorsIsAddr(err) {
						yield(nil, err) // the context ended part-way
						return
					}
					if !yield(r, err) {
						return
					}
				}
				w.reset()
				clear(errs)
				errs = errs[:0]
			}
			if done {
				return
			}
		}
	}
}

// seqInput hands the inputs read by the reading goroutine to LookupSeq, a
// window at a time. The reader waits only when a window is full; the taker
// only when nothing has arrived.
type seqInput struct {
	mu       sync.Mutex
	buf      []string
	done     bool // the input ended
	panicked bool
	panicV   any

	ready chan struct{} // signalled when buf becomes non-empty or done
	space chan struct{} // signalled when buf is emptied
	stop  chan struct{} // closed when LookupSeq returns
}

func newSeqInput() *seqInput {
	return &seqInput{
		buf:   make([]string, 0, seqWindow),
		ready: make(chan struct{}, 1),
		space: make(chan struct{}, 1),
		stop:  make(chan struct{}),
	}
}

func signal(ch chan struct{}) {
	select {
	case ch <- struct{}{}:
	default:
	}
}

// read runs the input, buffering what it yields, until it ends or LookupSeq
// returns.
func (in *seqInput) read(ips iter.Seq[string]) {
	defer func() {
		p := recover()
		in.mu.Lock()
		in.done = true
		if p != nil {
			in.panicked, in.panicV = true, p
		}
		in.mu.Unlock()
		signal(in.ready)
	}()
	for s := range ips {
		in.mu.Lock()
		for len(in.buf) >= seqWindow {
			in.mu.Unlock()
			select {
			case <-in.space:
			case <-in.stop:
				return
			}
			in.mu.Lock()
		}
		in.buf = append(in.buf, s)
		first := len(in.buf) == 1
		in.mu.Unlock()
		if first {
			signal(in.ready)
		}
		select {
		case <-in.stop:
			return
		default:
		}
	}
}

// take waits until some input has arrived or the input ended, and returns
// what has arrived (appended to into) and whether the input ended. It
// fails when ctx ends first, or with ErrClosed when closed (the Client's
// own context, cancelled by Close) ends first.
func (in *seqInput) take(ctx, closed context.Context, into []string) ([]string, bool, error) {
	for {
		in.mu.Lock()
		if len(in.buf) > 0 || in.done {
			got, done := in.buf, in.done
			in.buf = into
			panicked, p := in.panicked, in.panicV
			in.mu.Unlock()
			signal(in.space)
			if panicked {
				panic(p)
			}
			return got, done, nil
		}
		in.mu.Unlock()
		select {
		case <-in.ready:
		case <-ctx.Done():
			return into, false, ctx.Err()
		case <-closed.Done():
			return into, false, errClientClosed
		}
	}
}
