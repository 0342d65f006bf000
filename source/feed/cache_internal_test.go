package feed

import (
	"bytes"
	"context"
	"errors"
	"net/netip"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/ipintel/ipintel/source"
)

// TestCacheCrashLeavesLastGoodCopy simulates a crash at every point of a
// save: a temporary file cut at any length beside the old copy, and a
// final file cut at any length (a file system that lost the rename's
// ordering). The first must load the old copy; the second must be refused,
// never served in part.
func TestCacheCrashLeavesLastGoodCopy(t *testing.T) {
	dir := t.TempDir()
	c := newDiskCache(dir, "vpn", "https://example.test/list", 1<<20)
	good := []byte("192.0.2.1\n192.0.2.2\n")
	if err := c.save(cacheMeta{ETag: `"a"`, Saved: time.Now().UTC()}, good); err != nil {
		t.Fatal(err)
	}
	next, err := encodeCache(cacheMeta{URL: c.url, ETag: `"b"`, Saved: time.Now().UTC()}, []byte("198.51.100.1\n"))
	if err != nil {
		t.Fatal(err)
	}
	for cut := 0; cut <= len(next); cut++ {
		// Crash before the rename: a partial temporary file.
		tmp := c.path() + ".tmp-crash"
		if err := os.WriteFile(tmp, next[:cut], 0o644); err != nil {
			t.Fatal(err)
		}
		m, body, _, err := c.load()
		if err != nil || !bytes.Equal(body, good) || m.ETag != `"a"` {
			t.Fatalf("cut %d before rename: %q, %v; want the last good copy", cut, body, err)
		}
		os.Remove(tmp)
	}
	for cut := 0; cut < len(next); cut++ {
		// A torn final file.
		if err := os.WriteFile(c.path(), next[:cut], 0o644); err != nil {
			t.Fatal(err)
		}
		if _, body, _, err := c.load(); err == nil {
			t.Fatalf("cut %d of the final file loaded %q", cut, body)
		}
	}
	// A save after a crash cleans up what the crash left.
	os.WriteFile(c.path()+".tmp-left", []byte("x"), 0o644)
	if err := c.save(cacheMeta{Saved: time.Now().UTC()}, good); err != nil {
		t.Fatal(err)
	}
	if left, _ := filepath.Glob(c.path() + ".tmp-*"); len(left) != 0 {
		t.Errorf("left behind: %v", left)
	}
	if _, body, _, err := c.load(); err != nil || !bytes.Equal(body, good) {
		t.Errorf("after save: %q, %v", body, err)
	}
}

// TestCacheAlteredBodyRefused: a flipped byte fails the checksum.
func TestCacheAlteredBodyRefused(t *testing.T) {
	c := newDiskCache(t.TempDir(), "vpn", "https://example.test/list", 1<<20)
	if err := c.save(cacheMeta{Saved: time.Now().UTC()}, []byte("192.0.2.1\n")); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(c.path())
	data[len(data)-2] ^= 1
	os.WriteFile(c.path(), data, 0o644)
	if _, _, _, err := c.load(); !errors.Is(err, errCacheCorrupt) {
		t.Errorf("altered body: %v", err)
	}
	// Another URL's copy under a colliding name is not used either.
	other := newDiskCache(c.dir, "vpn", "https://example.test/other", 1<<20)
	other.base = c.base
	c.save(cacheMeta{}, []byte("192.0.2.1\n"))
	if _, _, _, err := other.load(); !errors.Is(err, errCacheCorrupt) {
		t.Errorf("other URL: %v", err)
	}
}

// TestCacheOldLayoutReadOnce: the two-file layout of earlier versions is
// read, and the next save replaces it with the one-file layout.
func TestCacheOldLayoutReadOnce(t *testing.T) {
	dir := t.TempDir()
	c := newDiskCache(dir, "vpn", "https://example.test/list", 1<<20)
	os.WriteFile(c.base+".feed", []byte("192.0.2.7\n"), 0o644)
	os.WriteFile(c.base+".json", []byte(`{"url":"https://example.test/list","etag":"\"old\"","saved":"2026-01-01T00:00:00Z"}`), 0o644)
	m, body, _, err := c.load()
	if err != nil || string(body) != "192.0.2.7\n" || m.ETag != `"old"` {
		t.Fatalf("old layout: %+v %q %v", m, body, err)
	}
	if err := c.save(m, body); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{c.base + ".feed", c.base + ".json"} {
		if _, err := os.Stat(p); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s still there", p)
		}
	}
	if _, body, _, err := c.load(); err != nil || string(body) != "192.0.2.7\n" {
		t.Errorf("new layout: %q %v", body, err)
	}
}

// FuzzDecodeCache: any bytes decode to an intact copy or an error, never
// a panic, and whatever decodes re-encodes to the same bytes' body.
func FuzzDecodeCache(f *testing.F) {
	good, _ := encodeCache(cacheMeta{URL: "https://example.test/", ETag: `"e"`, Saved: time.Unix(1, 0).UTC()}, []byte("192.0.2.1\n"))
	f.Add(good)
	f.Add([]byte(cacheMagic))
	f.Add([]byte(cacheMagic + "{}\n"))
	f.Add([]byte(cacheMagic + `{"size":-1}` + "\n"))
	f.Add([]byte(cacheMagic + `{"size":1,"sha256":"zz"}` + "\nx"))
	f.Add([]byte("not a cache file"))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, body, err := decodeCache(data)
		if err != nil {
			if !errors.Is(err, errCacheCorrupt) {
				t.Fatalf("error %v is not errCacheCorrupt", err)
			}
			return
		}
		if int64(len(body)) != m.Size {
			t.Fatalf("body %d bytes, meta says %d", len(body), m.Size)
		}
	})
}

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
	rebuildFault = func() error { return errMerge }
	defer func() { rebuildFault = nil }()
	os.WriteFile(path, []byte("192.0.2.0/24\n198.51.100.0/24\n"), 0o644)
	if err := a.Reload(context.Background()); err != nil { // the member itself is fine
		t.Fatal(err)
	}
	if !errors.Is(set.LastError(), errMerge) {
		t.Errorf("LastError = %v", set.LastError())
	}
	if ds := set.Datasets(); !errors.Is(ds[0].LastError, errMerge) {
		t.Errorf("Datasets = %+v", ds)
	}
	if r := set.snap.Load().lookup(netip.MustParseAddr("198.51.100.1")); !r.IsZero() {
		t.Error("the failed merge was published")
	}
	rebuildFault = nil
	if err := set.Reload(context.Background()); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(path, []byte("192.0.2.0/24\n198.51.100.0/24\n203.0.113.0/24\n"), 0o644)
	if err := a.Reload(context.Background()); err != nil || set.LastError() != nil {
		t.Errorf("after a good rebuild: %v, %v", err, set.LastError())
	}
}
