package remote

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ipintel/ipintel/internal/wire"
	"github.com/ipintel/ipintel/source"
)

// hijackClose drops the connection without an answer: a reset.
func hijackClose(w http.ResponseWriter) {
	conn, _, err := w.(http.Hijacker).Hijack()
	if err == nil {
		if tc, ok := conn.(interface{ SetLinger(int) error }); ok {
			tc.SetLinger(0) // RST rather than FIN
		}
		conn.Close()
	}
}

// noLeak fails if the key or its distinctive middle shows up in text.
func noLeak(t *testing.T, what, text string) {
	t.Helper()
	for _, s := range []string{testKey, "s3cr3t-K3Y"} {
		if strings.Contains(text, s) {
			t.Errorf("%s leaks the API key: %q", what, text)
		}
	}
}

func logCapture() (*slog.Logger, *bytes.Buffer) {
	var buf bytes.Buffer // slog's handlers serialise their writes
	return slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug})), &buf
}

func TestKeyNeverLeaks(t *testing.T) {
	cases := map[string]struct {
		kind  string
		fault func(w http.ResponseWriter, r *http.Request) bool
		want  error
	}{
		"401 echoing the key": {"vectraip", func(w http.ResponseWriter, r *http.Request) bool {
			writeJSON(w, 401, wire.VectraIPError{Detail: wire.RawText("Invalid API key: " + r.Header.Get("X-API-Key"))})
			return true
		}, ErrUnauthorized},
		"403 quota, bearer echoed": {"vpnsignal", func(w http.ResponseWriter, r *http.Request) bool {
			writeJSON(w, 403, wire.VPNSignalError{Error: "forbidden", Message: wire.RawText("key " + r.Header.Get("Authorization") + " is over quota")})
			return true
		}, ErrForbidden},
		"500 with key in correlation id": {"datpaq", func(w http.ResponseWriter, r *http.Request) bool {
			writeJSON(w, 500, wire.DatpaqError{Error: "INTERNAL_ERROR", CorrelationID: wire.Text(strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer "))})
			return true
		}, source.ErrUnavailable},
		"connection reset": {"vectraip", func(w http.ResponseWriter, r *http.Request) bool {
			hijackClose(w)
			return true
		}, source.ErrUnavailable},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			f := newFake(t, tc.kind)
			f.fault = tc.fault
			log, buf := logCapture()
			s := newTestSource(t, f, WithLogger(log), WithRetries(1))
			_, err := s.Lookup(context.Background(), mustAddr("45.1.1.1"))
			require.ErrorIs(t, err, tc.want)
			noLeak(t, "error", err.Error())
			require.True(t, strings.Contains(buf.String(), "remote: request"), "nothing was logged: %q", buf.String())
			noLeak(t, "log", buf.String())
			var se *StatusError
			if errors.As(err, &se) {
				noLeak(t, "StatusError", se.Message+se.Code+se.RequestID)
			}
		})
	}
}

// A key in a base URL path (a misconfiguration) still stays out of errors:
// connection errors name only the request path, never the URL.
func TestKeyNotInConnectionErrors(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	base := srv.URL
	srv.Close() // connection refused from now on
	log, buf := logCapture()
	for _, ctor := range []func(string, ...Option) (*Source, error){VectraIP, VPNSignal, Datpaq} {
		s, err := ctor(testKey, WithBaseURL(base+"/"+testKey), WithRetries(0), WithLogger(log))
		require.NoError(t, err)
		_, err = s.Lookup(context.Background(), mustAddr("45.1.1.1"))
		require.ErrorIs(t, err, source.ErrUnavailable)
		noLeak(t, "error", err.Error())
		_, err = s.LookupBatch(context.Background(), []netip.Addr{mustAddr("45.1.1.1"), mustAddr("45.1.1.2")})
		require.True(t, err != nil)
		noLeak(t, "batch error", err.Error())
		s.Close()
	}
	noLeak(t, "log", buf.String())
}

func TestRedirectNotFollowed(t *testing.T) {
	var stolen atomic.Int64
	thief := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for _, h := range []string{"X-API-Key", "Authorization"} {
			if strings.Contains(r.Header.Get(h), testKey) {
				stolen.Add(1)
			}
		}
		writeJSON(w, 200, []byte(`{}`))
	}))
	defer thief.Close()
	for _, kind := range kinds {
		f := newFake(t, kind)
		f.fault = func(w http.ResponseWriter, r *http.Request) bool {
			http.Redirect(w, r, thief.URL+"/steal?k="+testKey, http.StatusTemporaryRedirect)
			return true
		}
		s := newTestSource(t, f, WithHTTPClient(&http.Client{}))
		_, err := s.Lookup(context.Background(), mustAddr("45.1.1.1"))
		require.ErrorIs(t, err, source.ErrUnavailable, kind)
		noLeak(t, "error", err.Error())
	}
	assert.Zero(t, stolen.Load(), "key sent to the redirect target")
}

