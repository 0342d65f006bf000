package export

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/oschwald/maxminddb-golang/v2"

	"github.com/ipintel/ipintel/cmd/ipintel/internal/cli"
)

func noEnv(string) string { return "" }

// offline is -offline when the data flags have it (live data is then the
// default), so that the tests never reach the network.
func offline() []string {
	fs := flag.NewFlagSet("", flag.ContinueOnError)
	var f cli.Flags
	f.Register(fs)
	if fs.Lookup("offline") != nil {
		return []string{"-offline"}
	}
	return nil
}

func runExport(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var stderr bytes.Buffer
	err := run(context.Background(), append(offline(), args...), noEnv, &stderr)
	return stderr.String(), err
}

// TestExportMMDB exports the embedded data with a Tor list in front and
// reads the file with maxminddb-golang.
func TestExportMMDB(t *testing.T) {
	dir := t.TempDir()
	tor := filepath.Join(dir, "tor.txt")
	if err := os.WriteFile(tor, []byte("185.220.101.1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out.mmdb")
	stderr, err := runExport(t, "-feed", "tor="+tor, "-format", "mmdb", "-o", out)
	if err != nil {
		t.Fatalf("export: %v\n%s", err, stderr)
	}
	for _, want := range []string{"listed builtin", "merged into", "wrote " + out, "ranges", "MB", "from feeds, builtin"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
	db, err := maxminddb.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if db.Metadata.DatabaseType != "GeoIP2-Enterprise" {
		t.Errorf("database_type %q", db.Metadata.DatabaseType)
	}
	var rec struct {
		ASN uint32 `maxminddb:"autonomous_system_number"`
		Tor bool   `maxminddb:"is_tor_exit_node"`
	}
	if err := db.Lookup(netip.MustParseAddr("8.8.8.8")).Decode(&rec); err != nil || rec.ASN != 15169 || rec.Tor {
		t.Errorf("8.8.8.8: %+v, %v", rec, err)
	}
	rec.ASN, rec.Tor = 0, false
	if err := db.Lookup(netip.MustParseAddr("185.220.101.1")).Decode(&rec); err != nil || !rec.Tor {
		t.Errorf("185.220.101.1: %+v, %v", rec, err)
	}
	if es, _ := os.ReadDir(dir); len(es) != 2 {
		t.Errorf("the directory holds %v, want tor.txt and out.mmdb", es)
	}
}

func TestExportCSV(t *testing.T) {
	if testing.Short() {
		t.Skip("a full export")
	}
	out := filepath.Join(t.TempDir(), "out.csv")
	stderr, err := runExport(t, "-q", "-format", "csv", "-o", out)
	if err != nil {
		t.Fatalf("export: %v\n%s", err, stderr)
	}
	if strings.Contains(stderr, "listing") {
		t.Errorf("-q printed progress:\n%s", stderr)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(b, []byte("network,country,")) || !bytes.Contains(b, []byte("\n8.8.8.0/24,US,United States,NA,15169,Google LLC,")) {
		t.Errorf("unexpected CSV: %.300s", b)
	}
}

// TestExportBadInput: each mistake is a clear error and leaves no file.
func TestExportBadInput(t *testing.T) {
	dir := t.TempDir()
	notFeed := filepath.Join(dir, "random.bin")
	if err := os.WriteFile(notFeed, []byte("\x00\x01 this is not\na feed\xff\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out.mmdb")
	for _, c := range []struct {
		args  []string
		usage bool
		want  string
	}{
		{[]string{"-format", "mmdb"}, true, "-o FILE is required"},
		{[]string{"-format", "xml", "-o", out}, true, `-format "xml"`},
		{[]string{"-type", "city", "-o", out}, true, `-type "city"`},
		{[]string{"-o", out, "extra"}, true, "unexpected arguments"},
		{[]string{"-feed", "tor=" + notFeed, "-o", out}, false, "no usable entries"},
		{[]string{"-feed", "tor=" + filepath.Join(dir, "missing.txt"), "-o", out}, false, "missing.txt"},
		{[]string{"-remote", "vectraip", "-o", out}, false, "VECTRAIP_API_KEY"},
		{[]string{"-o", filepath.Join(dir, "no", "such", "dir", "out.mmdb")}, false, "no such file or directory"},
	} {
		stderr, err := runExport(t, c.args...)
		var u usageError
		if err == nil || errors.As(err, &u) != c.usage || !strings.Contains(err.Error(), c.want) {
			t.Errorf("export %q: %v (usage error: %v), want one saying %q\n%s", c.args, err, errors.As(err, &u), c.want, stderr)
		}
		if strings.Contains(err.Error(), "\n") {
			t.Errorf("export %q: a multi-line error: %q", c.args, err)
		}
		if es, _ := os.ReadDir(dir); len(es) != 1 {
			t.Fatalf("export %q left %v", c.args, es)
		}
	}
	// A hosted API cannot list its data: refused unless -partial.
	key := func(k string) string {
		if k == "VECTRAIP_API_KEY" {
			return "test-key"
		}
		return ""
	}
	var stderr bytes.Buffer
	err := run(context.Background(), append(offline(), "-remote", "vectraip", "-o", out), key, &stderr)
	if err == nil || !strings.Contains(err.Error(), "cannot list its data") || strings.Contains(err.Error(), "test-key") {
		t.Errorf("export -remote: %v", err)
	}
	if es, _ := os.ReadDir(dir); len(es) != 1 {
		t.Fatalf("export -remote left %v", es)
	}
}
