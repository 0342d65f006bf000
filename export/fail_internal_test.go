package export

import (
	"bytes"
	"context"
	"errors"
	"iter"
	"net/netip"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/ipintel/ipintel"
	"github.com/ipintel/ipintel/source"
)

// listSource is a local source that lists fixed records.
type listSource struct {
	name string
	recs []source.Record
	err  error // yielded after the records
}

func (s *listSource) Name() string { return s.name }

func (s *listSource) Lookup(_ context.Context, a netip.Addr) (source.Record, error) {
	best := source.Record{}
	for _, r := range s.recs {
		if r.Prefix.Contains(a) && (!best.Prefix.IsValid() || r.Prefix.Bits() > best.Prefix.Bits()) {
			best = r
		}
	}
	return best, nil
}

func (s *listSource) Enumerate(context.Context) iter.Seq2[source.Record, error] {
	return func(yield func(source.Record, error) bool) {
		for _, r := range s.recs {
			if !yield(r, nil) {
				return
			}
		}
		if s.err != nil {
			yield(source.Record{}, s.err)
		}
	}
}

// remoteSource cannot list its data.
type remoteSource struct{}

func (remoteSource) Name() string { return "remote" }
func (remoteSource) Lookup(context.Context, netip.Addr) (source.Record, error) {
	return source.Record{}, nil
}

func smallSource() *listSource {
	tor := []source.Signal{{Kind: source.Tor, Confidence: 100, Provider: "Tor Project"}}
	return &listSource{name: "list", recs: []source.Record{
		{Prefix: netip.MustParsePrefix("185.220.101.0/24"), Network: &source.Network{ASN: 60729, Organization: "Example"}},
		{Prefix: netip.MustParsePrefix("185.220.101.1/32"), Signals: tor},
		{Prefix: netip.MustParsePrefix("2a0b:f4c2::/32"), Geo: &source.Geo{CountryCode: "DE"}},
	}}
}

