package remote

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/ipintel/ipintel/internal/wire"
)

const (
	backoffBase = 100 * time.Millisecond
	backoffMax  = 2 * time.Second
)

// do sends req with auth, under ctx (which carries the deadline), through
// the provider's back-off, the circuit breaker and the rate limiter, with
// retries, and hands the body of a 2xx answer to decode. An answer the API
// documents as "not found" is not decoded: the caller's zero value stands
// (single lookups only: for a batch request it is an error).
// A decode error is not retried but counts against the provider's health.
// The error returned never contains the key.
func (s *Source) do(ctx context.Context, req request, decode func(body []byte) error) error {
	if wait := s.blockedFor(); wait > 0 {
		return &StatusError{Source: s.name, Status: http.StatusTooManyRequests,
			Message: "provider asked to wait", RetryAfter: wait, NotSent: true}
	}
	probe := false
	if s.breaker != nil {
		ok, p, left := s.breaker.allow(s.now())
		probe = p
		if !ok {
			return fmt.Errorf("remote: %s: %w for another %v after repeated failures",
				s.name, errCircuitOpen, left.Round(time.Second))
		}
	}
	recorded := false
	defer func() {
		if !recorded && s.breaker != nil {
			s.breaker.release(probe)
		}
	}()
	record := func(ok bool) {
		recorded = true
		s.recordBreaker(ok, probe)
	}

	for attempt := 0; ; attempt++ {
		if s.limiter != nil {
			dl, _ := ctx.Deadline()
			wait, ok := s.limiter.reserve(s.now(), dl)
			if !ok {
				return fmt.Errorf("remote: %s: %w: local limit would delay the request %v, past its deadline",
					s.name, errRateLimited, wait.Round(time.Millisecond))
			}
			if err := sleep(ctx, wait); err != nil {
				return s.ctxErr(ctx, err)
			}
		}
		body, miss, retryAfter, err := s.attempt(ctx, req, attempt)
		if err == nil {
			if !miss {
				if derr := decode(body); derr != nil {
					record(false)
					return s.safe(fmt.Errorf("remote: %s: %w", s.name, derr))
				}
			}
			record(true)
			return nil
		}
		if ctx.Err() != nil {
			// Our deadline or the caller's cancellation: says nothing
			// reliable about the provider unless the deadline was ours.
			if errors.Is(ctx.Err(), context.DeadlineExceeded) && s.closeCtx.Err() == nil && ownDeadline(ctx) {
				record(false)
			}
			return s.ctxErr(ctx, err)
		}
		retry, countsAsFailure := classify(err)
		if !retry || attempt >= s.retries {
			if countsAsFailure {
				record(false)
			} else {
				record(true) // the provider answered sanely
			}
			return err
		}
		delay := retryAfter
		if delay == 0 {
			delay = backoff(attempt)
		}
		if dl, ok := ctx.Deadline(); ok && s.now().Add(delay).After(dl) {
			if countsAsFailure {
				record(false)
			}
			return err
		}
		s.log.Warn("remote: retrying", "source", s.name, "attempt", attempt+1, "delay", delay, "error", err.Error())
		if err := sleep(ctx, delay); err != nil {
			return s.ctxErr(ctx, err)
		}
	}
}

// attempt makes one HTTP request.
func (s *Source) attempt(ctx context.Context, req request, attempt int) (_ []byte, miss bool, retryAfter time.Duration, err error) {
	u := s.base + req.path
	if len(req.query) > 0 {
		u += "?" + req.query.Encode()
	}
	var body io.Reader
	if req.body != nil {
		body = bytes.NewReader(req.body)
	}
	hr, err := http.NewRequestWithContext(ctx, req.method, u, body)
	if err != nil {
		return nil, false, 0, s.safe(fmt.Errorf("remote: %s: %w: cannot build request", s.name, errConfig))
	}
	if req.body != nil {
		hr.Header.Set("Content-Type", "application/json")
	}
	hr.Header.Set("Accept", "application/json")
	hr.Header.Set("User-Agent", "ipintel-remote/1")
	hr.Header.Set(s.api.header, s.api.prefix+s.key)

	start := s.now()
	resp, err := s.client.Do(hr)
	if err != nil {
		s.log.Debug("remote: request failed", "source", s.name, "method", req.method, "path", req.path,
			"attempt", attempt, "duration", s.now().Sub(start), "error", scrub(transportText(err), s.key, 200))
		return nil, false, 0, s.transportErr(req, err)
	}
	s.noteRateHeaders(resp.Header)
	b, rerr := readBody(resp.Body, s.maxBody)
	s.log.Debug("remote: request", "source", s.name, "method", req.method, "path", req.path,
		"status", resp.StatusCode, "attempt", attempt, "bytes", len(b), "duration", s.now().Sub(start))
	if rerr != nil {
		if errors.Is(rerr, errResponseTooLarge) {
			return nil, false, 0, fmt.Errorf("remote: %s: HTTP %d: %w (over %d bytes)", s.name, resp.StatusCode, errResponseTooLarge, s.maxBody)
		}
		if ctx.Err() != nil {
			return nil, false, 0, ctx.Err()
		}
		return nil, false, 0, s.safe(fmt.Errorf("remote: %s: HTTP %d: %w: body: %w", s.name, resp.StatusCode, errMalformed, unwrapURL(rerr)))
	}
	if resp.StatusCode >= 200 && resp.StatusCode <= 299 {
		return b, false, 0, nil
	}
	env := envelope{}
	if s.api.envelope != nil {
		env = s.api.envelope(b)
	}
	if s.api.miss != nil && !req.batch && s.api.miss(resp.StatusCode, env) {
		return nil, true, 0, nil
	}
	if env.requestID == "" {
		// VectraIP documents its request id in the X-Request-Id header.
		env.requestID = resp.Header.Get(wire.RequestIDHeader)
	}
	se := &StatusError{
		Source:    s.name,
		Status:    resp.StatusCode,
		Code:      scrub(env.code, s.key, 64),
		Message:   scrub(env.message, s.key, 200),
		RequestID: scrub(env.requestID, s.key, 64),
	}
	if !env.ok {
		se.Message = ""
	}
	if resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable {
		se.RetryAfter = parseRetryAfter(resp.Header.Get("Retry-After"), s.now())
		if se.RetryAfter == 0 {
			se.RetryAfter = env.retryAfter
		}
		if se.RetryAfter == 0 {
			se.RetryAfter = s.blockedFor()
		}
	}
	if resp.StatusCode == http.StatusTooManyRequests {
		s.log.Warn("remote: rate limited", "source", s.name, "retry_after", se.RetryAfter)
		// Hold further requests for the wait the provider asked for; with
		// no hint at all, for a second. An explicit "Retry-After: 0"
		// holds nothing.
		wait := se.RetryAfter
		if wait == 0 && resp.Header.Get("Retry-After") == "" && env.retryAfter == 0 {
			wait = time.Second
		}
		if wait > 0 {
			s.blockUntil(s.now().Add(wait))
		}
		// A retry of this request waits out the same hold as every
		// other request.
		return nil, false, wait, se
	}
	return nil, false, se.RetryAfter, se
}

