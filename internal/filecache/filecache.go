// Package filecache keeps the last good copy of a downloaded file on disk,
// durably: one file holding a magic line, one line of JSON metadata
// (validators, when it was saved, the body's length and SHA-256) and the
// body, written to a temporary file, fsynced, renamed over the old copy and
// the directory fsynced. A crash at any point leaves either the old copy or
// the new one; a torn or altered file fails its checksum and is not used.
//
// It is internal: source/feed and builtin's live mode share it.
package filecache

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/ipintel/ipintel/internal/oneline"
)

// Magic is the first line of a cache file.
const Magic = "ipintel-feed-cache 1\n"

// maxMeta bounds the metadata line.
const maxMeta = 4 << 10

// Meta is the metadata line of a cache file.
type Meta struct {
	// URLHash is the hex SHA-256 of the feed's URL: enough to tell a copy
	// of another URL, without writing a token in the URL's query to disk.
	URLHash string `json:"url_sha256,omitempty"`
	// URL is only in the metadata of the two-file layout of earlier
	// versions; Save never writes it.
	URL          string    `json:"url,omitempty"`
	ETag         string    `json:"etag,omitempty"`
	LastModified string    `json:"last_modified,omitempty"`
	Saved        time.Time `json:"saved"`
	Size         int64     `json:"size"`
	SHA256       string    `json:"sha256"`
}

// ErrCorrupt marks a cache file that is not a whole, intact copy.
var ErrCorrupt = errors.New("filecache: cache file corrupt")

// Encode returns the cache file for body.
func Encode(m Meta, body []byte) ([]byte, error) {
	sum := sha256.Sum256(body)
	m.Size, m.SHA256 = int64(len(body)), hex.EncodeToString(sum[:])
	mb, err := json.Marshal(m)
	if err != nil {
		return nil, err
	}
	out := make([]byte, 0, len(Magic)+len(mb)+1+len(body))
	out = append(out, Magic...)
	out = append(out, mb...)
	out = append(out, '\n')
	return append(out, body...), nil
}

// Decode checks a cache file and returns its metadata and body.
func Decode(data []byte) (Meta, []byte, error) {
	var m Meta
	rest, ok := bytes.CutPrefix(data, []byte(Magic))
	if !ok {
		return m, nil, fmt.Errorf("%w: no header", ErrCorrupt)
	}
	i := bytes.IndexByte(rest[:min(len(rest), maxMeta)], '\n')
	if i < 0 {
		return m, nil, fmt.Errorf("%w: no metadata line", ErrCorrupt)
	}
	if err := json.Unmarshal(rest[:i], &m); err != nil {
		return m, nil, fmt.Errorf("%w: metadata: %v", ErrCorrupt, err)
	}
	body := rest[i+1:]
	sum := sha256.Sum256(body)
	if int64(len(body)) != m.Size || hex.EncodeToString(sum[:]) != m.SHA256 {
		return m, nil, fmt.Errorf("%w: body is %d bytes, want %d, or its checksum differs", ErrCorrupt, len(body), m.Size)
	}
	return m, body, nil
}

// urlHash is the hex SHA-256 of url.
func urlHash(url string) string {
	sum := sha256.Sum256([]byte(url))
	return hex.EncodeToString(sum[:])
}

// baseName returns the cache path of a feed and URL, without extension.
func baseName(dir, name, url string) string {
	sum := sha256.Sum256([]byte(url))
	safe := strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' {
			return r
		}
		return '_'
	}, name)
	if len(safe) > 64 {
		safe = safe[:64]
	}
	return filepath.Join(dir, safe+"-"+hex.EncodeToString(sum[:6]))
}

// Cache is where one URL feed keeps its last good copy.
type Cache struct {
	dir  string
	base string // baseName of the feed
	url  string
	max  int64 // Spec.MaxBytes plus room for the header
}

// New returns the cache of the file at url, called name, in dir; bodies
// larger than maxBody are not read back.
func New(dir, name, url string, maxBody int64) *Cache {
	return &Cache{dir: dir, base: baseName(dir, name, url), url: url, max: maxBody + len64(Magic) + maxMeta + 1}
}

