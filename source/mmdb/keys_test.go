package mmdb_test

import (
	"bytes"
	"errors"
	"net"
	"os"
	"strings"
	"testing"

	"github.com/maxmind/mmdbwriter"
	"github.com/maxmind/mmdbwriter/mmdbtype"

	"github.com/ipintel/ipintel/internal/realdata"
	"github.com/ipintel/ipintel/source"
	"github.com/ipintel/ipintel/source/mmdb"
)

// TestUnknownTypeDeepNesting opens databases of an unknown type whose
// record nests maps hundreds of levels deep (libmaxminddb's
// deep-nesting bad-data file is one). Listing the record's keys for the
// error reads the top level only: the error names the key "a". Decoding
// the whole record instead failed past the reader's depth limit, took the
// reader time quadratic in the depth, and reported no keys at all; found
// by FuzzOpen running at a few execs per second on that seed (issue 14).
func TestUnknownTypeDeepNesting(t *testing.T) {
	t.Run("generated", func(t *testing.T) {
		rec := mmdbtype.Map{"a": mmdbtype.String("leaf")}
		for range 600 {
			rec = mmdbtype.Map{"a": rec}
		}
		tree, err := mmdbwriter.New(mmdbwriter.Options{DatabaseType: "Test", IncludeReservedNetworks: true})
		if err != nil {
			t.Fatal(err)
		}
		_, n, _ := net.ParseCIDR("1.1.1.0/24")
		if err := tree.Insert(n, rec); err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if _, err := tree.WriteTo(&buf); err != nil {
			t.Fatal(err)
		}
		checkUnknownKeys(t, buf.Bytes(), []string{"a"})
	})
	t.Run("libmaxminddb-deep-nesting", func(t *testing.T) {
		b, err := os.ReadFile(realdata.Path(t, "maxmind-MaxMind-DB", "bad-data", "libmaxminddb", "libmaxminddb-deep-nesting.mmdb"))
		if err != nil {
			t.Fatal(err)
		}
		checkUnknownKeys(t, b, []string{"a"})
	})
}

func checkUnknownKeys(t *testing.T, db []byte, want []string) {
	t.Helper()
	s, err := mmdb.OpenBytes(db)
	if err == nil {
		s.Close()
		t.Fatal("OpenBytes succeeded, want source.ErrInvalidInput")
	}
	keys := strings.Join(want, ", ")
	if len(want) == 0 {
		keys = "none: records are not maps"
	}
	if !errors.Is(err, source.ErrInvalidInput) || !strings.Contains(err.Error(), "(record keys: "+keys+")") {
		t.Fatalf("OpenBytes = %v, want source.ErrInvalidInput naming the keys %v", err, want)
	}
}
