package source

import (
	"context"
	"iter"
)

// Enumerator is implemented by local sources that can list everything they
// know: a database, a feed, an embedded snapshot. Hosted APIs cannot and do
// not implement it. It is what exporting a Client's data (package export)
// reads.
//
// Enumerate yields every record the source holds, each with its Prefix
// set, and then stops; an error (ctx done, a damaged file) is yielded once,
// last, with a zero Record, and ends the enumeration. Prefixes may nest
// and come in no promised order, but none is yielded twice. The records
// say what Lookup answers: for any address, Lookup returns the Record
// yielded with the longest Prefix containing it (its Prefix, and
// Network.CIDR, may differ: Lookup names the network it matched), and a
// miss where no yielded Prefix contains it.
//
// The Geo, Network and Signals of a yielded Record may be shared with
// other records and lookups and must not be modified; a record yielded for
// many prefixes is the same value each time (the same pointers), which
// lets a caller recognise equal answers cheaply. A source whose data is
// refreshed in the background enumerates the data in use when Enumerate
// is called; a refresh landing during the enumeration may show in part.
type Enumerator interface {
	Enumerate(ctx context.Context) iter.Seq2[Record, error]
}
