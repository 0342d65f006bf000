package mmdb_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/ipintel/ipintel/source"
	"github.com/ipintel/ipintel/source/mmdb"
)

func TestDatasets(t *testing.T) {
	path := filepath.Join(t.TempDir(), "country.mmdb")
	writeCountryDB(t, path, "GeoLite2-Country", "DE")
	before := time.Now()
	s, err := mmdb.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	var _ source.DatasetReporter = s
	ds := s.Datasets()
	if len(ds) != 1 {
		t.Fatalf("Datasets = %+v, want one", ds)
	}
	d := ds[0]
	if d.Name != "GeoLite2-Country" || d.Version != "1" || !d.Updated.Equal(time.Unix(1, 0)) ||
		d.Origin != source.OriginFile || d.Entries <= 0 || d.LastError != nil || d.LastRefresh.Before(before) {
		t.Errorf("dataset = %+v", d)
	}

	if err := os.WriteFile(path, []byte("not an mmdb file"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := s.Reload(context.Background()); err == nil {
		t.Fatal("a broken file reloaded")
	}
	after := s.Datasets()
	if len(after) != 1 || after[0].LastError == nil || after[0].Name != "GeoLite2-Country" || !after[0].LastRefresh.Equal(d.LastRefresh) {
		t.Errorf("after a failed reload: %+v, want the old data with the error", after)
	}

	s.Close()
	if got := s.Datasets(); got != nil {
		t.Errorf("after Close: %+v", got)
	}
}
