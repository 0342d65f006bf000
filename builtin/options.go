package builtin

import (
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/ipintel/ipintel/source"
)

// Option configures [Open] and [OpenFile], which apply the options in order;
// one that cannot be used is an error wrapping [source.ErrInvalidOption]
// that names it and its value.
type Option func(*config) error

// config collects the options. The default path (no options) answers from
// the compiled-in snapshot and never touches the network; options that
// fetch fresher data add fields here.
type config struct {
	live   liveConfig // see WithLive
	logger *slog.Logger
	now    func() time.Time // the clock the staleness check reads; tests set it
}

// StaleAfter is the age of the snapshot in use past which [Open] and
// [OpenFile] log a warning when live mode is off: the data's networks and
// countries drift, and an older answer is a worse one.
const StaleAfter = 120 * 24 * time.Hour

// WithLogger sets where the Source reports what its user should know, at
// Warn level and once, at Open: that the snapshot in use is older than
// [StaleAfter] while live mode is off, or that live mode could not open
// some catalog feeds. The default discards. A nil logger is an error.
func WithLogger(l *slog.Logger) Option {
	return func(c *config) error {
		if l == nil {
			return fmt.Errorf("builtin: %w: WithLogger(nil)", source.ErrInvalidOption)
		}
		c.logger = l
		return nil
	}
}

// discard is the default logger.
var discard = slog.New(slog.NewTextHandler(io.Discard, nil))
