package mmdb

import (
	"fmt"
	"log/slog"
	"strings"
	"time"
)

// Option configures [Open] and [OpenBytes].
type Option func(*options) error

type options struct {
	name      string
	lang      string
	schema    *Schema
	cacheSize int
	watch     time.Duration
	inMemory  bool
	maxSize   int64
	verify    bool
	onReload  func(error)
	logger    *slog.Logger
}

// DefaultCacheSize is the number of decoded records kept by default:
// every distinct record of a Country or Anonymous-IP database, fewer than
// a City or ASN database has; about 10 MB of City records.
const DefaultCacheSize = 1 << 15

// DefaultMaxSize is the largest file read into memory by default (with
// [WithWatch] or [WithInMemory]); the largest commercial databases are
// well under it.
const DefaultMaxSize = 4 << 30

// MinWatchInterval is the shortest interval [WithWatch] accepts.
const MinWatchInterval = 10 * time.Millisecond

func defaultOptions() options {
	return options{lang: "en", cacheSize: DefaultCacheSize, maxSize: DefaultMaxSize}
}

// WithName sets the source's name, used in results, errors and as the
// Source of its signals. The default is the database type in lower case,
// "geolite2-city" or "geoip2-anonymous-ip".
func WithName(name string) Option {
	return func(o *options) error {
		if strings.TrimSpace(name) == "" {
			return fmt.Errorf("%w: WithName(\"\")", errInvalidOption)
		}
		o.name = name
		return nil
	}
}

// WithLanguage picks the language of place names ("de", "ja", "pt-BR")
// where the database has them, falling back to English. The default is
// English, which decodes fastest: only the "en" name of each place is read.
func WithLanguage(lang string) Option {
	return func(o *options) error {
		if lang == "" {
			return fmt.Errorf("%w: WithLanguage(\"\")", errInvalidOption)
		}
		o.lang = lang
		return nil
	}
}

// WithSchema reads records through s instead of the mapping chosen from
// the database type. It is how databases of other types are read, and how
// a known type can be read for more (the iCloud Private Relay egress
// database is a "GeoIP2-Country" whose every network is a relay).
func WithSchema(s Schema) Option {
	return func(o *options) error {
		o.schema = &s
		return nil
	}
}

// WithCacheSize sets how many decoded records are kept, keyed by their
// offset in the database, so that the many networks sharing one record
// decode it once. When the cache is full it starts again empty. 0 turns
// it off. The default is [DefaultCacheSize].
func WithCacheSize(n int) Option {
	return func(o *options) error {
		if n < 0 || n > 1<<24 {
			return fmt.Errorf("%w: WithCacheSize(%d): outside 0–%d", errInvalidOption, n, 1<<24)
		}
		o.cacheSize = n
		return nil
	}
}

// WithWatch checks the file every interval and reloads it when its size,
// modification time or identity (inode) changes. It implies
// [WithInMemory], so that a file rewritten in place cannot disturb lookups.
func WithWatch(interval time.Duration) Option {
	return func(o *options) error {
		if interval < MinWatchInterval {
			return fmt.Errorf("%w: WithWatch(%v): below %v", errInvalidOption, interval, MinWatchInterval)
		}
		o.watch = interval
		o.inMemory = true
		return nil
	}
}

// WithInMemory reads the whole file into memory instead of mapping it. It
// costs the file's size in heap but makes the source immune to the file
// being rewritten in place, which crashes readers of a mapped file.
func WithInMemory() Option {
	return func(o *options) error {
		o.inMemory = true
		return nil
	}
}

// WithMaxSize bounds the file size read into memory; a larger file is an
// error. The default is [DefaultMaxSize].
func WithMaxSize(n int64) Option {
	return func(o *options) error {
		if n <= 0 {
			return fmt.Errorf("%w: WithMaxSize(%d): must be positive", errInvalidOption, n)
		}
		o.maxSize = n
		return nil
	}
}

// WithVerify checks the whole database (search tree and every record)
// when it is opened or reloaded, with maxminddb's Reader.Verify. It takes
// about as long as reading every record once; use it for files from
// sources you do not trust.
func WithVerify() Option {
	return func(o *options) error {
		o.verify = true
		return nil
	}
}

// WithOnReload calls f after every reload attempt, from the watcher or
// [Source.Reload], with nil on success or the reason the new file was
// refused (the old data is kept). It is called from the reloading
// goroutine, after the new database is in place; it must not block for
// long.
func WithOnReload(f func(error)) Option {
	return func(o *options) error {
		o.onReload = f
		return nil
	}
}

// WithLogger logs reloads and refused files to l. A nil l is an error, as
// in every package of this module: leave the option out to log nothing.
func WithLogger(l *slog.Logger) Option {
	return func(o *options) error {
		if l == nil {
			return fmt.Errorf("%w: WithLogger(nil)", errInvalidOption)
		}
		o.logger = l
		return nil
	}
}