func TestServerErrorsRetried(t *testing.T) {
	f := newFake(t, "vectraip")
	f.fault = func(w http.ResponseWriter, r *http.Request) bool {
		writeJSON(w, 503, wire.VectraIPError{Detail: "upstream down"})
		return true
	}
	s := newTestSource(t, f, WithRetries(2), WithCircuitBreaker(0, 0))
	_, err := s.Lookup(context.Background(), mustAddr("45.1.1.1"))
	require.ErrorIs(t, err, source.ErrUnavailable)
	var se *StatusError
	require.ErrorAs(t, err, &se)
	assert.Equal(t, 503, se.Status)
	assert.Equal(t, "upstream down", se.Message)
	assert.Equal(t, int64(3), f.requests.Load(), "one try and two retries")

	// Errors are not cached: once the API recovers, the next lookup asks.
	f.fault = nil
	rec, err := s.Lookup(context.Background(), mustAddr("45.1.1.1"))
	require.NoError(t, err)
	assert.False(t, rec.IsZero())
	assert.Equal(t, int64(4), f.requests.Load())
}

func TestClientErrorsNotRetried(t *testing.T) {
	for status, want := range map[int]error{400: source.ErrInvalidInput, 401: ErrUnauthorized, 403: ErrForbidden, 422: source.ErrInvalidInput} {
		f := newFake(t, "vpnsignal")
		f.fault = func(w http.ResponseWriter, r *http.Request) bool {
			writeJSON(w, status, wire.VPNSignalError{Error: "some_code", Message: "no"})
			return true
		}
		s := newTestSource(t, f, WithRetries(3))
		_, err := s.Lookup(context.Background(), mustAddr("45.1.1.1"))
		require.ErrorIs(t, err, want)
		var se *StatusError
		require.ErrorAs(t, err, &se)
		assert.Equal(t, "some_code", se.Code)
		assert.Equal(t, int64(1), f.requests.Load())
	}
}

func TestSlowPastDeadline(t *testing.T) {
	for _, kind := range kinds {
		f := newFake(t, kind)
		f.fault = func(w http.ResponseWriter, r *http.Request) bool {
			<-r.Context().Done() // never answers in time
			return true
		}
		s := newTestSource(t, f, WithRetries(3))
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		_, err := s.Lookup(ctx, mustAddr("45.1.1.1"))
		cancel()
		require.ErrorIs(t, err, context.DeadlineExceeded, kind)
		// The source's own timeout applies without a caller deadline.
		s2 := newTestSource(t, f, WithTimeout(50*time.Millisecond), WithCache(0, 0))
		_, err = s2.LookupBatch(context.Background(), []netip.Addr{mustAddr("45.1.1.2"), mustAddr("45.1.1.3")})
		require.ErrorIs(t, err, context.DeadlineExceeded, kind)
		_, err = s2.Lookup(context.Background(), mustAddr("45.1.1.4"))
		require.ErrorIs(t, err, context.DeadlineExceeded, kind)
	}
}

