package main

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ipintel/ipintel/builtin/internal/snapshot"
)

// The tests run the generator and the refresh script against a fake npm:
// a shell script that answers "npm view PKG@latest version" from
// $FAKE_NPM_VERSION and "npm pack PKG@V --pack-destination DIR" by copying
// a tarball from $FAKE_NPM_DIR, as the registry would. The tarballs are
// written here, in the packages' real layout, from the hand-written CSV
// fixtures in builtin/testdata.

const fakeNPM = `#!/bin/sh
set -e
case "$1" in
view)
	[ -n "$FAKE_NPM_FAIL" ] && { echo "npm error 503 Service Unavailable" >&2; exit 1; }
	echo "$FAKE_NPM_VERSION" ;;
pack)
	name=$(echo "$2" | sed 's/^@//; s#/#-#; s/@/-/')
	cp "$FAKE_NPM_DIR/$name.tgz" "$4/"
	echo "$name.tgz" ;;
*)
	echo "fake npm: $*" >&2; exit 2 ;;
esac
`

// fakeRegistry writes the fake npm and, for each version, the tarballs of
// every snapshot.Sources package; extra rows are added to the country file
// so versions differ. It returns the npm command and its directory.
func fakeRegistry(t *testing.T, versions map[string]string) (npm, dir string) {
	t.Helper()
	dir = t.TempDir()
	npm = filepath.Join(dir, "npm")
	if err := os.WriteFile(npm, []byte(fakeNPM), 0o755); err != nil {
		t.Fatal(err)
	}
	read := func(name string) []byte {
		b, err := os.ReadFile(filepath.Join("..", "..", "testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	for v, extra := range versions {
		for _, p := range snapshot.Sources {
			files := map[string][]byte{"package/package.json": []byte(`{"name":"` + p.Package + `","version":"` + v + `"}`)}
			kind := "asn"
			if p.Kind == snapshot.KindCountry {
				kind = "country"
			}
			for _, fam := range []string{"4", "6"} {
				body := read(kind + "-ipv" + fam + ".csv")
				if kind == "country" && fam == "4" {
					body = append(bytes.Clone(body), extra...)
				}
				files["package/"+p.Dataset+"-ipv"+fam+".csv"] = body
			}
			writeTarball(t, filepath.Join(dir, snapshot.TarballName(p.Package, v)), files)
		}
	}
	return npm, dir
}

func writeTarball(t *testing.T, path string, files map[string][]byte) {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	tw := tar.NewWriter(zw)
	for name, body := range files {
		if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: int64(len(body)), Typeflag: tar.TypeReg}); err != nil {
			t.Fatal(err)
		}
		tw.Write(body)
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	zw.Close()
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// checkOutput decodes what the generator wrote and wants the version.
func checkOutput(t *testing.T, out, version string) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(out, "snapshot.bin"))
	if err != nil {
		t.Fatal(err)
	}
	s, err := snapshot.Decode(b)
	if err != nil {
		t.Fatal(err)
	}
	m, err := readManifest(filepath.Join(out, "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	for _, in := range s.Manifest.Inputs {
		if in.Version != version || m.Versions()[in.Package] != version {
			t.Errorf("%s at %s in the snapshot, %s in manifest.json; want %s", in.Package, in.Version, m.Versions()[in.Package], version)
		}
	}
	if m.Output == nil || m.Output.Bytes != len(b) {
		t.Errorf("manifest output %+v for %d bytes", m.Output, len(b))
	}
}

// TestUpdateAndFetch: -update pins the registry's newest versions and
// rebuilds; a second -update changes nothing; -fetch rebuilds the pinned
// versions to the same bytes; a failing npm leaves the data alone.
func TestUpdateAndFetch(t *testing.T) {
	const v1, v2 = "2.3.2027010100", "2.3.2027010800"
	npm, dir := fakeRegistry(t, map[string]string{v1: "", v2: "9.9.9.0,9.9.9.255,CH\n"})
	t.Setenv("FAKE_NPM_DIR", dir)
	out := filepath.Join(t.TempDir(), "data")
	gen := func(o options) string {
		t.Helper()
		o.out, o.npm = out, npm
		var log strings.Builder
		if err := run(context.Background(), o, &log); err != nil {
			t.Fatalf("%+v: %v", o, err)
		}
		return log.String()
	}

	t.Setenv("FAKE_NPM_VERSION", v1)
	if log := gen(options{update: true}); !strings.Contains(log, "changed:") || !strings.Contains(log, "none -> "+v1) {
		t.Errorf("first -update said %q", log)
	}
	checkOutput(t, out, v1)
	first, _ := os.ReadFile(filepath.Join(out, "snapshot.bin"))
	if log := gen(options{update: true}); !strings.HasPrefix(log, "unchanged:") {
		t.Errorf("second -update said %q", log)
	}
	if log := gen(options{fetch: true}); !strings.HasPrefix(log, "unchanged:") {
		t.Errorf("-fetch of the pinned versions said %q", log)
	}

	t.Setenv("FAKE_NPM_VERSION", v2)
	if log := gen(options{update: true}); !strings.Contains(log, v1+" -> "+v2) || !strings.Contains(log, "changed:") {
		t.Errorf("-update to a new version said %q", log)
	}
	checkOutput(t, out, v2)
	second, _ := os.ReadFile(filepath.Join(out, "snapshot.bin"))
	if bytes.Equal(first, second) {
		t.Error("new data, same snapshot")
	}

	t.Setenv("FAKE_NPM_VERSION", v1)
	if err := run(context.Background(), options{update: true, out: out, npm: npm}, io.Discard); err == nil || !strings.Contains(err.Error(), "older than the pinned") {
		t.Errorf("-update to an older version: %v", err)
	}

	t.Setenv("FAKE_NPM_FAIL", "1")
	var log strings.Builder
	err := run(context.Background(), options{update: true, out: out, npm: npm}, &log)
	if err == nil || !strings.Contains(err.Error(), "503") {
		t.Errorf("failing npm: %v", err)
	}
	if after, _ := os.ReadFile(filepath.Join(out, "snapshot.bin")); !bytes.Equal(after, second) {
		t.Error("a failed -update changed the data")
	}
	if err := run(context.Background(), options{out: out}, io.Discard); err == nil {
		t.Error("no -in, -fetch or -update accepted")
	}
}

// TestRefreshScript runs scripts/refresh-builtin-data.sh, as the weekly
// workflow does, against the fake registry: it reports changed=true with
// the snapshot date and a summary, then changed=false, and fails when npm
// does.
func TestRefreshScript(t *testing.T) {
	bash, err := exec.LookPath("bash")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("bash not found")
		}
		t.Skip("bash not found")
	}
	const v = "2.3.2027020300"
	npm, dir := fakeRegistry(t, map[string]string{v: ""})
	tmp := t.TempDir()
	out, ghOut, summary := filepath.Join(tmp, "data"), filepath.Join(tmp, "github-output"), filepath.Join(tmp, "summary.md")
	script := func(extra ...string) (string, error) {
		cmd := exec.Command(bash, filepath.Join("..", "..", "..", "scripts", "refresh-builtin-data.sh"))
		cmd.Env = append(os.Environ(), "NPM="+npm, "FAKE_NPM_DIR="+dir, "FAKE_NPM_VERSION="+v,
			"IPINTEL_REFRESH_OUT="+out, "IPINTEL_REFRESH_SKIP_TESTS=1", "GITHUB_OUTPUT="+ghOut, "IPINTEL_REFRESH_SUMMARY="+summary)
		cmd.Env = append(cmd.Env, extra...)
		b, err := cmd.CombinedOutput()
		return string(b), err
	}
	log, err := script()
	if err != nil {
		t.Fatalf("%v: %s", err, log)
	}
	checkOutput(t, out, v)
	if got, _ := os.ReadFile(ghOut); string(got) != "changed=true\nsnapshot=2027-02-03\n" {
		t.Errorf("GITHUB_OUTPUT %q", got)
	}
	if got, _ := os.ReadFile(summary); !strings.Contains(string(got), "snapshot of 2027-02-03") || !strings.Contains(string(got), "changed:") {
		t.Errorf("summary %q", got)
	}
	os.Remove(ghOut)
	if log, err := script(); err != nil || !strings.Contains(log, "changed=false") {
		t.Errorf("second run: %v: %s", err, log)
	}
	if got, _ := os.ReadFile(ghOut); string(got) != "changed=false\nsnapshot=2027-02-03\n" {
		t.Errorf("GITHUB_OUTPUT %q", got)
	}
	if log, err := script("FAKE_NPM_FAIL=1"); err == nil {
		t.Errorf("npm failing: the script succeeded: %s", log)
	}
}
