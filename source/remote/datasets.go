package remote

import (
	"time"

	"github.com/ipintel/ipintel/source"
)

// States a hosted service can be in, as [Source.Datasets] reports them.
const (
	StateOK          = "ok"
	StateCircuitOpen = "circuit-open" // failing; calls are skipped until the cool-down ends
	StateHalfOpen    = "half-open"    // the cool-down ended; the next call probes
	StateRateLimited = "rate-limited" // the provider asked us to wait (429, Retry-After)
	StateClosed      = "closed"
)

// Datasets implements [source.DatasetReporter]: one entry, the hosted
// service, with the State its circuit breaker and rate-limit bookkeeping
// are in. The data itself is the provider's, asked per lookup, so it has
// no version, age or entry count. The last failure is counted by the
// Client (ipintel.SourceStats.LastError), not here.
func (s *Source) Datasets() []source.Dataset {
	return []source.Dataset{{
		Name:   s.api.name,
		Origin: source.OriginService,
		State:  s.state(s.now()),
	}}
}

// state says how the service looks from here at now.
func (s *Source) state(now time.Time) string {
	s.mu.RLock()
	closed := s.closed
	s.mu.RUnlock()
	if closed {
		return StateClosed
	}
	if b := s.breaker; b != nil {
		if st := b.state(now); st != StateOK {
			return st
		}
	}
	if now.UnixNano() < s.blockedUntil.Load() {
		return StateRateLimited
	}
	return StateOK
}

// state is the breaker's state at now.
func (b *breaker) state(now time.Time) string {
	b.mu.Lock()
	defer b.mu.Unlock()
	switch {
	case b.failures < b.threshold:
		return StateOK
	case now.Before(b.openUntil):
		return StateCircuitOpen
	}
	return StateHalfOpen
}
