package remote

import (
	"context"
	"errors"
	"net/http"
	"net/netip"
	"testing"
	"time"

	"github.com/ipintel/ipintel"
	"github.com/ipintel/ipintel/internal/wire"
)

// WithRemoteTimeout caps the library's own remote sources, which state a
// deadline of their own (3 s): an API that takes 1.5 s is given up on at
// the cap, and the Client reports a timeout.
func TestClientRemoteTimeoutCapsRemoteSource(t *testing.T) {
	f := newFake(t, "vectraip")
	release := make(chan struct{})
	defer close(release)
	f.fault = func(w http.ResponseWriter, r *http.Request) bool {
		select { // a slow API: 1.5 s, or until the test ends
		case <-time.After(1500 * time.Millisecond):
		case <-release:
		case <-r.Context().Done():
		}
		writeJSON(w, 500, wire.VectraIPError{Detail: "late"})
		return true
	}
	src := newTestSource(t, f, WithRetries(0))
	if got := src.Describe().Timeout; got != DefaultTimeout {
		t.Fatalf("the source states %v, want its default %v", got, DefaultTimeout)
	}
	c, err := ipintel.New(ipintel.WithSources(src), ipintel.WithRemoteTimeout(100*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	start := time.Now()
	res, err := c.Lookup(context.Background(), "45.1.2.3")
	took := time.Since(start)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Meta.Errors) != 1 || !errors.Is(res.Meta.Errors[0], context.DeadlineExceeded) {
		t.Fatalf("Meta.Errors = %v, want the source's timeout", res.Meta.Errors)
	}
	// Generous: the point is that it did not wait for the 1.5 s answer.
	if took > time.Second {
		t.Errorf("the lookup took %v with a 100ms cap", took)
	}
	st := c.Stats().Sources[0]
	if st.Timeouts != 1 || st.Errors != 1 || !st.Remote || st.Latency.Count != 1 {
		t.Errorf("stats %+v, want one timed-out call", st)
	}
	if ds := st.Datasets; len(ds) != 1 || ds[0].State != StateOK {
		t.Errorf("datasets %+v", ds)
	}
}

// The Client counts a remote source's failures by kind: server errors,
// then the open circuit, through the source package's kinds.
func TestClientStatsCountRemoteKinds(t *testing.T) {
	f := newFake(t, "datpaq")
	f.fault = func(w http.ResponseWriter, r *http.Request) bool {
		writeJSON(w, 502, wire.DatpaqError{Error: "Bad gateway"})
		return true
	}
	src := newTestSource(t, f, WithRetries(0), WithCircuitBreaker(2, time.Hour))
	c, err := ipintel.New(ipintel.WithSources(src))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	for i := range 4 {
		if _, err := c.Lookup(context.Background(), netip.AddrFrom4([4]byte{45, 30, 0, byte(i)}).String()); err != nil {
			t.Fatal(err)
		}
	}
	st := c.Stats().Sources[0]
	if st.Calls != 4 || st.OtherErrors != 2 || st.CircuitOpen != 2 || st.Errors != 4 || !st.Failing {
		t.Errorf("stats %+v, want 2 server errors then 2 circuit-open", st)
	}
	if ds := st.Datasets; len(ds) != 1 || ds[0].State != StateCircuitOpen {
		t.Errorf("datasets %+v, want the circuit open", ds)
	}
}
