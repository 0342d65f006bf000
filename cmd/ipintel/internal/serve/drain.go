package serve

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync/atomic"
	"time"
)

// Connections and shutdown.
//
// The server holds at most -max-conns connections (connLimiter), by
// default 4,096 or the open-file limit less fdReserve, whichever is
// lower, so it never runs out of descriptors; idle keep-alive
// connections are closed after -idle-timeout (30 s), and sooner, oldest
// first, when a new connection needs the room.
//
// On SIGTERM or SIGINT it drains (serveAndDrain): it stops accepting,
// answers every request from then on with "Connection: close", lets the
// requests in flight finish, and closes each connection once it has been
// idle for drainQuiet, so that a client that sends its next request on a
// keep-alive connection right after an answer gets it answered rather
// than cut off. It exits when no connection is left, or after the grace
// period, closing what remains. A second signal ends the process at once
// (cli.SignalContext restores the default action after the first).

const (
	// defaultMaxConns is -max-conns' ceiling when it is left at 0.
	defaultMaxConns = 4096
	// fdReserve is the descriptors kept out of -max-conns for everything
	// else the process opens (listener, data files, logs, poller).
	fdReserve = 64
	// drainQuiet is how long a connection must have been idle before the
	// drain closes it.
	drainQuiet = time.Second
	// drainGrace bounds the drain.
	drainGrace = 10 * time.Second
)

// connCap is the connection cap for a requested -max-conns (0: automatic)
// under the open-file limit (known: whether the platform reports one). It
// returns a note when it lowers an explicit request.
func connCap(requested int, limit uint64, known bool) (int, string, error) {
	if requested < 0 {
		return 0, "", errors.New("-max-conns must not be negative")
	}
	avail := defaultMaxConns
	if requested > 0 {
		avail = requested
	}
	if !known {
		return avail, "", nil
	}
	if limit < fdReserve+16 {
		return 0, "", fmt.Errorf("the open-file limit (%d) is too low to serve: raise it (ulimit -n) to at least %d", limit, fdReserve+16)
	}
	if max := limit - fdReserve; uint64(avail) > max {
		note := ""
		if requested > 0 {
			note = fmt.Sprintf("-max-conns %d lowered to %d: the open-file limit is %d", requested, max, limit)
		}
		return int(max), note, nil
	}
	return avail, "", nil
}

// closeWhenDraining answers with "Connection: close" once draining is set.
func closeWhenDraining(h http.Handler, draining *atomic.Bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if draining.Load() {
			w.Header().Set("Connection", "close")
		}
		h.ServeHTTP(w, r)
	})
}

// serveAndDrain serves on ln until ctx ends, then drains (see above).
func serveAndDrain(ctx context.Context, srv *http.Server, ln *connLimiter, draining *atomic.Bool, logger *slog.Logger, grace time.Duration) error {
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	open, _ := ln.stats()
	logger.Info("draining: accepting no more connections, finishing requests in flight; a second signal exits at once",
		"connections", open, "grace", grace)
	// Stop accepting first, so that no client is told to reconnect while
	// the listener still takes connections it will not serve.
	ln.Close()
	draining.Store(true)
	deadline := time.Now().Add(grace)
	tick := time.NewTicker(drainQuiet / 20)
	defer tick.Stop()
	for ln.closeIdle(drainQuiet) > 0 && time.Now().Before(deadline) {
		<-tick.C
	}
	// Nothing is left unless the grace ran out; Shutdown waits for the
	// rest until the deadline, then Close cuts them off.
	shutCtx, cancel := context.WithDeadline(context.Background(), deadline)
	defer cancel()
	if err := srv.Shutdown(shutCtx); err != nil {
		open, _ := ln.stats()
		srv.Close()
		<-errc
		return fmt.Errorf("drain: %d connections still busy after %s were closed: %w", open, grace, err)
	}
	<-errc // Serve has returned: its listener is closed
	logger.Info("drained")
	return nil
}
