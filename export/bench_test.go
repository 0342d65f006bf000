package export_test

import (
	"io"
	"testing"

	"github.com/ipintel/ipintel"
	"github.com/ipintel/ipintel/builtin"
	"github.com/ipintel/ipintel/export"
)

// BenchmarkExport is the export of the embedded data (a Client over
// builtin alone, as "ipintel export -offline" with no data flags): Build,
// then each writer into io.Discard. One op is one whole export; run with
// -benchtime=3x.
func BenchmarkExport(b *testing.B) {
	src, err := builtin.Open()
	if err != nil {
		b.Fatal(err)
	}
	c, err := ipintel.New(ipintel.WithSources(src))
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	tab, err := export.Build(ctx, c)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("build", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := export.Build(ctx, c); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(tab.Len()), "ranges")
	})
	for _, typ := range []export.DatabaseType{export.Enterprise, export.Country, export.ASN, export.AnonymousIP} {
		b.Run("mmdb/"+string(typ), func(b *testing.B) {
			b.ReportAllocs()
			var n int64
			for b.Loop() {
				if n, err = tab.WriteMMDB(io.Discard, typ); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(n), "bytes")
		})
	}
	b.Run("csv", func(b *testing.B) {
		b.ReportAllocs()
		var n int64
		for b.Loop() {
			if n, err = tab.WriteCSV(io.Discard); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(n), "bytes")
	})
}
