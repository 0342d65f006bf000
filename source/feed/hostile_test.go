package feed_test

import (
	"errors"
	"runtime"
	"strings"
	"testing"

	"github.com/ipintel/ipintel/source"
	"github.com/ipintel/ipintel/source/feed"
)

// allocated returns the bytes f allocates.
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// TestHugeLinesBoundedMemory: one hostile line must not cost many times its
// size. Splitting a line of a million commas into every field costs 16
// bytes a comma; only the first few fields matter. (Reading and copying
// the text costs a few times its size; 10× leaves room for -race.)
func TestHugeLinesBoundedMemory(t *testing.T) {
	commas := strings.Repeat(",", 1<<20)
	for _, tc := range []struct {
		name   string
		format feed.Format
		in     string
	}{
		{"geofeed row", feed.Geofeed, "192.0.2.0/24,US,US-CA,City,94000" + commas + "\n"},
		{"geofeed detected", feed.Detect, "192.0.2.0/24,US" + commas + "\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			spec := feed.Spec{Name: "x", Kind: source.VPN, Format: tc.format}
			var err error
			n := allocated(func() { _, err = feed.Load(strings.NewReader(tc.in), spec) })
			if err != nil {
				t.Fatal(err)
			}
			if limit := uint64(10 * len(tc.in)); n > limit {
				t.Errorf("loading a %d-byte line allocated %d bytes, want at most %d", len(tc.in), n, limit)
			}
		})
	}
}

// TestMalformedTextBounded: Stats keep the first few malformed lines cut
// to 80 bytes; the error kept with each must not carry the whole line.
func TestMalformedTextBounded(t *testing.T) {
	huge := strings.Repeat("\x00", 1<<20)
	for _, tc := range []struct {
		name   string
		format feed.Format
		in     string
	}{
		{"geofeed country", feed.Geofeed, "192.0.2.0/24," + huge + "\n198.51.100.0/24,US\n"},
		{"tor keyword", feed.TorExitAddresses, huge + "\nExitAddress 192.0.2.1 2024-01-01 00:00:00\n"},
		{"plain", feed.Plain, huge + "\n192.0.2.1\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, err := feed.Load(strings.NewReader(tc.in), feed.Spec{Name: "x", Kind: source.VPN, Format: tc.format})
			if err != nil {
				t.Fatal(err)
			}
			st := f.Stats()
			if st.Skipped != 1 || len(st.Malformed) != 1 {
				t.Fatalf("stats %+v; want one malformed line", st)
			}
			le := st.Malformed[0]
			if len(le.Text) > 80 || len(le.Error()) > 400 {
				t.Errorf("malformed line kept as %d bytes of text and a %d-byte error", len(le.Text), len(le.Error()))
			}
		})
	}
}

// TestRangeExpansionBounded: a range line splits into up to 254 prefixes,
// so a file of them cost ~740 times its size in allocations and 9 s of CPU
// a megabyte (at the default MaxBytes, ~50 GB and ten minutes). Content that expands to more
// prefixes than it has bytes is refused; a few long ranges are fine.
func TestRangeExpansionBounded(t *testing.T) {
	spec := feed.Spec{Name: "x", Kind: source.VPN}
	line := "2001:db8::1-2001:db8:ffff:ffff:ffff:ffff:ffff:fffe\n" // 190 prefixes
	in := strings.Repeat(line, (256<<10)/len(line))
	var err error
	n := allocated(func() { _, err = feed.Load(strings.NewReader(in), spec) })
	if !errors.Is(err, source.ErrTooLarge) {
		t.Errorf("%d bytes of ranges expanding to %d prefixes: err = %v, want source.ErrTooLarge", len(in), 190*strings.Count(in, "\n"), err)
	}
	// Refused at one prefix a byte, it still allocates ~200 bytes a byte
	// (the builder's growth); unbounded, it was ~740.
	if limit := uint64(300 * len(in)); n > limit {
		t.Errorf("loading %d bytes allocated %d, want at most %d", len(in), n, limit)
	}
	f, err := feed.Load(strings.NewReader(strings.Repeat(line, 100)+"::1-ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe\n"), feed.Spec{Name: "x", Kind: source.VPN, AllowShortPrefixes: true})
	if err != nil || f.Stats().Entries != 100*190+254 {
		t.Fatalf("a few long ranges: err = %v, stats %+v", err, f.Stats())
	}
}