// Only the source's own timeout counts against the provider: a caller's
// shorter deadline (the middleware's 50 ms, say) running out says nothing
// about the provider's health, and must not open the circuit for every
// other caller.
func TestBreakerIgnoresCallerDeadline(t *testing.T) {
	f := newFake(t, "vectraip")
	var slow atomic.Bool
	slow.Store(true)
	f.fault = func(w http.ResponseWriter, r *http.Request) bool {
		if !slow.Load() {
			return false
		}
		<-r.Context().Done()
		return true
	}
	s := newTestSource(t, f, WithRetries(0), WithCircuitBreaker(1, time.Hour), WithTimeout(time.Hour), WithCache(0, 0))
	for _, a := range []string{"45.1.1.1", "45.1.1.2"} {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
		_, err := s.Lookup(ctx, mustAddr(a))
		cancel()
		require.ErrorIs(t, err, context.DeadlineExceeded)
		_, err = s.LookupBatch(func() context.Context {
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
			t.Cleanup(cancel)
			return ctx
		}(), []netip.Addr{mustAddr("45.1.2.1"), mustAddr("45.1.2.2")})
		require.ErrorIs(t, err, context.DeadlineExceeded)
	}
	slow.Store(false)
	_, err := s.Lookup(context.Background(), mustAddr("45.1.1.3"))
	require.NoError(t, err, "a caller's deadline opened the circuit")

	// The source's own timeout does count.
	slow.Store(true)
	s2 := newTestSource(t, f, WithRetries(0), WithCircuitBreaker(1, time.Hour), WithTimeout(20*time.Millisecond), WithCache(0, 0))
	_, err = s2.Lookup(context.Background(), mustAddr("45.1.1.4"))
	require.ErrorIs(t, err, context.DeadlineExceeded)
	slow.Store(false)
	_, err = s2.Lookup(context.Background(), mustAddr("45.1.1.5"))
	require.ErrorIs(t, err, source.ErrCircuitOpen)
}

// A batch answer that reports an address as failed, or leaves it out, is
// a miss for that call but is not cached: errors are never cached, and the
// next lookup asks again.
func TestBatchItemFailuresNotCached(t *testing.T) {
	a, b := mustAddr("45.1.3.1"), mustAddr("45.1.3.2")
	faults := map[string]func(w http.ResponseWriter, r *http.Request) bool{
		"vectraip": func(w http.ResponseWriter, r *http.Request) bool {
			if r.Method != http.MethodPost {
				return false
			}
			writeJSON(w, 200, wire.VectraIPBatchResponse{
				Results:   []wire.VectraIPResponse{synthVectra(a)},
				Processed: 1,
				Errors:    1,
			})
			return true
		},
		"vectraip, left out": func(w http.ResponseWriter, r *http.Request) bool {
			if r.Method != http.MethodPost {
				return false
			}
			writeJSON(w, 200, wire.VectraIPBatchResponse{Results: []wire.VectraIPResponse{synthVectra(a)}})
			return true
		},
		"datpaq": func(w http.ResponseWriter, r *http.Request) bool {
			if r.Method != http.MethodPost {
				return false
			}
			ts := wire.Int(40)
			var resp wire.DatpaqBatchResponse
			resp.Data.Results = []wire.DatpaqBatchItem{
				{Index: 0, DatpaqIntel: wire.DatpaqIntel{IP: wire.Text(a.String()), TrustScore: &ts, IsVPN: true}, Found: true},
				{Index: 1, DatpaqIntel: wire.DatpaqIntel{IP: wire.Text(b.String())}, Error: true, Reason: "lookup did not finish"},
			}
			writeJSON(w, 200, resp)
			return true
		},
	}
	for name, fault := range faults {
		t.Run(name, func(t *testing.T) {
			kind, _, _ := strings.Cut(name, ",")
			f := newFake(t, kind)
			f.fault = fault
			s := newTestSource(t, f, WithRetries(0))
			recs, err := s.LookupBatch(context.Background(), []netip.Addr{a, b})
			require.NoError(t, err)
			require.False(t, recs[0].IsZero())
			require.True(t, recs[1].IsZero())

			f.fault = nil
			recs, err = s.LookupBatch(context.Background(), []netip.Addr{a, b})
			require.NoError(t, err)
			assert.False(t, recs[1].IsZero(), "the failed address was answered from the cache")
			assert.Equal(t, int64(2), f.requests.Load())
		})
	}
}

