package ipintel

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/ipintel/ipintel/source"
)

// Errors returned by the Client. Check them with errors.Is; the errors
// themselves carry more detail (the input, the source).
var (
	// ErrInvalidIP: the input is not an IP address (malformed, zoned, empty).
	ErrInvalidIP = errors.New("ipintel: invalid IP")
	// ErrReservedIP: the address is private, loopback, link-local,
	// multicast, documentation or otherwise special-purpose, and the Client
	// was not built WithAllowReserved.
	ErrReservedIP = errors.New("ipintel: reserved IP")
	// ErrBatchTooLarge: a batch has more entries than WithMaxBatch allows.
	ErrBatchTooLarge = errors.New("ipintel: batch too large")
	// ErrEmptyBatch: a batch has no entries.
	ErrEmptyBatch = errors.New("ipintel: empty batch")
	// ErrClosed: the Client has been closed. It is [source.ErrClosed], so
	// one check also covers a closed source.
	ErrClosed = source.ErrClosed
	// ErrInvalidOption: New or NewWeightedScorer was given an option value
	// out of range. It is [source.ErrInvalidOption], which every package's
	// constructors use.
	ErrInvalidOption = source.ErrInvalidOption
	// ErrSourcePanic: a source panicked; the Client recovered and reports it
	// as that source's error.
	ErrSourcePanic = errors.New("ipintel: source panicked")
)

// errClientClosed is what a closed Client's methods return.
var errClientClosed = fmt.Errorf("ipintel: client %w", ErrClosed)

// The shared kinds of failure the Client also reports, for [errors.Is]:
// source.ErrMalformed for a [source.Batcher] that answers with the wrong
// number of records and for malformed [Result] JSON, source.ErrInvalidInput
// for a request id over 64 bytes. See package source.

// maxEcho is how much of a bad input an error repeats.
const maxEcho = 64

// AddrError reports input that the Client will not look up. It wraps
// [ErrInvalidIP] or [ErrReservedIP].
type AddrError struct {
	// Input is the offending input, cut to its first 64 bytes.
	Input string
	// Reason says what is wrong, for people: "zones are not allowed",
	// "private-use (RFC 1918)".
	Reason string
	// Err is ErrInvalidIP or ErrReservedIP.
	Err error
}

func newAddrError(input, reason string, err error) *AddrError {
	if len(input) > maxEcho {
		input = input[:maxEcho]
	}
	return &AddrError{Input: input, Reason: reason, Err: err}
}

func (e *AddrError) Error() string {
	msg := e.Err.Error() + " " + strconv.Quote(e.Input)
	if e.Reason != "" {
		msg += ": " + e.Reason
	}
	return msg
}

func (e *AddrError) Unwrap() error { return e.Err }

// SourceError is one source's failure during a lookup. It is reported in
// [Meta.Errors]; the lookup itself still succeeds with the other sources'
// answers.
type SourceError struct {
	Source string // the source's Name
	Err    error
}

func (e *SourceError) Error() string {
	// The Client's own errors (a panic, a late answer) start with "ipintel: "
	// too; say it once.
	return "ipintel: source " + e.Source + ": " + strings.TrimPrefix(e.Err.Error(), "ipintel: ")
}

func (e *SourceError) Unwrap() error { return e.Err }

// MarshalJSON writes {"source": name, "error": text}.
func (e *SourceError) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Source string `json:"source"`
		Error  string `json:"error"`
	}{e.Source, e.Err.Error()})
}
