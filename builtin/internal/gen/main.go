// Command gen builds the builtin source's embedded data from the
// ip-location-db npm packages.
//
// Fetch the pinned packages outside the repository, then run the generator
// from the builtin module:
//
//	mkdir -p /tmp/builtin-inputs && cd /tmp/builtin-inputs
//	npm pack @ip-location-db/dbip-country@2.3.2026060120 @ip-location-db/asn@2.3.2026061719
//	cd -   # back to builtin/
//	go run ./internal/gen -in /tmp/builtin-inputs
//
// It reads the tarballs as npm wrote them (no unpacking), checks nothing
// else is needed, and writes data/snapshot.bin and data/manifest.json. The
// output depends only on the inputs: running it again on the same tarballs
// gives the same bytes (TestRegenerate checks this when
// IPINTEL_BUILTIN_INPUTS names the directory).
//
// To move to newer data, change the versions in snapshot.Pinned and the commands
// above, run it, and commit both files.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/ipintel/ipintel/builtin/internal/snapshot"
)

func main() {
	in := flag.String("in", "", "directory holding the npm pack tarballs (required)")
	out := flag.String("out", "data", "directory to write snapshot.bin and manifest.json")
	flag.Parse()
	if *in == "" {
		fmt.Fprintln(os.Stderr, "gen: -in DIR is required (see go doc ./internal/gen)")
		os.Exit(2)
	}
	if err := run(*in, *out); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func run(in, out string) error {
	data, manifest, err := snapshot.Generate(in)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(out, manifest.Output.File), data, 0o644); err != nil {
		return err
	}
	js, err := snapshot.MarshalManifest(manifest)
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(out, "manifest.json"), js, 0o644); err != nil {
		return err
	}
	fmt.Printf("wrote %s (%d bytes): %+v\n", manifest.Output.File, manifest.Output.Bytes, manifest.Counts)
	return nil
}
