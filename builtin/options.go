package builtin

import (
	"errors"
	"io"
	"log/slog"
	"time"
)

// Option configures [Open] and [OpenFile].
type Option func(*config)

// config collects the options. The default path (no options) answers from
// the compiled-in snapshot and never touches the network; options that
// fetch fresher data add fields here.
type config struct {
	live   liveConfig // see WithLive
	logger *slog.Logger
	now    func() time.Time // the clock the staleness check reads; tests set it
	err    error            // the first invalid option
}

// StaleAfter is the age of the snapshot in use past which [Open] and
// [OpenFile] log a warning when live mode is off: the data's networks and
// countries drift, and an older answer is a worse one.
const StaleAfter = 120 * 24 * time.Hour

// WithLogger sets where the Source reports what its user should know: at
// Warn level, that the snapshot in use is older than [StaleAfter] while
// live mode is off (once, at Open). The default discards. A nil logger is
// an error.
func WithLogger(l *slog.Logger) Option {
	return func(c *config) {
		if l == nil {
			if c.err == nil {
				c.err = errors.New("builtin: WithLogger(nil)")
			}
			return
		}
		c.logger = l
	}
}

// discard is the default logger.
var discard = slog.New(slog.NewTextHandler(io.Discard, nil))