// A 404 means "not in our data" for one address, never for a batch, whose
// answer lists addresses one by one: a 404 there (a wrong base path, an
// endpoint the deployment lacks) is an error, not a batch of misses.
func TestBatch404IsAnError(t *testing.T) {
	for _, kind := range []string{"vectraip", "datpaq"} {
		t.Run(kind, func(t *testing.T) {
			f := newFake(t, kind)
			f.fault = func(w http.ResponseWriter, r *http.Request) bool {
				if r.Method != http.MethodPost {
					return false
				}
				if kind == "vectraip" {
					writeJSON(w, 404, wire.VectraIPError{Detail: "Not Found"})
				} else {
					writeJSON(w, 404, wire.DatpaqError{Error: "NOT_FOUND"})
				}
				return true
			}
			s := newTestSource(t, f, WithRetries(0))
			_, err := s.LookupBatch(context.Background(), []netip.Addr{mustAddr("45.1.4.1"), mustAddr("45.1.4.2")})
			require.ErrorIs(t, err, source.ErrUnavailable)
		})
	}
}

func TestGarbageAndTruncatedBodies(t *testing.T) {
	cases := map[string]func(w http.ResponseWriter, r *http.Request) bool{
		"garbage": func(w http.ResponseWriter, r *http.Request) bool {
			writeJSON(w, 200, []byte("<html>definitely not json"))
			return true
		},
		"wrong shape": func(w http.ResponseWriter, r *http.Request) bool {
			writeJSON(w, 200, []byte(`{"query": "not an object", "privacy": []}`))
			return true
		},
		"another address": func(w http.ResponseWriter, r *http.Request) bool {
			b, _ := json.Marshal(synthVectra(mustAddr("45.99.99.99")))
			writeJSON(w, 200, b)
			return true
		},
		"truncated": func(w http.ResponseWriter, r *http.Request) bool {
			conn, brw, _ := w.(http.Hijacker).Hijack()
			defer conn.Close()
			brw.WriteString("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"query\": {\"ip\": \"45.")
			brw.Flush()
			return true
		},
		"truncated JSON, honest length": func(w http.ResponseWriter, r *http.Request) bool {
			writeJSON(w, 200, []byte(`{"query": {"ip": "45.1.1.1"}, "privacy": {"is_vpn": tr`))
			return true
		},
	}
	for name, fault := range cases {
		t.Run(name, func(t *testing.T) {
			f := newFake(t, "vectraip")
			f.fault = fault
			s := newTestSource(t, f, WithRetries(1))
			_, err := s.Lookup(context.Background(), mustAddr("45.1.1.1"))
			require.ErrorIs(t, err, source.ErrMalformed)
			// Nothing was cached.
			f.fault = nil
			rec, err := s.Lookup(context.Background(), mustAddr("45.1.1.1"))
			require.NoError(t, err)
			assert.False(t, rec.IsZero())
		})
	}
}

// A 1 GB body, generated on the fly, is cut off at the size limit without
// being buffered.
func TestHugeStreamingBody(t *testing.T) {
	const gig = 1 << 30
	var written atomic.Int64
	f := newFake(t, "datpaq")
	f.fault = func(w http.ResponseWriter, r *http.Request) bool {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", "1073741824")
		w.WriteHeader(200)
		bw := bufio.NewWriterSize(w, 64<<10)
		chunk := bytes.Repeat([]byte(" "), 64<<10)
		for n := 0; n < gig; n += len(chunk) {
			if _, err := bw.Write(chunk); err != nil {
				return true // the client hung up
			}
			written.Add(int64(len(chunk)))
		}
		bw.Flush()
		return true
	}
	s := newTestSource(t, f, WithMaxResponseSize(1<<20))
	_, err := s.Lookup(context.Background(), mustAddr("45.1.1.1"))
	require.ErrorIs(t, err, source.ErrTooLarge)
	assert.True(t, written.Load() < gig, "the server wrote the whole gigabyte")
	_, err = s.LookupBatch(context.Background(), []netip.Addr{mustAddr("45.1.1.2"), mustAddr("45.1.1.3")})
	require.ErrorIs(t, err, source.ErrTooLarge)
}

