package feed

import "time"

// SetEmptyRetry sets how soon a feed with no data retries, for a test, and
// returns a function that restores it.
func SetEmptyRetry(d time.Duration) (restore func()) {
	old := emptyRetry
	emptyRetry = d
	return func() { emptyRetry = old }
}
