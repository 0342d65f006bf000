// Package source is the contract between ipintel's Client and the data
// sources it asks: MMDB databases, CIDR feeds, hosted APIs, or your own.
//
// A source answers for one address with a [Record]: what it knows (geo,
// network, signals), never a verdict. Scoring is the Client's job.
//
// # Implementing a source
//
// [Source] is two methods. A miss is a zero [Record] and a nil error; errors
// are for failures (I/O, a corrupt database, a cancelled context). Extra
// powers are optional interfaces found by type assertion, as
// database/sql/driver does:
//
//   - [Batcher]: answer many addresses in one call (hosted batch endpoints).
//   - [Reloader]: rebuild from the underlying data on demand.
//   - [Describer]: say that lookups leave the process ([Traits.Remote]), the
//     deadline the Client should give each call, and how many addresses one
//     [Batcher] call takes.
//   - [DatasetReporter]: say what data the source answers from, how old it
//     is and whether refreshing it works (for metrics and alerts).
//   - [Enumerator]: list every record with its prefix, so that the data
//     can be exported (package export); local sources only.
//   - io.Closer: release files, stop refreshers; called by Client.Close.
//
// A Record handed to the Client is read-only to both sides: the Client copies
// what it keeps and never writes into a Record's Geo, Network or Signals, so
// a source may return pointers into its own caches.
//
// Check a source with the conformance kit in package
// [github.com/ipintel/ipintel/source/sourcetest].
//
// # Errors
//
// The failures every package of this module shares are declared here
// ([ErrUnavailable], [ErrMalformed], [ErrTooLarge] and the others below):
// a package wraps them under its own prefix and detail, so one errors.Is
// check covers the same failure wherever it happens, and the Client counts
// rate-limited and circuit-open calls apart in its Stats. A source of your
// own should wrap them too.
//
// # Thread Safety
//
// Every method of a Source may be called from many goroutines at once.
//
// # Performance
//
// The Client asks a local source (one that does not report
// [Traits.Remote]) inline, on the caller's goroutine, so its Lookup is on
// the path of every lookup: it should answer from memory, without blocking
// and ideally without allocating. A source that blocks on I/O reports
// Traits.Remote through [Describer], and the Client asks it concurrently
// under a deadline. [DatasetReporter] must be cheap: a metrics scrape
// calls it.
package source