func TestConnectionResetRetried(t *testing.T) {
	f := newFake(t, "vpnsignal")
	var n atomic.Int64
	f.fault = func(w http.ResponseWriter, r *http.Request) bool {
		if n.Add(1) == 1 {
			hijackClose(w)
			return true
		}
		return false
	}
	s := newTestSource(t, f, WithRetries(1))
	rec, err := s.Lookup(context.Background(), mustAddr("45.1.1.1"))
	require.NoError(t, err)
	assert.False(t, rec.IsZero())
	assert.Equal(t, int64(2), f.requests.Load())

	// Always reset: the error says transport.
	f.fault = func(w http.ResponseWriter, r *http.Request) bool { hijackClose(w); return true }
	_, err = s.Lookup(context.Background(), mustAddr("45.1.1.2"))
	require.ErrorIs(t, err, source.ErrUnavailable)
}

func Test429ThenSuccess(t *testing.T) {
	for _, kind := range kinds {
		t.Run(kind, func(t *testing.T) {
			f := newFake(t, kind)
			var n atomic.Int64
			f.fault = func(w http.ResponseWriter, r *http.Request) bool {
				if n.Add(1) == 1 {
					w.Header().Set("Retry-After", "0")
					writeJSON(w, 429, wire.VPNSignalError{Error: "rate_limit_exceeded", Message: "Too many requests"})
					return true
				}
				return false
			}
			s := newTestSource(t, f, WithRetries(1))
			rec, err := s.Lookup(context.Background(), mustAddr("45.1.1.1"))
			require.NoError(t, err)
			assert.False(t, rec.IsZero())
			assert.Equal(t, int64(2), f.requests.Load())
		})
	}
}

// A 429 with no Retry-After holds the source for a second; the request's own
// retry waits that second too rather than going out after the short
// back-off, so with a shorter deadline it is not retried at all.
func Test429WithoutHintRetryWaitsTheHold(t *testing.T) {
	f := newFake(t, "vectraip")
	var n atomic.Int64
	f.fault = func(w http.ResponseWriter, r *http.Request) bool {
		if n.Add(1) == 1 {
			writeJSON(w, 429, wire.VectraIPError{Detail: "Rate limit exceeded"})
			return true
		}
		return false
	}
	s := newTestSource(t, f, WithRetries(3), WithTimeout(500*time.Millisecond))
	_, err := s.Lookup(context.Background(), mustAddr("45.1.1.1"))
	require.ErrorIs(t, err, source.ErrRateLimited)
	assert.Equal(t, int64(1), f.requests.Load(), "retried inside the source's own one-second hold")
}

