//go:build !unix

package serve

// fileLimit reports no open-file limit where the platform has none to read.
func fileLimit() (uint64, bool) { return 0, false }
