package builtin

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"testing"

	"github.com/ipintel/ipintel/builtin/internal/snapshot"
)

// inputsEnv names the directory holding the pinned npm tarballs; when set,
// TestRegenerate rebuilds the data from them.
const inputsEnv = "IPINTEL_BUILTIN_INPUTS"

// TestEmbeddedMatchesManifest checks the committed data against what the
// generator recorded: size, sha256 and the counts a decode finds.
func TestEmbeddedMatchesManifest(t *testing.T) {
	m, err := parseManifest(embeddedManifest)
	if err != nil {
		t.Fatal(err)
	}
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
	if len(m.Inputs) != len(snapshot.Pinned) {
		t.Fatalf("manifest lists %d inputs, the generator pins %d", len(m.Inputs), len(snapshot.Pinned))
	}
	for i, in := range m.Inputs {
		p := snapshot.Pinned[i]
		if in.Package != p.Package || in.Version != p.Version || len(in.SHA256) != 64 || in.Rows4 == 0 || in.Rows6 == 0 {
			t.Errorf("manifest input %+v does not match the pinned %s@%s", in, p.Package, p.Version)
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
	data, m, err := snapshot.Generate(dir)
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
	if !bytes.Equal(js, embeddedManifest) {
		t.Errorf("regenerated manifest differs:\n%s", js)
	}
}

// TestCorruptData: a damaged copy of the real data fails with ErrCorrupt
// and never panics, whatever byte is changed or wherever it is cut.
func TestCorruptData(t *testing.T) {
	check := func(name string, b []byte) {
		t.Helper()
		tb, err := decodeTables(b)
		if !errors.Is(err, ErrCorrupt) || tb != nil {
			t.Errorf("%s: got %v, want ErrCorrupt", name, err)
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

func TestManifestCorrupt(t *testing.T) {
	if _, err := parseManifest([]byte("{")); !errors.Is(err, ErrCorrupt) {
		t.Errorf("got %v, want ErrCorrupt", err)
	}
}
