// Command gen builds the builtin source's embedded data, data/snapshot.bin
// and data/manifest.json, from the ip-location-db npm packages listed in
// snapshot.Sources.
//
// Run it from the builtin directory. One command rebuilds the data from
// the registry at the newest published versions (it needs npm):
//
//	go run ./internal/gen -update
//
// It asks the registry for each package's newest version (npm view),
// downloads the tarballs (npm pack) into a temporary directory, rebuilds
// and rewrites both files; it says whether anything changed. The versions
// used are recorded in data/manifest.json, which pins them:
//
//	go run ./internal/gen -fetch
//
// downloads the pinned versions and rebuilds, giving the committed bytes
// back (the output depends only on the tarballs). With -in DIR the
// tarballs are read from (and, with -fetch or -update, downloaded into)
// DIR instead, as npm pack names them:
//
//	go run ./internal/gen -in /tmp/builtin-inputs
//
// TestRegenerate checks the committed data against a rebuild when
// IPINTEL_BUILTIN_INPUTS names such a directory. The weekly workflow
// .github/workflows/refresh-data.yml runs scripts/refresh-builtin-data.sh,
// which runs -update and opens a pull request when the data changed.
package main

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/ipintel/ipintel/builtin/internal/snapshot"
)

func main() {
	in := flag.String("in", "", "directory holding the npm pack tarballs (default: a temporary one with -fetch or -update)")
	out := flag.String("out", "data", "directory to write snapshot.bin and manifest.json; its manifest.json pins the versions")
	fetch := flag.Bool("fetch", false, "download the pinned versions with npm pack first")
	update := flag.Bool("update", false, "download the newest published versions with npm first, and pin them")
	npm := flag.String("npm", "npm", "the npm command")
	flag.Parse()
	err := run(context.Background(), options{in: *in, out: *out, fetch: *fetch, update: *update, npm: *npm}, os.Stdout)
	if err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

type options struct {
	in, out       string
	fetch, update bool
	npm           string
}

// npmTimeout bounds one npm command.
const npmTimeout = 10 * time.Minute

func run(ctx context.Context, o options, stdout io.Writer) error {
	old, err := readManifest(filepath.Join(o.out, "manifest.json"))
	if err != nil && !(o.update && errors.Is(err, os.ErrNotExist)) {
		return fmt.Errorf("reading the pinned versions: %w", err)
	}
	versions := map[string]string{}
	if old != nil {
		versions = old.Versions()
	}
	if o.update {
		for _, p := range snapshot.Sources {
			v, err := npmOutput(ctx, o.npm, "view", p.Package+"@latest", "version")
			if err != nil {
				return err
			}
			built, err := snapshot.Built(v)
			if err != nil {
				return fmt.Errorf("%s: the registry's newest version %q: %w", p.Package, v, err)
			}
			if pinned, err := snapshot.Built(versions[p.Package]); err == nil && built.Before(pinned) {
				return fmt.Errorf("%s: the registry's newest version %s is older than the pinned %s", p.Package, v, versions[p.Package])
			}
			if versions[p.Package] != v {
				fmt.Fprintf(stdout, "%s: %s -> %s\n", p.Package, cmp.Or(versions[p.Package], "none"), v)
			}
			versions[p.Package] = v
		}
	}
	dir := o.in
	if (o.fetch || o.update) && dir == "" {
		if dir, err = os.MkdirTemp("", "ipintel-gen-"); err != nil {
			return err
		}
		defer os.RemoveAll(dir)
	}
	if dir == "" {
		return errors.New("-in DIR, -fetch or -update is required (see go doc ./internal/gen)")
	}
	if o.fetch || o.update {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
		for _, p := range snapshot.Sources {
			v := versions[p.Package]
			if v == "" {
				return fmt.Errorf("%s is not pinned in %s (use -update)", p.Package, filepath.Join(o.out, "manifest.json"))
			}
			if _, err := os.Stat(filepath.Join(dir, snapshot.TarballName(p.Package, v))); err == nil {
				continue // already downloaded
			}
			if _, err := npmOutput(ctx, o.npm, "pack", p.Package+"@"+v, "--pack-destination", dir); err != nil {
				return err
			}
		}
	}
	data, manifest, err := snapshot.Generate(dir, versions)
	if err != nil {
		return err
	}
	js, err := snapshot.MarshalManifest(manifest)
	if err != nil {
		return err
	}
	if old != nil && old.Output != nil && old.Output.SHA256 == manifest.Output.SHA256 {
		fmt.Fprintf(stdout, "unchanged: %s (%d bytes), snapshot of %s\n", manifest.Output.File, manifest.Output.Bytes, manifest.Snapshot)
	} else {
		fmt.Fprintf(stdout, "changed: %s (%d bytes), snapshot of %s, %+v\n", manifest.Output.File, manifest.Output.Bytes, manifest.Snapshot, manifest.Counts)
	}
	if err := os.MkdirAll(o.out, 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(o.out, manifest.Output.File), data, 0o644); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(o.out, "manifest.json"), js, 0o644)
}

func readManifest(path string) (*snapshot.Manifest, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var m snapshot.Manifest
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &m, nil
}

// npmOutput runs npm with args and returns its trimmed standard output.
func npmOutput(ctx context.Context, npm string, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, npmTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, npm, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		msg := strings.TrimSpace(stderr.String())
		if i := strings.LastIndexByte(msg, '\n'); i >= 0 {
			msg = msg[i+1:]
		}
		return "", fmt.Errorf("%s %s: %w: %s", npm, strings.Join(args, " "), err, msg)
	}
	return strings.TrimSpace(stdout.String()), nil
}
