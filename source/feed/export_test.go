package feed

import "time"

// WithEmptyRetry sets how soon a feed with no data retries (a minute
// otherwise), for a test.
func WithEmptyRetry(d time.Duration) Option {
	return func(c *urlConfig) error {
		c.emptyRetry = d
		return nil
	}
}
