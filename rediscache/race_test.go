//go:build race

package rediscache_test

// raceEnabled: the race detector slows every process 5–10×, which turns
// the fleet test's count of upstream lookups into a measure of CPU
// starvation (store operations miss their 100 ms deadline and the fleet
// falls back to the API, as designed). CI runs it without -race.
const raceEnabled = true