func Test429RetryAfterHonoured(t *testing.T) {
	for name, hdr := range map[string]func(now time.Time) string{
		"seconds":   func(time.Time) string { return "120" },
		"HTTP date": func(now time.Time) string { return now.Add(120 * time.Second).UTC().Format(http.TimeFormat) },
	} {
		t.Run(name, func(t *testing.T) {
			f := newFake(t, "vectraip")
			now := time.Now()
			f.fault = func(w http.ResponseWriter, r *http.Request) bool {
				w.Header().Set("Retry-After", hdr(now))
				writeJSON(w, 429, wire.VectraIPError{Detail: "Rate limit exceeded"})
				return true
			}
			s := newTestSource(t, f, WithRetries(3))
			s.now = func() time.Time { return now }
			_, err := s.Lookup(context.Background(), mustAddr("45.1.1.1"))
			require.ErrorIs(t, err, source.ErrRateLimited)
			var se *StatusError
			require.ErrorAs(t, err, &se)
			assert.True(t, se.RetryAfter > 118*time.Second && se.RetryAfter <= 120*time.Second, "RetryAfter %v", se.RetryAfter)
			assert.False(t, se.NotSent)
			assert.Equal(t, int64(1), f.requests.Load(), "a wait past the deadline is not retried")

			// Until the wait is over nothing is sent, and nothing cached.
			f.fault = nil
			_, err = s.Lookup(context.Background(), mustAddr("45.1.1.1"))
			require.ErrorAs(t, err, &se)
			assert.True(t, se.NotSent)
			_, err = s.LookupBatch(context.Background(), []netip.Addr{mustAddr("45.1.1.2"), mustAddr("45.1.1.3")})
			require.ErrorIs(t, err, source.ErrRateLimited)
			assert.Equal(t, int64(1), f.requests.Load())

			now = now.Add(121 * time.Second)
			rec, err := s.Lookup(context.Background(), mustAddr("45.1.1.1"))
			require.NoError(t, err)
			assert.False(t, rec.IsZero())
		})
	}
}

func TestVPNSignalRetryAfterInBody(t *testing.T) {
	f := newFake(t, "vpnsignal")
	f.fault = func(w http.ResponseWriter, r *http.Request) bool {
		writeJSON(w, 429, wire.VPNSignalError{Error: "rate_limit_exceeded", Message: "Daily request limit exceeded", RetryAfter: 3600})
		return true
	}
	s := newTestSource(t, f)
	_, err := s.Lookup(context.Background(), mustAddr("45.1.1.1"))
	var se *StatusError
	require.ErrorAs(t, err, &se)
	assert.Equal(t, time.Hour, se.RetryAfter)
	assert.Equal(t, "rate_limit_exceeded", se.Code)
}

func TestRateLimitHeaders(t *testing.T) {
	f := newFake(t, "vpnsignal")
	now := time.Now()
	f.fault = func(w http.ResponseWriter, r *http.Request) bool {
		w.Header().Set(wire.RateLimitRemaining, "0")
		w.Header().Set(wire.RateLimitReset, "30")
		return false
	}
	s := newTestSource(t, f)
	s.now = func() time.Time { return now }
	_, err := s.Lookup(context.Background(), mustAddr("45.1.1.1"))
	require.NoError(t, err, "the answer that used the last request is fine")
	_, err = s.Lookup(context.Background(), mustAddr("45.1.1.2"))
	require.ErrorIs(t, err, source.ErrRateLimited)
	assert.Equal(t, int64(1), f.requests.Load())
	now = now.Add(31 * time.Second)
	_, err = s.Lookup(context.Background(), mustAddr("45.1.1.2"))
	require.NoError(t, err)
}

func TestLocalRateLimit(t *testing.T) {
	f := newFake(t, "vpnsignal")
	s := newTestSource(t, f, WithRateLimit(0.001, 2)) // two now, the next in ~17 minutes
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	for _, a := range []string{"45.1.1.1", "45.1.1.2"} {
		_, err := s.Lookup(ctx, mustAddr(a))
		require.NoError(t, err)
	}
	_, err := s.Lookup(ctx, mustAddr("45.1.1.3"))
	require.ErrorIs(t, err, source.ErrRateLimited)
	assert.Equal(t, int64(2), f.requests.Load())
}

