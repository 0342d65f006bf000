package builtin

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/ipintel/ipintel/builtin/internal/snapshot"
	"github.com/ipintel/ipintel/source"
)

// inputsEnv names the directory holding the pinned npm tarballs; when set,
// TestRegenerate rebuilds the data from them.
const inputsEnv = "IPINTEL_BUILTIN_INPUTS"

// committedManifest reads data/manifest.json, the generator's record.
func committedManifest(t *testing.T) ([]byte, *snapshot.Manifest) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("data", "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	var m snapshot.Manifest
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	if m.Output == nil {
		t.Fatal("data/manifest.json has no output record")
	}
	return b, &m
}

// TestEmbeddedMatchesManifest checks the committed data against what the
// generator recorded: size, sha256, the counts a decode finds and the
// manifest the snapshot carries.
func TestEmbeddedMatchesManifest(t *testing.T) {
	_, m := committedManifest(t)
	if m.Output.Bytes != len(embeddedSnapshot) {
		t.Errorf("snapshot is %d bytes, manifest says %d", len(embeddedSnapshot), m.Output.Bytes)
	}
	sum := sha256.Sum256(embeddedSnapshot)
	if got := hex.EncodeToString(sum[:]); got != m.Output.SHA256 {
		t.Errorf("snapshot sha256 %s, manifest says %s", got, m.Output.SHA256)
	}
	s, err := snapshot.Decode(embeddedSnapshot)
	if err != nil {
		t.Fatal(err)
	}
	if got := snapshot.CountsOf(s); got != m.Counts {
		t.Errorf("decoded counts %+v, manifest says %+v", got, m.Counts)
	}
	inner := *s.Manifest
	outer := *m
	outer.Output = nil
	if !reflect.DeepEqual(inner, outer) {
		t.Errorf("the snapshot's own manifest %+v differs from data/manifest.json %+v", inner, outer)
	}
	if len(m.Inputs) != len(snapshot.Sources) {
		t.Fatalf("manifest lists %d inputs, the generator reads %d", len(m.Inputs), len(snapshot.Sources))
	}
	for i, in := range m.Inputs {
		p := snapshot.Sources[i]
		if in.Package != p.Package || in.Kind != p.Kind || in.License != p.License || in.Attribution != p.Attribution ||
			len(in.SHA256) != 64 || in.Rows4 == 0 || in.Rows6 == 0 {
			t.Errorf("manifest input %+v does not match the generator's %s", in, p.Package)
		}
	}
}

// TestRegenerate rebuilds the data from the pinned tarballs and wants the
// committed bytes back. It needs the tarballs (see internal/gen's doc).
func TestRegenerate(t *testing.T) {
	dir := os.Getenv(inputsEnv)
	if dir == "" {
		t.Skipf("set %s to the directory holding the npm pack tarballs", inputsEnv)
	}
	want, pinned := committedManifest(t)
	data, m, err := snapshot.Generate(dir, pinned.Versions())
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(data, embeddedSnapshot) {
		t.Errorf("regenerated snapshot differs from the committed one (%d vs %d bytes)", len(data), len(embeddedSnapshot))
	}
	js, err := snapshot.MarshalManifest(m)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(js, want) {
		t.Errorf("regenerated manifest differs:\n%s", js)
	}
}

// TestCorruptData: a damaged copy of the real data fails with source.ErrMalformed
// and never panics, whatever byte is changed or wherever it is cut.
func TestCorruptData(t *testing.T) {
	check := func(name string, b []byte) {
		t.Helper()
		tb, err := decodeTables(b)
		if !errors.Is(err, source.ErrMalformed) || tb != nil {
			t.Errorf("%s: got %v, want source.ErrMalformed", name, err)
		}
	}
	n := len(embeddedSnapshot)
	for _, cut := range []int{0, 3, 12, 13, 100, n / 2, n - 1} {
		check("truncated", embeddedSnapshot[:cut])
	}
	for _, at := range []int{0, 4, 5, 7, 9, 20, n / 3, n - 2} {
		b := bytes.Clone(embeddedSnapshot)
		b[at] ^= 0x55
		check("flipped", b)
	}
	check("empty", nil)
	check("text", []byte("not a snapshot at all"))
}
