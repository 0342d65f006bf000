package feed

import (
	"context"
	"errors"
	"net/netip"
	"os"
	"path/filepath"
	"testing"

	"github.com/ipintel/ipintel/source"
)

// TestSetRebuildFailureInStatus: when merging a refreshed member fails,
// the set keeps its table and says so in LastError and Datasets.
func TestSetRebuildFailureInStatus(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "a.txt")
	os.WriteFile(path, []byte("192.0.2.0/24\n"), 0o644)
	a, err := Open(path, Spec{Name: "a", Kind: source.VPN})
	if err != nil {
		t.Fatal(err)
	}
	set, err := NewSet(a)
	if err != nil {
		t.Fatal(err)
	}
	defer set.Close()
	errMerge := errors.New("merge exploded")
	set.mu.Lock()
	set.rebuildFault = func() error { return errMerge }
	set.mu.Unlock()
	os.WriteFile(path, []byte("192.0.2.0/24\n198.51.100.0/24\n"), 0o644)
	if err := a.Reload(context.Background()); err != nil { // the member itself is fine
		t.Fatal(err)
	}
	if !errors.Is(set.lastError(), errMerge) {
		t.Errorf("LastError = %v", set.lastError())
	}
	if ds := set.Datasets(); !errors.Is(ds[0].LastError, errMerge) {
		t.Errorf("Datasets = %+v", ds)
	}
	if r := set.snap.Load().lookup(netip.MustParseAddr("198.51.100.1")); !r.IsZero() {
		t.Error("the failed merge was published")
	}
	set.mu.Lock()
	set.rebuildFault = nil
	set.mu.Unlock()
	if err := set.Reload(context.Background()); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(path, []byte("192.0.2.0/24\n198.51.100.0/24\n203.0.113.0/24\n"), 0o644)
	if err := a.Reload(context.Background()); err != nil || set.lastError() != nil {
		t.Errorf("after a good rebuild: %v, %v", err, set.lastError())
	}
}
