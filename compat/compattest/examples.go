package compattest

import (
	"embed"
	"path"
)

//go:embed testdata/*.json
var files embed.FS

// Example is one documented example response and the paths it is
// documented with.
type Example struct {
	API   string // "vectraip", "vpnsignal", "datpaq"
	File  string // under testdata/
	Paths []Path
}

// Body returns the example's JSON.
func (e Example) Body() []byte {
	b, err := files.ReadFile(path.Join("testdata", e.File))
	if err != nil {
		panic("compattest: missing embedded example " + e.File) // a build mistake, caught by the package's tests
	}
	return b
}

// Examples are the documented examples, each with the paths of its shape.
var Examples = []Example{
	{"vectraip", "vectraip.json", VectraIP},
	{"vectraip", "vectraip_batch.json", VectraIPBatch},
	{"vectraip", "vectraip_error.json", VectraIPError},
	{"vpnsignal", "vpnsignal.json", VPNSignal},
	{"vpnsignal", "vpnsignal_error.json", VPNSignalError},
	{"vpnsignal", "vpnsignal_health.json", VPNSignalHealth},
	{"datpaq", "datpaq.json", Datpaq},
	{"datpaq", "datpaq_batch_invalid.json", DatpaqBatch},
	{"datpaq", "datpaq_error.json", DatpaqError},
}
