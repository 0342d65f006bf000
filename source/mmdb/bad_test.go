package mmdb_test

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ipintel/ipintel/internal/realdata"
	"github.com/ipintel/ipintel/source"
	"github.com/ipintel/ipintel/source/mmdb"
)

func badFiles(t testing.TB) []string {
	dir := realdata.Path(t, "maxmind-MaxMind-DB", "bad-data")
	var files []string
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".mmdb") {
			files = append(files, p)
		}
		return err
	})
	if err != nil || len(files) == 0 {
		t.Fatalf("no bad data in %s: %v", dir, err)
	}
	return files
}

// readableWithSchema are bad-data files that trouble libmaxminddb but
// whose tree and records maxminddb-golang reads correctly; with a schema
// that maps their records they open, and WithVerify refuses them.
var readableWithSchema = map[string]bool{
	"libmaxminddb-corrupt-search-tree.mmdb":          true,
	"libmaxminddb-empty-array-last-in-metadata.mmdb": true,
	"libmaxminddb-empty-map-last-in-metadata.mmdb":   true,
	"libmaxminddb-uint64-max-epoch.mmdb":             true,
}

// TestBadData opens every file of MaxMind's bad-data set from a file and
// from bytes, with the default mapping, with a schema, and with WithVerify.
// Each must give an error — at Open, or at the lookup of an address — but
// the few that maxminddb-golang reads correctly, which open through a
// schema; none may panic or hang.
func TestBadData(t *testing.T) {
	schema := mmdb.WithSchema(mmdb.Schema{CountryCode: "ip"})
	for _, file := range badFiles(t) {
		base := filepath.Base(file)
		t.Run(base, func(t *testing.T) {
			for _, c := range []struct {
				name    string
				opts    []mmdb.Option
				wantErr bool
			}{
				{"default", nil, true},
				{"schema", []mmdb.Option{schema}, !readableWithSchema[base]},
				{"verify", []mmdb.Option{schema, mmdb.WithVerify()}, true},
				{"in-memory", []mmdb.Option{mmdb.WithInMemory()}, true},
			} {
				done := make(chan error, 1)
				go func() { done <- openAndProbe(file, c.opts) }()
				select {
				case err := <-done:
					if err != nil && strings.Contains(err.Error(), "PANIC") {
						t.Fatalf("%s: %v", c.name, err)
					}
					if c.wantErr && err == nil {
						t.Errorf("%s: no error", c.name)
					}
					if !c.wantErr && err != nil {
						t.Errorf("%s: %v", c.name, err)
					}
				case <-time.After(20 * time.Second):
					t.Fatalf("%s: hung: no answer in 20 s", c.name)
				}
			}
		})
	}
}

var probeAddrs = []string{"1.1.1.1", "1.1.1.3", "1.1.1.32", "1.2.3.4", "128.0.0.1", "::1:ffff:ffff", "::2:0:0", "2001:db8::1", "255.255.255.255", "::"}

// openAndProbe opens file from disk and from bytes and looks up a few
// addresses; it returns the errors met, or nil when both opened and
// answered.
func openAndProbe(file string, opts []mmdb.Option) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("PANIC: %v", p)
		}
	}()
	b, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	var errs []error
	for _, open := range []func() (*mmdb.Source, error){
		func() (*mmdb.Source, error) { return mmdb.Open(file, opts...) },
		func() (*mmdb.Source, error) { return mmdb.OpenBytes(b, opts...) },
	} {
		s, err := open()
		if err != nil {
			if !errors.Is(err, source.ErrMalformed) && !errors.Is(err, source.ErrInvalidInput) {
				return fmt.Errorf("untyped error: %w", err)
			}
			errs = append(errs, err)
			continue
		}
		for _, a := range probeAddrs {
			if _, err := s.Lookup(context.Background(), netip.MustParseAddr(a)); err != nil {
				errs = append(errs, err)
			}
		}
		s.Close()
	}
	return errors.Join(errs...)
}
