package snapshot

import (
	"fmt"
	"strings"
	"time"
)

// Manifest records what the generator read and wrote, so the committed
// data can be checked and reproduced: the npm packages (name, exact
// version, sha256 of the tarball), the encoded file's size and sha256, and
// the counts a decode must find.
type Manifest struct {
	// Snapshot is the date of the newest input, YYYY-MM-DD.
	Snapshot string     `json:"snapshot"`
	Inputs   []Upstream `json:"inputs"`
	// Output is the encoded file; the manifest stored inside a snapshot
	// has none.
	Output *Output `json:"output,omitempty"`
	Counts Counts  `json:"counts"`
}

// The kinds of upstream dataset.
const (
	KindCountry = "country" // first,last,CC
	KindASN     = "asn"     // first,last,ASN,organisation
)

// Upstream is one upstream package.
type Upstream struct {
	Dataset     string `json:"dataset"` // the name Datasets reports
	Kind        string `json:"kind"`    // KindCountry or KindASN
	Package     string `json:"package"` // npm package name
	Version     string `json:"version"` // exact version
	Tarball     string `json:"tarball"` // file name npm pack writes
	SHA256      string `json:"sha256"`  // of the tarball
	License     string `json:"license"`
	Attribution string `json:"attribution"`
	Rows4       int    `json:"rows_ipv4"`
	Rows6       int    `json:"rows_ipv6"`
}

// Output is the encoded file.
type Output struct {
	File   string `json:"file"`
	Bytes  int    `json:"bytes"`
	SHA256 string `json:"sha256"`
}

// Counts are the sizes of a decoded Snapshot, without the "none" entries.
type Counts struct {
	Countries int `json:"countries"`
	Networks  int `json:"networks"`
	Combos    int `json:"combos"`
	Steps4    int `json:"steps_ipv4"`
	Steps6    int `json:"steps_ipv6"`
}

// CountsOf returns s's counts.
func CountsOf(s *Snapshot) Counts {
	return Counts{
		Countries: len(s.Countries) - 1,
		Networks:  len(s.Networks) - 1,
		Combos:    len(s.Combos) - 1,
		Steps4:    len(s.Starts4),
		Steps6:    len(s.Starts6),
	}
}

// Versions returns the package versions m was built from, by package.
func (m *Manifest) Versions() map[string]string {
	v := map[string]string{}
	for _, in := range m.Inputs {
		v[in.Package] = in.Version
	}
	return v
}

// Built returns when the publisher built a package version of
// ip-location-db's form "2.3.2026060120" (the last part is YYYYMMDDHH, UTC).
func Built(version string) (time.Time, error) {
	i := strings.LastIndexByte(version, '.')
	t, err := time.Parse("2006010215", version[i+1:])
	if err != nil {
		return time.Time{}, fmt.Errorf("%w: version %q has no build date", ErrBadInput, version)
	}
	return t, nil
}