func TestCircuitBreaker(t *testing.T) {
	f := newFake(t, "datpaq")
	f.fault = func(w http.ResponseWriter, r *http.Request) bool {
		writeJSON(w, 500, wire.DatpaqError{Error: "INTERNAL_ERROR"})
		return true
	}
	now := time.Now()
	log, buf := logCapture()
	s := newTestSource(t, f, WithRetries(0), WithCircuitBreaker(3, time.Minute), WithLogger(log))
	s.now = func() time.Time { return now }
	for i := range 3 {
		_, err := s.Lookup(context.Background(), netip.AddrFrom4([4]byte{45, 1, 1, byte(i)}))
		require.ErrorIs(t, err, source.ErrUnavailable)
	}
	_, err := s.Lookup(context.Background(), mustAddr("45.1.1.9"))
	require.ErrorIs(t, err, source.ErrCircuitOpen)
	assert.True(t, strings.Contains(err.Error(), "1m0s"), "error says how long: %v", err)
	assert.Equal(t, int64(3), f.requests.Load(), "an open circuit sends nothing")
	assert.True(t, strings.Contains(buf.String(), "circuit opened"))

	// After the cool-down one probe goes out; it fails, so the circuit
	// opens again.
	now = now.Add(61 * time.Second)
	_, err = s.Lookup(context.Background(), mustAddr("45.1.1.9"))
	require.ErrorIs(t, err, source.ErrUnavailable)
	_, err = s.Lookup(context.Background(), mustAddr("45.1.1.9"))
	require.ErrorIs(t, err, source.ErrCircuitOpen)
	assert.Equal(t, int64(4), f.requests.Load())

	// The next probe succeeds and closes it.
	f.fault = nil
	now = now.Add(61 * time.Second)
	for _, a := range []string{"45.1.1.9", "45.1.1.10"} {
		_, err = s.Lookup(context.Background(), mustAddr(a))
		require.NoError(t, err)
	}
}

func TestBreakerIgnoresCallerErrors(t *testing.T) {
	f := newFake(t, "vectraip")
	f.fault = func(w http.ResponseWriter, r *http.Request) bool {
		writeJSON(w, 400, wire.VectraIPError{Detail: "bad"})
		return true
	}
	s := newTestSource(t, f, WithRetries(0), WithCircuitBreaker(2, time.Minute))
	for i := range 5 {
		_, err := s.Lookup(context.Background(), netip.AddrFrom4([4]byte{45, 1, 1, byte(i)}))
		require.ErrorIs(t, err, source.ErrInvalidInput)
	}
}

// A request let through while the circuit was closed, and ending without an
// outcome after the circuit opened (its caller gave up), must not free the
// half-open probe slot: while the probe is out, nothing else is sent.
func TestBreakerOneProbeAtATime(t *testing.T) {
	f := newFake(t, "vectraip")
	slowStarted, probeStarted, releaseProbe := make(chan struct{}), make(chan struct{}), make(chan struct{})
	var others atomic.Int64
	f.fault = func(w http.ResponseWriter, r *http.Request) bool {
		switch {
		case r.Method == http.MethodPost: // the slow batch, cancelled by its caller
			close(slowStarted)
			<-r.Context().Done()
		case strings.HasSuffix(r.URL.Path, "/45.1.1.2"): // opens the circuit
			writeJSON(w, 500, wire.VectraIPError{Detail: "boom"})
		case strings.HasSuffix(r.URL.Path, "/45.1.1.3"): // the probe
			close(probeStarted)
			select {
			case <-releaseProbe:
			case <-r.Context().Done():
			}
			return false
		default:
			others.Add(1)
			return false
		}
		return true
	}
	now := time.Now()
	var mu sync.Mutex
	s := newTestSource(t, f, WithRetries(0), WithCircuitBreaker(1, time.Minute), WithCache(0, 0))
	defer func() {
		select {
		case <-releaseProbe:
		default:
			close(releaseProbe) // on failure, let the probe end so Close returns
		}
	}()
	s.now = func() time.Time { mu.Lock(); defer mu.Unlock(); return now }

	ctx, cancel := context.WithCancel(context.Background())
	slowDone := make(chan error, 1)
	go func() {
		_, err := s.LookupBatch(ctx, []netip.Addr{mustAddr("45.1.1.10"), mustAddr("45.1.1.11")})
		slowDone <- err
	}()
	<-slowStarted
	_, err := s.Lookup(context.Background(), mustAddr("45.1.1.2"))
	require.ErrorIs(t, err, source.ErrUnavailable)

	mu.Lock()
	now = now.Add(61 * time.Second)
	mu.Unlock()
	probeDone := make(chan error, 1)
	go func() {
		_, err := s.Lookup(context.Background(), mustAddr("45.1.1.3"))
		probeDone <- err
	}()
	<-probeStarted
	cancel()
	require.ErrorIs(t, <-slowDone, context.Canceled)

	_, err = s.Lookup(context.Background(), mustAddr("45.1.1.4"))
	require.ErrorIs(t, err, source.ErrCircuitOpen, "a second probe went out while the first was in flight")
	assert.Zero(t, others.Load())

	close(releaseProbe)
	require.NoError(t, <-probeDone)
	_, err = s.Lookup(context.Background(), mustAddr("45.1.1.4"))
	require.NoError(t, err, "the probe's success closes the circuit")
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 5, 25, 14, 0, 0, 0, time.UTC)
	for in, want := range map[string]time.Duration{
		"": 0, "0": 0, "-5": 0, "7": 7 * time.Second, "abc": 0, "99999999999": 24 * time.Hour,
		"Mon, 25 May 2026 14:00:30 GMT": 30 * time.Second,
		"Mon, 25 May 2026 13:00:00 GMT": 0,
	} {
		assert.Equal(t, want, parseRetryAfter(in, now), in)
	}
}

