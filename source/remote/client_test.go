package remote

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/netip"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ipintel/ipintel"
	"github.com/ipintel/ipintel/internal/wire"
	"github.com/ipintel/ipintel/source"
)

// localSource is an in-memory source, as a local database would be.
type localSource map[netip.Addr]source.Record

func (localSource) Name() string { return "local" }

func (m localSource) Lookup(ctx context.Context, a netip.Addr) (source.Record, error) {
	return m[a], nil
}

// TestClientSurvivesRemoteFaults runs the whole Client with a local source
// and a remote one that misbehaves: the lookup still returns the local
// answer, the remote's error is in Meta.Errors, the key is nowhere, and
// once the remote recovers its answer appears (nothing wrong was cached).
func TestClientSurvivesRemoteFaults(t *testing.T) {
	addr := mustAddr("45.130.202.105")
	local := localSource{addr: {Geo: &source.Geo{CountryCode: "DE", City: "Frankfurt"},
		Signals: []source.Signal{{Kind: source.Hosting, Confidence: 90, Source: "local"}}}}
	stream := func(w http.ResponseWriter, r *http.Request) bool {
		w.WriteHeader(200)
		bw := bufio.NewWriter(w)
		chunk := bytes.Repeat([]byte("["), 32<<10)
		for n := 0; n < 1<<30; n += len(chunk) {
			if _, err := bw.Write(chunk); err != nil {
				break
			}
		}
		return true
	}
	faults := map[string]struct {
		fault func(w http.ResponseWriter, r *http.Request) bool
		want  error
	}{
		"slow": {func(w http.ResponseWriter, r *http.Request) bool { <-r.Context().Done(); return true }, context.DeadlineExceeded},
		"500": {func(w http.ResponseWriter, r *http.Request) bool {
			writeJSON(w, 500, wire.VectraIPError{Detail: "Internal Server Error"})
			return true
		}, source.ErrUnavailable},
		"garbage": {func(w http.ResponseWriter, r *http.Request) bool { writeJSON(w, 200, []byte("{{{{")); return true }, source.ErrMalformed},
		"truncated": {func(w http.ResponseWriter, r *http.Request) bool {
			conn, brw, _ := w.(http.Hijacker).Hijack()
			brw.WriteString("HTTP/1.1 200 OK\r\nContent-Length: 500\r\n\r\n{\"query\":")
			brw.Flush()
			conn.Close()
			return true
		}, source.ErrMalformed},
		"1GB body": {stream, source.ErrTooLarge},
		"reset":    {func(w http.ResponseWriter, r *http.Request) bool { hijackClose(w); return true }, source.ErrUnavailable},
		"401": {func(w http.ResponseWriter, r *http.Request) bool {
			writeJSON(w, 401, wire.VectraIPError{Detail: wire.RawText("bad key " + r.Header.Get("X-API-Key"))})
			return true
		}, ErrUnauthorized},
		"429": {func(w http.ResponseWriter, r *http.Request) bool {
			w.Header().Set("Retry-After", "0")
			writeJSON(w, 429, wire.VectraIPError{Detail: "Rate limit exceeded"})
			return true
		}, source.ErrRateLimited},
	}
	for name, tc := range faults {
		t.Run(name, func(t *testing.T) {
			f := newFake(t, "vectraip")
			var faulty atomic.Bool
			faulty.Store(true)
			f.fault = func(w http.ResponseWriter, r *http.Request) bool {
				if faulty.Load() {
					return tc.fault(w, r)
				}
				return false
			}
			remote := newTestSource(t, f, WithTimeout(500*time.Millisecond), WithRetries(1),
				WithMaxResponseSize(64<<10), WithCircuitBreaker(0, 0))
			c, err := ipintel.New(ipintel.WithSources(local, remote), ipintel.WithCache(100, time.Minute))
			require.NoError(t, err)
			defer c.Close()

			res, err := c.Lookup(context.Background(), addr.String())
			require.NoError(t, err)
			require.NotNil(t, res.Geo)
			assert.Equal(t, "DE", res.Geo.CountryCode, "the local answer")
			require.Len(t, res.Meta.Errors, 1)
			se := res.Meta.Errors[0]
			assert.Equal(t, "vectraip", se.Source)
			assert.ErrorIs(t, se, tc.want)
			noLeak(t, "Meta.Errors", se.Error())
			b, err := json.Marshal(res)
			require.NoError(t, err)
			noLeak(t, "Result JSON", string(b))

			// The remote recovers: its answer shows up, so neither the
			// source nor the Client cached the failure.
			faulty.Store(false)
			res, err = c.Lookup(context.Background(), addr.String())
			require.NoError(t, err)
			assert.Len(t, res.Meta.Errors, 0, "%v", res.Meta.Errors)
			assert.True(t, hasSignal(res.Signals, source.VPN, "vectraip"), "remote VPN signal missing after recovery: %+v", res.Signals)
			assert.Equal(t, "DE", res.Geo.CountryCode, "local data keeps priority as the first source")
		})
	}
}

func hasSignal(sigs []source.Signal, k source.Kind, src string) bool {
	for _, s := range sigs {
		if s.Kind == k && s.Source == src {
			return true
		}
	}
	return false
}

// TestClientBatchUsesChunks checks that the Client's batch engine hands the
// remote source chunks of 100, not single addresses.
func TestClientBatchUsesChunks(t *testing.T) {
	for _, kind := range []string{"vectraip", "datpaq"} {
		t.Run(kind, func(t *testing.T) {
			f := newFake(t, kind)
			remote := newTestSource(t, f)
			c, err := ipintel.New(ipintel.WithSources(localSource{}, remote))
			require.NoError(t, err)
			defer c.Close()
			ips := make([]string, 250)
			for i := range ips {
				ips[i] = netip.AddrFrom4([4]byte{45, 20, byte(i / 200), byte(i % 200)}).String()
			}
			b, err := c.LookupBatch(context.Background(), ips)
			require.NoError(t, err)
			require.Len(t, b.Items, 250)
			for _, it := range b.Items {
				require.True(t, it.Err == nil && it.Result != nil && it.Result.Meta.Found, "item %d: %v", it.Index, it.Err)
			}
			assert.Equal(t, int64(3), f.requests.Load(), "250 addresses in 3 requests")
		})
	}
}

func TestClientCircuitOpenInMetaErrors(t *testing.T) {
	f := newFake(t, "datpaq")
	f.fault = func(w http.ResponseWriter, r *http.Request) bool {
		writeJSON(w, 502, wire.DatpaqError{Error: "Bad gateway"})
		return true
	}
	remote := newTestSource(t, f, WithRetries(0), WithCircuitBreaker(2, time.Hour))
	c, err := ipintel.New(ipintel.WithSources(localSource{}, remote))
	require.NoError(t, err)
	defer c.Close()
	var last error
	for i := range 3 {
		res, err := c.Lookup(context.Background(), netip.AddrFrom4([4]byte{45, 30, 0, byte(i)}).String())
		require.NoError(t, err)
		require.Len(t, res.Meta.Errors, 1)
		last = res.Meta.Errors[0]
	}
	assert.ErrorIs(t, last, source.ErrCircuitOpen)
	assert.Equal(t, int64(2), f.requests.Load())
	assert.False(t, errors.Is(last, source.ErrUnavailable))
}
