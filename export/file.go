package export

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// Format is a file format [Table.WriteFile] writes.
type Format struct {
	// MMDB is the database type to write, for an MMDB; empty for CSV.
	MMDB DatabaseType
}

// CSV is the range CSV format of [Table.WriteCSV].
var CSV = Format{}

// MMDB is the MaxMind DB format of [Table.WriteMMDB] with type typ.
func MMDB(typ DatabaseType) Format { return Format{MMDB: typ} }

// WriteFile writes the table to path in format f, all or nothing: into a
// temporary file in path's directory, synced, then renamed over path. On
// any failure (an unwritable directory, a full disk, a writer error) the
// temporary file is removed, path is left as it was, and the error says
// what failed. The file is readable by all (mode 0644), as servers such as
// nginx run as another user. progress, when not nil, is called as the
// write advances. WriteFile stops, writing nothing, when ctx is done.
func (t *Table) WriteFile(ctx context.Context, path string, f Format, progress func(Progress)) (int64, error) {
	return t.writeFile(ctx, path, f, progress, createTemp)
}

// writeFile is WriteFile with the function that creates the temporary
// file: tests pass one whose file fails.
func (t *Table) writeFile(ctx context.Context, path string, f Format, progress func(Progress),
	create func(dir, pattern string) (tempFile, error)) (n int64, err error) {
	if f.MMDB != "" && !validType(f.MMDB) {
		return 0, fmt.Errorf("%w: %q", errInvalidType, f.MMDB)
	}
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	tmp, err := create(dir, "."+base+".tmp-*")
	if err != nil {
		return 0, fmt.Errorf("export: writing %s: %w", path, err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if f.MMDB != "" {
		n, err = t.writeMMDB(ctx, tmp, f.MMDB, progress)
	} else {
		n, err = t.writeCSV(ctx, tmp, progress)
	}
	if err == nil {
		err = tmp.Sync()
	}
	if err == nil {
		err = tmp.Chmod(0o644)
	}
	if err == nil {
		err = tmp.Close()
	}
	if err == nil {
		err = ctx.Err()
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		return n, fmt.Errorf("export: writing %s: %w", path, err)
	}
	return n, nil
}

// tempFile is what WriteFile needs of an *os.File; tests substitute one
// that fails.
type tempFile interface {
	io.Writer
	Name() string
	Sync() error
	Chmod(os.FileMode) error
	Close() error
}

// createTemp creates the temporary file in dir.
func createTemp(dir, pattern string) (tempFile, error) { return os.CreateTemp(dir, pattern) }

func validType(t DatabaseType) bool {
	for _, v := range databaseTypes() {
		if v == t {
			return true
		}
	}
	return false
}
