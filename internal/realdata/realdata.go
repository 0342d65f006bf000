// Package realdata locates the third-party data in ../shared/realdata for
// tests and benchmarks, and skips them cleanly where it is absent (a user's
// clone has no ../shared).
package realdata

import (
	"os"
	"path/filepath"
	"sync"
	"testing"
)

// EnvVar overrides where the data is looked for.
const EnvVar = "IPINTEL_REALDATA"

var (
	once sync.Once
	root string
)

// Root returns the realdata directory, or "" when it cannot be found. It is
// $IPINTEL_REALDATA when set, else shared/realdata beside the module root.
func Root() string {
	once.Do(func() {
		if dir := os.Getenv(EnvVar); dir != "" {
			root = dir
			return
		}
		dir, err := os.Getwd()
		if err != nil {
			return
		}
		for {
			if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
				cand := filepath.Join(dir, "..", "shared", "realdata")
				if fi, err := os.Stat(cand); err == nil && fi.IsDir() {
					root = cand
					return
				}
			}
			parent := filepath.Dir(dir)
			if parent == dir {
				return
			}
			dir = parent
		}
	})
	return root
}

// Path joins elem onto the realdata directory and returns it, skipping tb
// when the directory or the named file is absent.
func Path(tb testing.TB, elem ...string) string {
	tb.Helper()
	r := Root()
	if r == "" {
		tb.Skipf("real data not found (set %s or put shared/realdata beside the repository)", EnvVar)
	}
	p := filepath.Join(append([]string{r}, elem...)...)
	if _, err := os.Stat(p); err != nil {
		tb.Skipf("real data %s not available: %v", filepath.Join(elem...), err)
	}
	return p
}
