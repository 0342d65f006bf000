package compat_test

import (
	"encoding/json"
	"testing"

	"github.com/ipintel/ipintel/compat"
)

// BenchmarkRender measures each rendering with its encoding, beside the
// Result's own JSON (its peer: the same data in VectraIP's shape plus
// ipintel's additions).
func BenchmarkRender(b *testing.B) {
	c := newClient(b)
	r := lookup(b, c, "216.144.250.150") // monitoring probe: every section filled
	for name, render := range map[string]func() any{
		"Result":    func() any { return r },
		"VectraIP":  func() any { return compat.VectraIP(r) },
		"VPNSignal": func() any { return compat.VPNSignal(r) },
		"Datpaq":    func() any { return compat.Datpaq(r) },
	} {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := json.Marshal(render()); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
