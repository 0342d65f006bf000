package mmdb_test

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ipintel/ipintel/internal/realdata"
	"github.com/ipintel/ipintel/source"
	"github.com/ipintel/ipintel/source/mmdb"
	"github.com/ipintel/ipintel/source/sourcetest"
)

// TestEnumerate checks that the listing of each sample database, and of
// each of MaxMind's test databases this package opens, is what Lookup
// answers.
func TestEnumerate(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("..", "..", "testdata", "*.mmdb"))
	if dir := realdata.Root(); dir != "" {
		more, _ := filepath.Glob(filepath.Join(dir, "maxmind-MaxMind-DB", "test-data", "*.mmdb"))
		files = append(files, more...)
	}
	if len(files) < 3 {
		t.Fatalf("only %d databases", len(files))
	}
	for _, f := range files {
		base := filepath.Base(f)
		if strings.Contains(strings.ToLower(base), "broken") || strings.Contains(base, "Invalid") {
			continue
		}
		src, err := mmdb.Open(f)
		if err != nil {
			continue // a type this package does not map: TestMaxMindConformance covers it
		}
		t.Run(strings.TrimSuffix(base, ".mmdb"), func(t *testing.T) {
			sourcetest.Enumeration(t, src, 0)
		})
		src.Close()
	}
}

func TestEnumerateClosed(t *testing.T) {
	src, err := mmdb.Open(filepath.Join("..", "..", "testdata", "ipintel-City.mmdb"))
	if err != nil {
		t.Fatal(err)
	}
	src.Close()
	for _, err := range src.Enumerate(context.Background()) {
		if !errors.Is(err, source.ErrClosed) {
			t.Fatalf("Enumerate after Close: %v", err)
		}
		return
	}
	t.Fatal("Enumerate after Close yielded nothing")
}
