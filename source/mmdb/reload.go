package mmdb

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"
)

// Reload opens the file again, checks it off to the side (metadata, the
// same database type, records that decode, nothing that looks poisoned)
// and swaps it in. When the new file is refused the loaded database stays
// and the reason is returned, passed to [WithOnReload] and kept as the
// LastError of [Source.Datasets]. Lookups never wait for a reload.
func (s *Source) Reload(ctx context.Context) error {
	return s.reload(ctx, false)
}

// reload loads the file again; when ifChanged, only if it differs from
// what the last attempt saw. The outcome is reported after the lock is
// released, so an OnReload callback may call back into the source.
func (s *Source) reload(ctx context.Context, ifChanged bool) error {
	if s.path == "" {
		return nil // opened from bytes: nothing to reload
	}
	tried, err := s.reloadLocked(ctx, ifChanged)
	if tried {
		s.report(err)
	}
	return err
}

func (s *Source) reloadLocked(ctx context.Context, ifChanged bool) (tried bool, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return false, errClosed
	}
	if err := ctx.Err(); err != nil {
		return false, err
	}
	if ifChanged {
		st, err := statFile(s.path)
		if err != nil {
			if s.attempted.fi == nil {
				return false, nil // already reported
			}
			s.attempted = fileState{}
			return true, fmt.Errorf("mmdb: reload %s: keeping the loaded database: %w", s.path, err)
		}
		if st.same(s.attempted) {
			return false, nil
		}
	}
	d, st, err := s.loadFile(ctx, s.cur.Load())
	s.attempted = st
	if err != nil {
		return true, fmt.Errorf("mmdb: reload %s: keeping the loaded database: %w", s.path, err)
	}
	// The old reader is not closed here: lookups may still be using it.
	// It is released (unmapped, or its buffer freed) by the runtime once
	// no lookup holds it; see Lookup's runtime.KeepAlive.
	s.cur.Store(d)
	return true, nil
}

// watch polls the file until Close.
func (s *Source) watch(ctx context.Context) {
	defer close(s.done)
	t := time.NewTicker(s.opts.watch)
	defer t.Stop()
	for {
		select {
		case <-s.stop:
			return
		case <-t.C:
			_ = s.reload(ctx, true) // reported through report
		}
	}
}

// errChanging is returned when the file changed while it was being read;
// the watcher tries again on its next tick.
var errChanging = errors.New("mmdb: file changed while it was being read")

// readFile reads the whole file, at most max bytes, checking ctx between
// chunks, and refuses a file that changed while it was read (a rewrite in
// place still in progress).
func readFile(ctx context.Context, path string, before fileState, max int64) ([]byte, error) {
	size := before.fi.Size()
	if size > max {
		return nil, fmt.Errorf("%w: %d bytes, limit %d", errTooLarge, size, max)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b := make([]byte, 0, size)
	buf := make([]byte, 1<<20)
	r := io.LimitReader(f, max+1)
	for {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		n, err := r.Read(buf)
		b = append(b, buf[:n]...)
		if int64(len(b)) > max {
			return nil, fmt.Errorf("%w: over %d bytes", errTooLarge, max)
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
	}
	after, err := statFile(path)
	if err != nil {
		return nil, err
	}
	if !after.same(before) || int64(len(b)) != size {
		return nil, errChanging
	}
	return b, nil
}
