package builtin

import (
	_ "embed"
	"sync"

	"github.com/ipintel/ipintel/builtin/internal/snapshot"
)

// The data the generator wrote (go run ./internal/gen; see its doc). The
// snapshot carries its own manifest; data/manifest.json beside it is the
// generator's record of the same, for review and for the tests.
//
//go:embed data/snapshot.bin
var embeddedSnapshot []byte

// embedded decodes the compiled-in data once per process; every Open
// shares the result.
var embedded = sync.OnceValues(func() (*data, error) { return decodeData(embeddedSnapshot) })

// decodeData decodes an encoded snapshot (the embedded one or a file's)
// into lookup tables and its manifest. Damage returns an error wrapping
// [source.ErrMalformed].
func decodeData(b []byte) (*data, error) {
	s, err := snapshot.Decode(b)
	if err != nil {
		return nil, err
	}
	return &data{tables: newTables(s), manifest: s.Manifest}, nil
}

// decodeTables decodes an encoded snapshot into lookup tables.
func decodeTables(b []byte) (*tables, error) {
	d, err := decodeData(b)
	if err != nil {
		return nil, err
	}
	return d.tables, nil
}

// buildTables builds lookup tables from upstream CSV already parsed with
// snapshot.ParseCountryCSV and snapshot.ParseASNCSV: the path a run-time
// refresh takes, with the generator's rules.
func buildTables(in snapshot.Input) (*tables, error) {
	s, err := snapshot.Build(in)
	if err != nil {
		return nil, err
	}
	return newTables(s), nil
}