func newClient(t *testing.T, srcs ...source.Source) *ipintel.Client {
	t.Helper()
	c, err := ipintel.New(ipintel.WithSources(srcs...))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func TestBuildErrors(t *testing.T) {
	ctx := context.Background()
	t.Run("not enumerable", func(t *testing.T) {
		c := newClient(t, smallSource(), remoteSource{})
		if _, err := Build(ctx, c); !errors.Is(err, ErrNotEnumerable) {
			t.Fatalf("Build: %v, want ErrNotEnumerable", err)
		}
		tab, err := Build(ctx, c, WithPartial())
		if err != nil {
			t.Fatal(err)
		}
		if s := tab.Skipped(); len(s) != 1 || s[0] != "remote" {
			t.Fatalf("Skipped = %q", s)
		}
		// The source's longest match for .1 is the /32, which has no
		// network: the /24's AS is not inherited, as Lookup does.
		e, ok := tab.Lookup(netip.MustParseAddr("185.220.101.1"))
		if !ok || !e.IsTor || e.ASN != 0 || !e.isAnonymous() || e.Provider != "Tor Project" || e.RiskScore == 0 {
			t.Fatalf("Lookup = %+v, %v", e, ok)
		}
		for _, a := range []string{"185.220.101.1", "185.220.101.2", "2a0b:f4c2::1"} {
			r, err := c.Lookup(ctx, a)
			if err != nil {
				t.Fatal(err)
			}
			if e, _ := tab.Lookup(netip.MustParseAddr(a)); e != entryOf(r) {
				t.Errorf("%s: table %+v, Client %+v", a, e, entryOf(r))
			}
		}
		if e, ok := tab.Lookup(netip.MustParseAddr("185.220.101.2")); !ok || e.IsTor || e.ASN != 60729 {
			t.Fatalf("Lookup(.2) = %+v, %v", e, ok)
		}
		if _, ok := tab.Lookup(netip.MustParseAddr("185.220.102.1")); ok {
			t.Fatal("Lookup outside the data found something")
		}
	})
	t.Run("invalid prefix", func(t *testing.T) {
		c := newClient(t, &listSource{name: "bad", recs: []source.Record{{Geo: &source.Geo{CountryCode: "DE"}}}})
		if _, err := Build(ctx, c); !errors.Is(err, source.ErrMalformed) {
			t.Fatalf("Build: %v, want source.ErrMalformed", err)
		}
	})
	t.Run("source error", func(t *testing.T) {
		bad := errors.New("disk on fire")
		s := smallSource()
		s.err = bad
		if _, err := Build(ctx, newClient(t, s)); !errors.Is(err, bad) {
			t.Fatalf("Build: %v, want the source's error", err)
		}
	})
	t.Run("cancelled", func(t *testing.T) {
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		if _, err := Build(cctx, newClient(t, smallSource())); !errors.Is(err, context.Canceled) {
			t.Fatalf("Build: %v, want context.Canceled", err)
		}
	})
}

// failingFile is a temporary file whose writes fail, as on a full disk,
// once limit bytes are written.
type failingFile struct {
	*os.File
	limit int
}

func (f *failingFile) Write(p []byte) (int, error) {
	if len(p) > f.limit {
		n, _ := f.File.Write(p[:f.limit])
		f.limit = 0
		return n, &os.PathError{Op: "write", Path: f.Name(), Err: syscall.ENOSPC}
	}
	f.limit -= len(p)
	return f.File.Write(p)
}

// TestWriteFileLeavesNothing: every failure leaves the target as it was
// and no temporary file behind, and says what failed.
func TestWriteFileLeavesNothing(t *testing.T) {
	ctx := context.Background()
	tab, err := Build(ctx, newClient(t, smallSource()))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	target := filepath.Join(dir, "out.mmdb")
	if err := os.WriteFile(target, []byte("previous"), 0o644); err != nil {
		t.Fatal(err)
	}
	unchanged := func(t *testing.T) {
		t.Helper()
		if b, err := os.ReadFile(target); err != nil || string(b) != "previous" {
			t.Fatalf("target changed: %q, %v", b, err)
		}
		if es, _ := os.ReadDir(dir); len(es) != 1 {
			t.Fatalf("left behind: %v", es)
		}
	}
	for _, f := range []Format{MMDB(Enterprise), CSV} {
		t.Run("full disk "+string(f.MMDB), func(t *testing.T) {
			fullDisk := func(dir, pattern string) (tempFile, error) {
				f, err := os.CreateTemp(dir, pattern)
				return &failingFile{File: f, limit: 100}, err
			}
			_, err := tab.writeFile(ctx, target, f, nil, fullDisk)
			if !errors.Is(err, syscall.ENOSPC) {
				t.Fatalf("WriteFile: %v, want ENOSPC", err)
			}
			unchanged(t)
		})
	}
	t.Run("cancelled", func(t *testing.T) {
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		if _, err := tab.WriteFile(cctx, target, CSV, nil); !errors.Is(err, context.Canceled) {
			t.Fatalf("WriteFile: %v", err)
		}
		unchanged(t)
	})
	t.Run("invalid type", func(t *testing.T) {
		if _, err := tab.WriteFile(ctx, target, MMDB("GeoIP2-City"), nil); !errors.Is(err, source.ErrInvalidOption) {
			t.Fatalf("WriteFile: %v", err)
		}
		if _, err := tab.WriteMMDB(&bytes.Buffer{}, "nonsense"); !errors.Is(err, source.ErrInvalidOption) {
			t.Fatalf("WriteMMDB: %v", err)
		}
		unchanged(t)
	})
	t.Run("no such directory", func(t *testing.T) {
		if _, err := tab.WriteFile(ctx, filepath.Join(dir, "missing", "out.mmdb"), MMDB(Enterprise), nil); !errors.Is(err, os.ErrNotExist) {
			t.Fatalf("WriteFile: %v", err)
		}
		unchanged(t)
	})
	t.Run("directory is a file", func(t *testing.T) {
		if _, err := tab.WriteFile(ctx, filepath.Join(target, "out.mmdb"), CSV, nil); err == nil {
			t.Fatal("WriteFile under a regular file succeeded")
		}
		unchanged(t)
	})
	t.Run("works", func(t *testing.T) {
		n, err := tab.WriteFile(ctx, target, CSV, nil)
		if err != nil {
			t.Fatal(err)
		}
		fi, err := os.Stat(target)
		if err != nil || fi.Size() != n || fi.Mode().Perm() != 0o644 {
			t.Fatalf("target: %v, %v (wrote %d)", fi, err, n)
		}
		if es, _ := os.ReadDir(dir); len(es) != 1 {
			t.Fatalf("left behind: %v", es)
		}
	})
}

// errWriter fails every write.
type errWriter struct{ err error }

func (w errWriter) Write([]byte) (int, error) { return 0, w.err }

func TestWritersReportWriterErrors(t *testing.T) {
	tab, err := Build(context.Background(), newClient(t, smallSource()))
	if err != nil {
		t.Fatal(err)
	}
	bad := errors.New("broken pipe")
	if _, err := tab.WriteMMDB(errWriter{bad}, Enterprise); !errors.Is(err, bad) {
		t.Errorf("WriteMMDB: %v", err)
	}
	if _, err := tab.WriteCSV(errWriter{bad}); !errors.Is(err, bad) {
		t.Errorf("WriteCSV: %v", err)
	}
}
