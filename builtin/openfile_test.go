package builtin

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ipintel/ipintel/builtin/internal/snapshot"
	"github.com/ipintel/ipintel/source"
)

// withClock sets the clock the staleness check reads.
func withClock(now time.Time) Option {
	return func(c *config) error { c.now = func() time.Time { return now }; return nil }
}

// fixtureFile writes the testdata CSV fixture as a snapshot file with a
// manifest dated date, as the generator would, and returns its path.
func fixtureFile(t *testing.T, date string) string {
	t.Helper()
	s, err := snapshot.Build(loadFixture(t).in)
	if err != nil {
		t.Fatal(err)
	}
	v := strings.ReplaceAll(date, "-", "") + "00"
	s.Manifest = &snapshot.Manifest{Snapshot: date, Inputs: []snapshot.Upstream{
		{Dataset: "test-country", Kind: snapshot.KindCountry, Package: "test-country", Version: "1.0." + v, License: "test", Attribution: "test"},
		{Dataset: "test-asn", Kind: snapshot.KindASN, Package: "test-asn", Version: "1.0." + v, License: "test", Attribution: "test"},
	}}
	b, err := snapshot.Encode(s)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "snapshot.bin")
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestOpenFile: a snapshot file answers instead of the embedded data, and
// reports its own datasets.
func TestOpenFile(t *testing.T) {
	s, err := OpenFile(fixtureFile(t, "2027-01-05"))
	if err != nil {
		t.Fatal(err)
	}
	r, err := s.Lookup(context.Background(), netip.MustParseAddr("45.130.202.105"))
	if err != nil || r.Geo == nil || r.Geo.CountryCode != "NL" || r.Network == nil || r.Network.ASN != 137409 {
		t.Fatalf("45.130.202.105: %+v, %v; want NL, AS137409 from the file", r, err)
	}
	// 9.9.9.9 is in the embedded data, not in the fixture.
	if r, _ := s.Lookup(context.Background(), netip.MustParseAddr("9.9.9.9")); !r.IsZero() {
		t.Errorf("9.9.9.9 answered %+v from a file that does not hold it", r)
	}
	var names []string
	for _, d := range s.Datasets() {
		names = append(names, d.Name)
		if d.Name == "test-country" && d.Updated != time.Date(2027, 1, 5, 0, 0, 0, 0, time.UTC) {
			t.Errorf("test-country updated %v", d.Updated)
		}
	}
	if strings.Join(names, ",") != "test-country,test-asn,network-class" {
		t.Errorf("datasets %v", names)
	}

	// The embedded data written out is a snapshot file too.
	path := filepath.Join(t.TempDir(), "embedded.bin")
	if err := os.WriteFile(path, embeddedSnapshot, 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	a, b := f.cur.Load().tables.lookup(netip.MustParseAddr("8.8.8.8")), open(t).cur.Load().tables.lookup(netip.MustParseAddr("8.8.8.8"))
	if *a.Geo != *b.Geo || *a.Network != *b.Network || a.Prefix != b.Prefix {
		t.Errorf("the embedded data from a file answers %+v, embedded %+v", a, b)
	}
}

// TestOpenFileRefusesBadFiles: anything but a whole, valid snapshot is a
// one-line error wrapping source.ErrMalformed (or the os error for a missing file).
func TestOpenFileRefusesBadFiles(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	flipped := bytes.Clone(embeddedSnapshot)
	flipped[len(flipped)/2] ^= 1
	noManifest, err := snapshot.Build(loadFixture(t).in)
	if err != nil {
		t.Fatal(err)
	}
	undated, err := snapshot.Encode(noManifest)
	if err != nil {
		t.Fatal(err)
	}
	huge := filepath.Join(dir, "huge.bin")
	if err := os.WriteFile(huge, embeddedSnapshot, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(huge, maxFile+1); err != nil { // sparse: no disk used
		t.Fatal(err)
	}
	for name, path := range map[string]string{
		"empty":         write("empty.bin", nil),
		"text":          write("text.bin", []byte("not a snapshot\n")),
		"truncated":     write("cut.bin", embeddedSnapshot[:len(embeddedSnapshot)-100]),
		"flipped byte":  write("flipped.bin", flipped),
		"extra bytes":   write("extra.bin", append(bytes.Clone(embeddedSnapshot), 0)),
		"no manifest":   write("undated.bin", undated),
		"over the size": huge,
	} {
		t.Run(name, func(t *testing.T) {
			s, err := OpenFile(path)
			if !errors.Is(err, source.ErrMalformed) || s != nil {
				t.Fatalf("got %v, %v; want source.ErrMalformed", s, err)
			}
			if msg := err.Error(); strings.Contains(msg, "\n") || !strings.Contains(msg, path) {
				t.Errorf("error %q: want one line naming the file", msg)
			}
		})
	}
	if _, err := OpenFile(filepath.Join(dir, "absent.bin")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("absent file: %v", err)
	}
}

// TestStaleWarning: Open logs one Warn when the snapshot is older than
// StaleAfter and live mode is off, and nothing otherwise.
func TestStaleWarning(t *testing.T) {
	built, err := time.Parse(time.DateOnly, open(t).cur.Load().manifest.Snapshot)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		age   time.Duration
		live  bool
		warns bool
	}{
		{"fresh", 30 * 24 * time.Hour, false, false},
		{"just under", StaleAfter - time.Hour, false, false},
		{"stale", StaleAfter + 24*time.Hour, false, true},
		{"stale but live", StaleAfter + 24*time.Hour, true, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			opts := []Option{WithLogger(slog.New(slog.NewTextHandler(&buf, nil))), withClock(built.Add(tc.age))}
			if tc.live {
				opts = append(opts, WithLive(t.TempDir()), WithStartupBudget(50*time.Millisecond),
					WithHTTPClient(&http.Client{Transport: failingTransport{}}))
			}
			s, err := Open(opts...)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			out := buf.String()
			lines := strings.Count(out, "\n")
			switch {
			case tc.warns && (lines != 1 || !strings.Contains(out, "level=WARN") || !strings.Contains(out, "snapshot="+built.Format(time.DateOnly))):
				t.Errorf("logged %q, want one Warn naming the snapshot date", out)
			case !tc.warns && out != "":
				t.Errorf("logged %q, want nothing", out)
			}
		})
	}
	if _, err := Open(WithLogger(nil)); err == nil {
		t.Error("WithLogger(nil) accepted")
	}
}

// failingTransport fails every request at once, as a machine with no
// network does.
type failingTransport struct{}

func (failingTransport) RoundTrip(*http.Request) (*http.Response, error) {
	return nil, errors.New("no network")
}
