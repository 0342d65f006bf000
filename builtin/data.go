package builtin

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"sync"

	"github.com/ipintel/ipintel/builtin/internal/snapshot"
)

// The data the generator wrote (go run ./internal/gen; see its doc).
var (
	//go:embed data/snapshot.bin
	embeddedSnapshot []byte
	//go:embed data/manifest.json
	embeddedManifest []byte
)

// embedded decodes the compiled-in data once per process; every Open
// shares the result.
var embedded = sync.OnceValues(func() (*data, error) {
	m, err := parseManifest(embeddedManifest)
	if err != nil {
		return nil, err
	}
	t, err := decodeTables(embeddedSnapshot)
	if err != nil {
		return nil, err
	}
	return &data{tables: t, manifest: m}, nil
})

// decodeTables decodes an encoded snapshot into lookup tables. Damage
// returns an error wrapping [ErrCorrupt].
func decodeTables(b []byte) (*tables, error) {
	s, err := snapshot.Decode(b)
	if err != nil {
		return nil, err
	}
	return newTables(s), nil
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

func parseManifest(b []byte) (*snapshot.Manifest, error) {
	var m snapshot.Manifest
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("%w: manifest: %v", ErrCorrupt, err)
	}
	return &m, nil
}
