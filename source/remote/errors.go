package remote

import (
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/ipintel/ipintel/source"
)

// Errors, checked with errors.Is. Two are this package's own; every other
// failure wraps one of the shared kinds of package source, so the Client
// counts it and a caller checks it without knowing package remote:
//
//   - [source.ErrRateLimited]: the provider answered 429, or asked earlier
//     to wait and the wait has not passed (the request was not sent);
//   - [source.ErrCircuitOpen]: the source failed repeatedly and is skipped
//     until its cool-down ends;
//   - [source.ErrInvalidInput]: the provider refused the request (HTTP 400,
//     413, 422);
//   - [source.ErrUnavailable]: the provider failed (HTTP 5xx), answered
//     another unexpected status (a redirect included: keys are never sent
//     to another host), or the request failed before a response
//     (connection refused, TLS, timeout);
//   - [source.ErrTooLarge]: the body exceeded the size limit;
//   - [source.ErrMalformed]: the body is not the JSON the API documents, or
//     is cut short;
//   - [source.ErrClosed]: the source was closed;
//   - [source.ErrInvalidOption]: an option or endpoint is invalid.
//
// A [*StatusError] unwraps to the error of its HTTP status.
var (
	// ErrUnauthorized: the provider rejected the key (HTTP 401).
	ErrUnauthorized = errors.New("remote: unauthorized")
	// ErrForbidden: the key is revoked, lacks the plan, or the quota is
	// exhausted (HTTP 402, 403).
	ErrForbidden = errors.New("remote: forbidden or quota exhausted")

	errRateLimited      error = &kindError{"remote: rate limited", source.ErrRateLimited}
	errBadRequest       error = &kindError{"remote: bad request", source.ErrInvalidInput}
	errServer           error = &kindError{"remote: server error", source.ErrUnavailable}
	errUnexpectedStatus error = &kindError{"remote: unexpected HTTP status", source.ErrUnavailable}
	errCircuitOpen      error = &kindError{"remote: circuit open, source skipped", source.ErrCircuitOpen}
	errResponseTooLarge error = &kindError{"remote: response too large", source.ErrTooLarge}
	errMalformed        error = &kindError{"remote: malformed response", source.ErrMalformed}
	errTransport        error = &kindError{"remote: transport error", source.ErrUnavailable}
	errClosed           error = &kindError{"remote: source closed", source.ErrClosed}
	errConfig           error = &kindError{"remote: invalid option", source.ErrInvalidOption}
)

// kindError is an error of this package with its own text that matches the
// shared kind of package source it belongs to.
type kindError struct {
	msg  string
	kind error
}

func (e *kindError) Error() string { return e.msg }
func (e *kindError) Unwrap() error { return e.kind }

// StatusError is a non-success HTTP answer, with the provider's error
// envelope parsed. It unwraps to the error of its status (see above).
type StatusError struct {
	Source string // the source's name
	Status int    // HTTP status
	// Code is the provider's machine-readable code when it gives one
	// ("rate_limit_exceeded", "INVALID_IP").
	Code string
	// Message is the provider's human-readable text, shortened, with
	// control characters removed and the API key redacted.
	Message string
	// RetryAfter is how long the provider asked us to wait (Retry-After,
	// X-RateLimit-Reset or a retry_after body field); zero when it did not.
	RetryAfter time.Duration
	// RequestID is the provider's correlation or request id, when given.
	RequestID string
	// NotSent reports that the request was not sent at all because an
	// earlier answer asked to wait.
	NotSent bool
}

// Error implements error. It never contains the API key.
func (e *StatusError) Error() string {
	var b strings.Builder
	b.WriteString("remote: ")
	b.WriteString(e.Source)
	b.WriteString(": HTTP ")
	b.WriteString(strconv.Itoa(e.Status))
	if t := http.StatusText(e.Status); t != "" {
		b.WriteString(" ")
		b.WriteString(t)
	}
	if e.Code != "" {
		b.WriteString(" (")
		b.WriteString(e.Code)
		b.WriteString(")")
	}
	if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(e.Message)
	}
	if e.RetryAfter > 0 {
		b.WriteString("; retry after ")
		b.WriteString(e.RetryAfter.Round(time.Millisecond).String())
	}
	if e.NotSent {
		b.WriteString("; not sent")
	}
	if e.RequestID != "" {
		b.WriteString("; request id ")
		b.WriteString(e.RequestID)
	}
	return b.String()
}

// Unwrap returns the error for the status.
func (e *StatusError) Unwrap() error { return sentinelFor(e.Status) }

func sentinelFor(status int) error {
	switch {
	case status == http.StatusUnauthorized:
		return ErrUnauthorized
	case status == http.StatusPaymentRequired, status == http.StatusForbidden:
		return ErrForbidden
	case status == http.StatusTooManyRequests:
		return errRateLimited
	case status == http.StatusBadRequest, status == http.StatusRequestEntityTooLarge,
		status == http.StatusUnprocessableEntity:
		return errBadRequest
	case status >= 500 && status <= 599:
		return errServer
	}
	return errUnexpectedStatus
}

// safeError carries a message that has been scrubbed of the API key while
// keeping the original chain for errors.Is and errors.As.
type safeError struct {
	msg string
	err error
}

func (e *safeError) Error() string { return e.msg }
func (e *safeError) Unwrap() error { return e.err }

// scrub removes the key from s, drops control characters and bounds the
// length, so a provider's message or a transport error can be shown safely.
func scrub(s, key string, max int) string {
	if key != "" {
		s = strings.ReplaceAll(s, key, "[redacted]")
	}
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, s)
	s = strings.TrimSpace(s)
	if max > 0 && len(s) > max {
		cut := max
		for cut > 0 && !utf8Start(s[cut]) {
			cut--
		}
		s = s[:cut] + "…"
	}
	return s
}

func utf8Start(b byte) bool { return b&0xC0 != 0x80 }

func errorsIsUnexpectedEOF(err error) bool {
	return errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF)
}
