package remote

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/ipintel/ipintel/internal/wire"
	"github.com/ipintel/ipintel/source"
)

func datasetState(t *testing.T, s *Source) string {
	t.Helper()
	ds := s.Datasets()
	if len(ds) != 1 || ds[0].Origin != source.OriginService || ds[0].Name == "" {
		t.Fatalf("Datasets = %+v, want one service entry", ds)
	}
	return ds[0].State
}

func TestDatasetsBreakerState(t *testing.T) {
	f := newFake(t, "datpaq")
	f.fault = func(w http.ResponseWriter, r *http.Request) bool {
		writeJSON(w, 500, wire.DatpaqError{Error: "INTERNAL_ERROR"})
		return true
	}
	now := time.Now()
	s := newTestSource(t, f, WithRetries(0), WithCircuitBreaker(2, time.Minute))
	s.now = func() time.Time { return now }
	var _ source.DatasetReporter = s
	if st := datasetState(t, s); st != StateOK {
		t.Fatalf("new source: state %q", st)
	}
	for range 2 {
		s.Lookup(context.Background(), mustAddr("45.1.1.1"))
	}
	if st := datasetState(t, s); st != StateCircuitOpen {
		t.Errorf("after 2 failures: state %q, want %q", st, StateCircuitOpen)
	}
	now = now.Add(61 * time.Second)
	if st := datasetState(t, s); st != StateHalfOpen {
		t.Errorf("after the cool-down: state %q, want %q", st, StateHalfOpen)
	}
	f.fault = nil
	if _, err := s.Lookup(context.Background(), mustAddr("45.1.1.1")); err != nil {
		t.Fatal(err)
	}
	if st := datasetState(t, s); st != StateOK {
		t.Errorf("after a good probe: state %q", st)
	}
	s.Close()
	if st := datasetState(t, s); st != StateClosed {
		t.Errorf("after Close: state %q", st)
	}
}

func TestDatasetsRateLimited(t *testing.T) {
	f := newFake(t, "vectraip")
	f.fault = func(w http.ResponseWriter, r *http.Request) bool {
		w.Header().Set("Retry-After", "120")
		writeJSON(w, 429, wire.VectraIPError{Detail: "Rate limit exceeded"})
		return true
	}
	s := newTestSource(t, f, WithRetries(0))
	_, err := s.Lookup(context.Background(), mustAddr("45.1.1.1"))
	if !errors.Is(err, errRateLimited) || !errors.Is(err, source.ErrRateLimited) {
		t.Fatalf("error %v: want remote's rate-limited error, wrapping source.ErrRateLimited", err)
	}
	if st := datasetState(t, s); st != StateRateLimited {
		t.Errorf("state %q, want %q", st, StateRateLimited)
	}
}

func TestCircuitOpenIsSourceKind(t *testing.T) {
	if !errors.Is(errCircuitOpen, source.ErrCircuitOpen) || errCircuitOpen.Error() != "remote: circuit open, source skipped" {
		t.Errorf("errCircuitOpen = %q, does not wrap source.ErrCircuitOpen", errCircuitOpen)
	}
}
