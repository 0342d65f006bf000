package cli

import (
	"embed"

	"github.com/ipintel/ipintel/source/mmdb"
)

// The invented sample databases of the repository's testdata, compiled in so
// that -sample works in an installed binary. They illustrate VPN, proxy and
// Tor answers; they are not real data.
//
//go:generate go run ../../../../testdata/gen -out sample
//go:embed sample/*.mmdb
var sampleFS embed.FS

// Sample files by the flag they stand in for.
const (
	SampleCity      = "ipintel-City.mmdb"
	SampleASN       = "ipintel-ASN.mmdb"
	SampleAnonymous = "ipintel-Anonymous-IP.mmdb"
)

// OpenSample opens one of the embedded sample databases under name.
func OpenSample(file, name string) (*mmdb.Source, error) {
	b, err := sampleFS.ReadFile("sample/" + file)
	if err != nil {
		return nil, err
	}
	return mmdb.OpenBytes(b, mmdb.WithName(name))
}
