# shellcheck shell=bash
# Sourced by scripts/pin-nested and .ci/consumer: makes this shell see the
# repository as an outside user sees it on GitHub, through the Go module
# proxy for everything else, with no network beyond the proxy.
#
#   source scripts/outside.sh && outside_env REPO_DIR WORK_DIR
#
# REPO_DIR's committed branches are cloned bare into WORK_DIR, with main
# set to REPO_DIR's HEAD, and git is told
# (in a temporary global config) to fetch https://github.com/ipintel/ipintel
# from that clone. GOPRIVATE makes the go command ask git directly for our
# modules (the proxy and checksum database have never seen these commits);
# GOWORK=off and an empty GOMODCACHE make sure nothing of the working tree
# or of an earlier download is used. Only committed work is visible.

outside_env() {
	local repo=$1 work=$2
	git clone -q --bare "$repo" "$work/ipintel.git"
	# main is the commit under test, even from a detached checkout.
	git -C "$work/ipintel.git" update-ref refs/heads/main "$(git -C "$repo" rev-parse HEAD)"
	cat >"$work/gitconfig" <<CONF
[url "$work/ipintel.git"]
	insteadOf = https://github.com/ipintel/ipintel
[protocol "file"]
	allow = always
CONF
	export GIT_CONFIG_GLOBAL="$work/gitconfig"
	export GOPRIVATE=github.com/ipintel/ipintel
	export GOFLAGS=-mod=mod
	export GOWORK=off
	export GOMODCACHE="$work/modcache"
	export GOPATH="$work/gopath"
	export GOBIN="$work/bin"
	export GOTOOLCHAIN=local
}

# outside_cleanup WORK_DIR removes what outside_env made; the module cache
# is read-only by design, so it is made writable first.
outside_cleanup() {
	[ -d "$1/modcache" ] && chmod -R u+w "$1/modcache"
	rm -rf "$1"
}

# nested_modules prints the directories of the repository's nested modules
# (not testdata), relative to the repository root.
nested_modules() {
	git -C "$1" ls-files '*/go.mod' | grep -v 'testdata/' | xargs -r -n1 dirname
}