func TestBackoffBounds(t *testing.T) {
	for attempt := range 10 {
		for range 50 {
			d := backoff(attempt)
			if d < backoffBase/2 || d > backoffMax {
				t.Fatalf("backoff(%d) = %v", attempt, d)
			}
		}
	}
}

func TestScrub(t *testing.T) {
	assert.Equal(t, "a [redacted] b", scrub("a K3Y b", "K3Y", 0))
	assert.Equal(t, "x y", scrub("x\ny", "", 0))
	assert.Equal(t, "ab…", scrub("abcdef", "", 2))
	assert.Equal(t, "…", scrub("é", "", 1))
}

// Malformed answers count against the provider: a stream of garbage opens
// the circuit like a stream of 500s.
func TestGarbageOpensCircuit(t *testing.T) {
	f := newFake(t, "vectraip")
	f.fault = func(w http.ResponseWriter, r *http.Request) bool {
		writeJSON(w, 200, []byte("garbage"))
		return true
	}
	s := newTestSource(t, f, WithRetries(0), WithCircuitBreaker(2, time.Hour))
	for i := range 2 {
		_, err := s.Lookup(context.Background(), netip.AddrFrom4([4]byte{45, 1, 1, byte(i)}))
		require.ErrorIs(t, err, source.ErrMalformed)
	}
	_, err := s.LookupBatch(context.Background(), []netip.Addr{mustAddr("45.1.2.1"), mustAddr("45.1.2.2")})
	require.ErrorIs(t, err, source.ErrCircuitOpen)
	assert.Equal(t, int64(2), f.requests.Load())
}

// One failing chunk does not cancel the others: their answers are cached.
func TestBatchPartialFailureCachesTheRest(t *testing.T) {
	f := newFake(t, "datpaq")
	var n atomic.Int64
	f.fault = func(w http.ResponseWriter, r *http.Request) bool {
		if n.Add(1) == 1 {
			writeJSON(w, 400, wire.DatpaqError{Error: "INVALID_IP"})
			return true
		}
		return false
	}
	s := newTestSource(t, f, WithBatchSize(2), WithConcurrency(1))
	addrs := []netip.Addr{mustAddr("45.7.0.1"), mustAddr("45.7.0.2"), mustAddr("45.7.0.3"), mustAddr("45.7.0.4")}
	_, err := s.LookupBatch(context.Background(), addrs)
	require.ErrorIs(t, err, source.ErrInvalidInput)
	assert.False(t, errors.Is(err, context.Canceled), "a sibling's cancellation leaked into the error: %v", err)
	recs, err := s.LookupBatch(context.Background(), addrs)
	require.NoError(t, err)
	assert.Len(t, recs, 4)
	assert.Equal(t, int64(3), f.requests.Load(), "the chunk that succeeded was cached")
}
