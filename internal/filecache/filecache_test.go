package filecache

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestCacheCrashLeavesLastGoodCopy simulates a crash at every point of a
// save: a temporary file cut at any length beside the old copy, and a
// final file cut at any length (a file system that lost the rename's
// ordering). The first must load the old copy; the second must be refused,
// never served in part.
func TestCacheCrashLeavesLastGoodCopy(t *testing.T) {
	dir := t.TempDir()
	c := New(dir, "vpn", "https://example.test/list", 1<<20)
	good := []byte("192.0.2.1\n192.0.2.2\n")
	if err := c.Save(Meta{ETag: `"a"`, Saved: time.Now().UTC()}, good); err != nil {
		t.Fatal(err)
	}
	next, err := Encode(Meta{URLHash: urlHash(c.url), ETag: `"b"`, Saved: time.Now().UTC()}, []byte("198.51.100.1\n"))
	if err != nil {
		t.Fatal(err)
	}
	for cut := 0; cut <= len(next); cut++ {
		// Crash before the rename: a partial temporary file.
		tmp := c.Path() + ".tmp-crash"
		if err := os.WriteFile(tmp, next[:cut], 0o644); err != nil {
			t.Fatal(err)
		}
		m, body, _, err := c.Load()
		if err != nil || !bytes.Equal(body, good) || m.ETag != `"a"` {
			t.Fatalf("cut %d before rename: %q, %v; want the last good copy", cut, body, err)
		}
		os.Remove(tmp)
	}
	for cut := 0; cut < len(next); cut++ {
		// A torn final file.
		if err := os.WriteFile(c.Path(), next[:cut], 0o644); err != nil {
			t.Fatal(err)
		}
		if _, body, _, err := c.Load(); err == nil {
			t.Fatalf("cut %d of the final file loaded %q", cut, body)
		}
	}
	// A save after a crash cleans up what the crash left.
	os.WriteFile(c.Path()+".tmp-left", []byte("x"), 0o644)
	if err := c.Save(Meta{Saved: time.Now().UTC()}, good); err != nil {
		t.Fatal(err)
	}
	if left, _ := filepath.Glob(c.Path() + ".tmp-*"); len(left) != 0 {
		t.Errorf("left behind: %v", left)
	}
	if _, body, _, err := c.Load(); err != nil || !bytes.Equal(body, good) {
		t.Errorf("after save: %q, %v", body, err)
	}
}

// TestCacheAlteredBodyRefused: a flipped byte fails the checksum.
func TestCacheAlteredBodyRefused(t *testing.T) {
	c := New(t.TempDir(), "vpn", "https://example.test/list", 1<<20)
	if err := c.Save(Meta{Saved: time.Now().UTC()}, []byte("192.0.2.1\n")); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(c.Path())
	data[len(data)-2] ^= 1
	os.WriteFile(c.Path(), data, 0o644)
	if _, _, _, err := c.Load(); !errors.Is(err, ErrCorrupt) {
		t.Errorf("altered body: %v", err)
	}
	// Another URL's copy under a colliding name is not used either.
	other := New(c.dir, "vpn", "https://example.test/other", 1<<20)
	other.base = c.base
	c.Save(Meta{}, []byte("192.0.2.1\n"))
	if _, _, _, err := other.Load(); !errors.Is(err, ErrCorrupt) {
		t.Errorf("other URL: %v", err)
	}
}

// TestCacheOldLayoutReadOnce: the two-file layout of earlier versions is
// read, and the next save replaces it with the one-file layout.
func TestCacheOldLayoutReadOnce(t *testing.T) {
	dir := t.TempDir()
	c := New(dir, "vpn", "https://example.test/list", 1<<20)
	os.WriteFile(c.base+".feed", []byte("192.0.2.7\n"), 0o644)
	os.WriteFile(c.base+".json", []byte(`{"url":"https://example.test/list","etag":"\"old\"","saved":"2026-01-01T00:00:00Z"}`), 0o644)
	m, body, _, err := c.Load()
	if err != nil || string(body) != "192.0.2.7\n" || m.ETag != `"old"` {
		t.Fatalf("old layout: %+v %q %v", m, body, err)
	}
	if err := c.Save(m, body); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{c.base + ".feed", c.base + ".json"} {
		if _, err := os.Stat(p); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s still there", p)
		}
	}
	if _, body, _, err := c.Load(); err != nil || string(body) != "192.0.2.7\n" {
		t.Errorf("new layout: %q %v", body, err)
	}
}

// FuzzDecode: any bytes decode to an intact copy or an error, never
// a panic, and whatever decodes re-encodes to the same bytes' body.
func FuzzDecode(f *testing.F) {
	good, _ := Encode(Meta{URL: "https://example.test/", ETag: `"e"`, Saved: time.Unix(1, 0).UTC()}, []byte("192.0.2.1\n"))
	f.Add(good)
	f.Add([]byte(Magic))
	f.Add([]byte(Magic + "{}\n"))
	f.Add([]byte(Magic + `{"size":-1}` + "\n"))
	f.Add([]byte(Magic + `{"size":1,"sha256":"zz"}` + "\nx"))
	f.Add([]byte("not a cache file"))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, body, err := Decode(data)
		if err != nil {
			if !errors.Is(err, ErrCorrupt) {
				t.Fatalf("error %v is not ErrCorrupt", err)
			}
			return
		}
		if int64(len(body)) != m.Size {
			t.Fatalf("body %d bytes, meta says %d", len(body), m.Size)
		}
	})
}

// A token in the URL's query never reaches the disk: the cache keeps only
// the URL's hash.
func TestCacheDoesNotWriteTheURL(t *testing.T) {
	c := New(t.TempDir(), "list", "https://example.test/list?token=s3cret", 1<<20)
	if err := c.Save(Meta{Saved: time.Now().UTC()}, []byte("192.0.2.1\n")); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(c.Path())
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(data, []byte("s3cret")) || bytes.Contains(data, []byte("example.test")) {
		t.Errorf("cache file holds the URL: %q", data)
	}
	if _, body, _, err := c.Load(); err != nil || string(body) != "192.0.2.1\n" {
		t.Errorf("Load: %q, %v", body, err)
	}
}
