// Package snapshot is the data model of the builtin source and its compact
// binary form: one step function per address family whose steps say which
// country and which network (AS number and organisation) answer for every
// address from the step's start up to the next step.
//
// The generator (builtin/internal/gen) builds a Snapshot from the upstream
// ip-location-db CSV files with [Build] and writes it with [Encode]; the
// builtin package reads it back with [Decode]. A source that refreshes the
// same datasets at run time parses the upstream CSV with [ParseCountryCSV]
// and [ParseASNCSV] and calls [Build] the same way.
package snapshot

import (
	"errors"
	"fmt"

	"github.com/ipintel/ipintel/source"
)

// ErrCorrupt is returned by [Decode] for data that is truncated, altered or
// not a snapshot at all.
var ErrCorrupt = fmt.Errorf("builtin: corrupt snapshot: %w", source.ErrMalformed)

// ErrBadInput is returned by the CSV parsers and [Build] for upstream data
// that cannot be used: malformed lines, unsorted or overlapping ranges.
var ErrBadInput = errors.New("builtin: bad upstream data")

// U128 is an IPv6 address (or an IPv4 address in Lo) as a number.
type U128 struct{ Hi, Lo uint64 }

// Less reports whether a < b.
func (a U128) Less(b U128) bool { return a.Hi < b.Hi || (a.Hi == b.Hi && a.Lo < b.Lo) }

// next returns a+1 and whether it overflowed.
func (a U128) next() (U128, bool) {
	a.Lo++
	if a.Lo == 0 {
		a.Hi++
		return a, a.Hi == 0
	}
	return a, false
}

// Prev returns a-1; a must not be zero.
func (a U128) Prev() U128 {
	if a.Lo == 0 {
		a.Hi--
	}
	a.Lo--
	return a
}

// validCountry reports whether cc looks like an ISO 3166-1 alpha-2 code.
func validCountry(cc string) bool {
	return len(cc) == 2 && cc[0] >= 'A' && cc[0] <= 'Z' && cc[1] >= 'A' && cc[1] <= 'Z'
}

// Network is an autonomous system and the organisation named for it.
type Network struct {
	ASN uint32
	Org string
}

// Combo is what one step answers: indexes into Countries and Networks, 0
// meaning unknown. Combo 0 of a Snapshot is the miss.
type Combo struct {
	Country uint16
	Network uint32
}

// Snapshot is the decoded data. Index 0 of Countries, Networks and Combos
// is "none". Starts4[i] (Starts6[i]) is the first address of a step that
// runs to the next start - 1 (or the end of the address space) and answers
// Combos[Vals4[i]]. Starts are strictly increasing and begin at 0.
type Snapshot struct {
	// Manifest says what the data was built from. Encode stores it (with
	// the counts of the data, without an Output); Decode returns it.
	Manifest  *Manifest
	Countries []string // ISO 3166-1 alpha-2 codes
	Networks  []Network
	Combos    []Combo
	Starts4   []uint32
	Vals4     []uint32
	Starts6   []U128
	Vals6     []uint32
}
