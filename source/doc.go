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
// Check a source with the conformance kit in package sourcetest.
//
// # Thread Safety
//
// Every method of a Source may be called from many goroutines at once.
package source