// classify says whether err may succeed on retry, and whether it counts
// against the provider's health.
func classify(err error) (retry, failure bool) {
	var se *StatusError
	if errors.As(err, &se) {
		switch {
		case se.Status == http.StatusTooManyRequests:
			// Retried only if Retry-After fits in the deadline (checked
			// by the caller); not the provider's fault.
			return !se.NotSent, false
		case se.Status >= 500:
			return true, true
		case se.Status == http.StatusUnauthorized, se.Status == http.StatusForbidden, se.Status == http.StatusPaymentRequired:
			return false, true
		}
		return false, se.Status >= 300 && se.Status < 400
	}
	if errors.Is(err, errResponseTooLarge) {
		return false, true
	}
	if errors.Is(err, errTransport) {
		return retryableTransport(err), true
	}
	if errors.Is(err, errMalformed) {
		// A body cut short by a reset connection is worth one more try.
		return errors.Is(err, syscall.ECONNRESET) || errorsIsUnexpectedEOF(err), true
	}
	return false, true
}

func retryableTransport(err error) bool {
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return true
	}
	return errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE) || errorsIsUnexpectedEOF(err)
}

// backoff is exponential with full jitter: a random wait in [d/2, d] where
// d doubles from backoffBase up to backoffMax.
func backoff(attempt int) time.Duration {
	d := backoffBase << min(attempt, 5)
	if d > backoffMax {
		d = backoffMax
	}
	return d/2 + rand.N(d/2+1)
}

// parseRetryAfter reads a Retry-After value: delay seconds or an HTTP date.
func parseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		if n <= 0 {
			return 0
		}
		return time.Duration(min(n, 86400)) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return min(t.Sub(now), 24*time.Hour)
	}
	return 0
}

// noteRateHeaders blocks further requests until X-RateLimit-Reset when
// X-RateLimit-Remaining says the window is used up. Reset is read as Unix
// seconds when it is that large, else as seconds from now.
func (s *Source) noteRateHeaders(h http.Header) {
	rem := h.Get("X-RateLimit-Remaining")
	if rem == "" || strings.TrimSpace(rem) != "0" {
		return
	}
	reset, err := strconv.ParseInt(strings.TrimSpace(h.Get("X-RateLimit-Reset")), 10, 64)
	if err != nil || reset <= 0 {
		return
	}
	now := s.now()
	var until time.Time
	if reset > 1_000_000_000 {
		until = time.Unix(reset, 0)
	} else {
		until = now.Add(time.Duration(min(reset, 86400)) * time.Second)
	}
	if until.After(now) && until.Sub(now) <= 24*time.Hour {
		s.blockUntil(until)
	}
}

func (s *Source) blockUntil(t time.Time) {
	n := t.UnixNano()
	for {
		old := s.blockedUntil.Load()
		if old >= n || s.blockedUntil.CompareAndSwap(old, n) {
			return
		}
	}
}

func (s *Source) blockedFor() time.Duration {
	n := s.blockedUntil.Load()
	if n == 0 {
		return 0
	}
	if d := time.Unix(0, n).Sub(s.now()); d > 0 {
		return d
	}
	return 0
}

// transportErr wraps a failed client.Do without the URL (net/url.Error
// prints it) and without the key.
func (s *Source) transportErr(req request, err error) error {
	return s.safe(fmt.Errorf("remote: %s: %s %s: %w: %w", s.name, req.method, pathOnly(req.path), errTransport, unwrapURL(err)))
}

func (s *Source) ctxErr(ctx context.Context, err error) error {
	if s.closeCtx.Err() != nil {
		return fmt.Errorf("remote: %s: %w", s.name, errClosed)
	}
	cerr := ctx.Err()
	if cerr == nil {
		cerr = err
	}
	return s.safe(fmt.Errorf("remote: %s: %w", s.name, cerr))
}

func unwrapURL(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

func transportText(err error) string { return unwrapURL(err).Error() }

func pathOnly(p string) string {
	if i := strings.IndexByte(p, '?'); i >= 0 {
		return p[:i]
	}
	return p
}