func len64(s string) int64 { return int64(len(s)) }

// Path is the cache file.
func (c *Cache) Path() string { return c.base + ".cache" }

// load reads the cached copy. Its age is from the later of when it was
// downloaded and when a server last said it had not changed (the file's
// modification time, touched on 304). A copy in the layout of earlier
// versions (body and metadata in two files) is read too.
func (c *Cache) Load() (m Meta, body []byte, confirmed time.Time, err error) {
	fh, err := os.Open(c.Path())
	if errors.Is(err, os.ErrNotExist) {
		return c.loadOld()
	}
	if err != nil {
		return m, nil, confirmed, err
	}
	defer fh.Close()
	data, err := readAll(fh, c.max)
	if err != nil {
		return m, nil, confirmed, err
	}
	m, body, err = Decode(data)
	if err != nil {
		return m, nil, confirmed, fmt.Errorf("%s: %w", c.Path(), err)
	}
	if m.URLHash != urlHash(c.url) {
		return m, nil, confirmed, fmt.Errorf("%w: %s holds another URL", ErrCorrupt, c.Path())
	}
	confirmed = m.Saved
	if fi, err := fh.Stat(); err == nil && fi.ModTime().After(confirmed) {
		confirmed = fi.ModTime()
	}
	return m, body, confirmed, nil
}

// loadOld reads the two-file layout of earlier versions (NAME.feed and
// NAME.json, renamed separately, without a checksum). It is read once: the
// next save writes the new layout and removes it.
func (c *Cache) loadOld() (m Meta, body []byte, confirmed time.Time, err error) {
	mb, err := os.ReadFile(c.base + ".json")
	if err != nil {
		return m, nil, confirmed, err
	}
	if err := json.Unmarshal(mb, &m); err != nil || m.URL != c.url {
		return m, nil, confirmed, fmt.Errorf("%w: %s.json: stale or corrupt metadata", ErrCorrupt, c.base)
	}
	fh, err := os.Open(c.base + ".feed")
	if err != nil {
		return m, nil, confirmed, err
	}
	defer fh.Close()
	if body, err = readAll(fh, c.max); err != nil {
		return m, nil, confirmed, err
	}
	return m, body, m.Saved, nil
}

// save writes body and its validators durably and removes what earlier
// versions or interrupted saves left behind.
func (c *Cache) Save(m Meta, body []byte) error {
	if err := os.MkdirAll(c.dir, 0o755); err != nil {
		return err
	}
	m.URL, m.URLHash = "", urlHash(c.url)
	data, err := Encode(m, body)
	if err != nil {
		return err
	}
	if err := WriteFile(c.Path(), data); err != nil {
		return err
	}
	os.Remove(c.base + ".feed")
	os.Remove(c.base + ".json")
	return nil
}

// touch records that the server confirmed the cached copy is current.
func (c *Cache) Touch(now time.Time) {
	_ = os.Chtimes(c.Path(), now, now)
}

// WriteFile replaces path with data so that a crash leaves either the
// old file or the new one, both whole: temporary file, fsync, rename,
// fsync of the directory.
func WriteFile(path string, data []byte) error {
	dir := filepath.Dir(path)
	// Temporary files an interrupted save left behind.
	if old, _ := filepath.Glob(path + ".tmp-*"); len(old) > 0 {
		for _, p := range old {
			os.Remove(p)
		}
	}
	tmp, err := os.CreateTemp(dir, filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	_, werr := tmp.Write(data)
	serr := tmp.Sync()
	cerr := tmp.Close()
	if err := oneline.Join(werr, serr, cerr); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	return syncDir(dir)
}

// syncDir makes a rename in dir durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	return err
}

// readAll reads r up to limit bytes and fails beyond.
func readAll(r io.Reader, limit int64) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("filecache: more than %d bytes", limit)
	}
	return data, nil
}
