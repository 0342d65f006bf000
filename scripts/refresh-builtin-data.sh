#!/usr/bin/env bash
# refresh-builtin-data.sh: rebuild the builtin source's embedded data from
# the newest ip-location-db packages on the npm registry, and check it.
#
# Usage: scripts/refresh-builtin-data.sh      (from anywhere in the repository)
#
# It runs `go run ./internal/gen -update` in builtin/ (which asks npm for
# each package's newest version, packs it and rebuilds data/snapshot.bin and
# data/manifest.json), then, when the data changed, the builtin tests that
# check the committed data. .github/workflows/refresh-data.yml runs it weekly
# and opens a pull request when it reports a change.
#
# Environment:
#   NPM, GO                      the commands to use (default npm, go)
#   IPINTEL_REFRESH_OUT          where to write the data (default builtin/data;
#                                its manifest.json pins the current versions)
#   IPINTEL_REFRESH_SKIP_TESTS=1 do not run the tests (the script's own test
#                                writes elsewhere)
#   GITHUB_OUTPUT                when set, gets changed=true|false and
#                                snapshot=YYYY-MM-DD lines
#   IPINTEL_REFRESH_SUMMARY      when set, a file that gets a Markdown summary
#                                (the pull request's body)
# Exit status: 0 when the data is current or was rebuilt and passed the
# tests; non-zero when npm, the build or the tests failed (the data files
# are then not to be committed).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
out=${IPINTEL_REFRESH_OUT:-$root/builtin/data}
go=${GO:-go}

log=$(cd "$root/builtin" && "$go" run ./internal/gen -update -npm "${NPM:-npm}" -out "$out")
printf '%s\n' "$log"

changed=false
if grep -q '^changed:' <<<"$log"; then
	changed=true
fi
snapshot=$(sed -n 's/^ *"snapshot": "\([0-9-]*\)".*/\1/p' "$out/manifest.json" | head -n1)

if [[ $changed == true && ${IPINTEL_REFRESH_SKIP_TESTS:-0} != 1 ]]; then
	(cd "$root" && "$go" test -count=1 -run 'TestEmbeddedMatchesManifest|TestKnownAnswers|TestMisses|TestDatasets|TestLookupAllocatesNothing|TestCorruptData|Example' ./builtin/)
fi

if [[ -n ${GITHUB_OUTPUT:-} ]]; then
	printf 'changed=%s\nsnapshot=%s\n' "$changed" "$snapshot" >>"$GITHUB_OUTPUT"
fi
if [[ -n ${IPINTEL_REFRESH_SUMMARY:-} ]]; then
	{
		printf 'Weekly refresh of the builtin data from the npm registry (snapshot of %s).\n\n' "$snapshot"
		printf 'Output of `go run ./internal/gen -update`:\n\n```\n%s\n```\n\n' "$log"
		printf 'Before merging: check NOTICE still matches the licences in builtin/data/manifest.json, and rerun TestCountryCandidates and TestAccuracy (see BENCHMARKS.md) if the country figures matter to the release.\n'
	} >"$IPINTEL_REFRESH_SUMMARY"
fi
echo "changed=$changed snapshot=$snapshot"
