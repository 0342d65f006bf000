#!/usr/bin/env bash
# A real 6-node Redis Cluster (3 masters, 3 replicas) on 127.0.0.1 for the
# rediscache cluster tests (issue 22).
#
# Two ways to use it:
#
#   1. Sourced, by .ci/run:
#        source .ci/redis-cluster.sh
#        redis_cluster_start        # exports REDIS_CLUSTER_ADDRS
#        trap 'redis_cluster_stop; …' EXIT
#      redis_cluster_start returns non-zero on failure. redis_cluster_stop
#      stops every node it started (the ones a test restarted included) and
#      removes their directory; it is safe to call twice or without a start.
#
#   2. Run, for one command with the cluster up:
#        .ci/redis-cluster.sh run go test -run Cluster ./...
#      starts the cluster, runs the command with REDIS_CLUSTER_ADDRS set,
#      stops the cluster, and exits with the command's status.
#
# What it starts: six `redis-server --cluster-enabled yes` nodes bound to
# 127.0.0.1, persistence off, cluster-node-timeout 2000 ms and
# cluster-require-full-coverage no (the setting rediscache's documentation
# recommends for a cache: with the default, yes, every node refuses every
# command from the moment a dead master is marked failed until its replica
# is promoted, about 1–2 s here), on six
# consecutive ports below the ephemeral range (the first free base of 7100,
# 7200, …, 9900; each node also listens on port + 10000 for the cluster
# bus), joined with `redis-cli --cluster create … --cluster-replicas 1`.
# Each node runs daemonized from its own config file (INFO server shows
# executable and config_file), so a test that kills a node can restart it
# with `executable config_file`; its pid file is the same, so stop finds it.
#
# REDIS_CLUSTER_ADDRS: the six nodes, "127.0.0.1:7100,…,127.0.0.1:7105".
#
# redis-server and redis-cli come from the Debian package redis-server,
# installed with apt-get when missing. Under CI=true a missing tool that
# cannot be installed is a failure; otherwise the start says so, exports
# nothing and returns 0, and the tests that need the cluster skip.

_rcl_dir=""
_rcl_ports=()

_rcl_log() { echo "redis-cluster: $*" >&2; }

_rcl_tools() {
	command -v redis-server >/dev/null && command -v redis-cli >/dev/null && return 0
	_rcl_log "installing redis-server (apt-get)"
	local sudo=""
	[ "$(id -u)" -ne 0 ] && sudo=sudo
	if $sudo apt-get update -qq >/dev/null &&
		DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq redis-server >/dev/null; then
		command -v redis-server >/dev/null && command -v redis-cli >/dev/null && return 0
	fi
	return 1
}

# _rcl_free PORT: nothing listens on 127.0.0.1:PORT.
_rcl_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

redis_cluster_start() {
	if [ -n "$_rcl_dir" ]; then
		_rcl_log "already started ($REDIS_CLUSTER_ADDRS)"
		return 0
	fi
	if ! _rcl_tools; then
		if [ "${CI:-}" = "true" ]; then
			_rcl_log "redis-server or redis-cli missing and not installable (CI=true: failing)"
			return 1
		fi
		_rcl_log "redis-server or redis-cli missing; no cluster, its tests will skip"
		return 0
	fi
	local base="" b p ok
	for b in $(seq 7100 100 9900); do
		ok=1
		for p in $(seq "$b" $((b + 5))); do
			if ! _rcl_free "$p" || ! _rcl_free $((p + 10000)); then
				ok=0
				break
			fi
		done
		if [ "$ok" = 1 ]; then
			base=$b
			break
		fi
	done
	if [ -z "$base" ]; then
		_rcl_log "no six free ports (and their bus ports) between 7100 and 9905"
		return 1
	fi
	_rcl_dir=$(mktemp -d -t redis-cluster.XXXXXX)
	_rcl_ports=()
	local addrs=() d
	for p in $(seq "$base" $((base + 5))); do
		_rcl_ports+=("$p")
		addrs+=("127.0.0.1:$p")
		d="$_rcl_dir/$p"
		mkdir -p "$d"
		cat >"$d/redis.conf" <<-EOF
			port $p
			bind 127.0.0.1
			daemonize yes
			pidfile $d/redis.pid
			logfile $d/redis.log
			dir $d
			save ""
			appendonly no
			cluster-enabled yes
			cluster-config-file nodes.conf
			cluster-node-timeout 2000
			cluster-require-full-coverage no
		EOF
		# The absolute path, so that INFO server names the binary (a test
		# restarts a node it killed with `executable config_file`).
		if ! "$(command -v redis-server)" "$d/redis.conf"; then
			_rcl_log "redis-server on port $p did not start"
			redis_cluster_stop
			return 1
		fi
	done
	for p in "${_rcl_ports[@]}"; do
		for _ in $(seq 100); do
			redis-cli -p "$p" ping 2>/dev/null | grep -q PONG && break
			sleep 0.1
		done
		if ! redis-cli -p "$p" ping 2>/dev/null | grep -q PONG; then
			_rcl_log "node $p does not answer:"
			cat "$_rcl_dir/$p/redis.log" >&2
			redis_cluster_stop
			return 1
		fi
	done
	if ! redis-cli --cluster create "${addrs[@]}" --cluster-replicas 1 --cluster-yes >"$_rcl_dir/create.log" 2>&1; then
		_rcl_log "redis-cli --cluster create failed:"
		cat "$_rcl_dir/create.log" >&2
		redis_cluster_stop
		return 1
	fi
	# Ready: every node says cluster_state:ok, knows the five others and
	# sees three replicas; every replica's link to its master is up.
	local ready=0 info
	for _ in $(seq 300); do
		ready=1
		for p in "${_rcl_ports[@]}"; do
			info=$(redis-cli -p "$p" cluster info 2>/dev/null | tr -d '\r' || true)
			if ! grep -qx 'cluster_state:ok' <<<"$info" || ! grep -qx 'cluster_known_nodes:6' <<<"$info" ||
				[ "$(redis-cli -p "$p" cluster nodes 2>/dev/null | grep -cE '[ ,]slave ')" != 3 ]; then
				ready=0
				break
			fi
			info=$(redis-cli -p "$p" info replication 2>/dev/null | tr -d '\r' || true)
			if grep -qx 'role:slave' <<<"$info" && ! grep -qx 'master_link_status:up' <<<"$info"; then
				ready=0
				break
			fi
		done
		[ "$ready" = 1 ] && break
		sleep 0.1
	done
	if [ "$ready" != 1 ]; then
		_rcl_log "cluster not ok after 30 s:"
		redis-cli -p "$base" cluster nodes >&2 || true
		redis_cluster_stop
		return 1
	fi
	REDIS_CLUSTER_ADDRS=$(
		IFS=,
		echo "${addrs[*]}"
	)
	export REDIS_CLUSTER_ADDRS
	_rcl_log "6 nodes up, cluster_state:ok: $REDIS_CLUSTER_ADDRS"
}

redis_cluster_stop() {
	[ -n "$_rcl_dir" ] || return 0
	local p pid pids=()
	for p in "${_rcl_ports[@]}"; do
		pid=$(cat "$_rcl_dir/$p/redis.pid" 2>/dev/null || true)
		# A node killed with SIGKILL leaves its pid file behind: make sure
		# the pid is still a redis-server before signalling it.
		[ -n "$pid" ] && grep -q redis-server "/proc/$pid/cmdline" 2>/dev/null || continue
		if kill "$pid" 2>/dev/null; then
			pids+=("$pid")
		fi
	done
	for pid in "${pids[@]}"; do
		for _ in $(seq 50); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.1
		done
		kill -9 "$pid" 2>/dev/null || true
	done
	rm -rf "$_rcl_dir"
	_rcl_dir=""
	_rcl_ports=()
	unset REDIS_CLUSTER_ADDRS
}

# Run mode: executed rather than sourced.
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	set -euo pipefail
	if [ "${1:-}" != "run" ] || [ $# -lt 2 ]; then
		echo "usage: $0 run COMMAND [ARG…]   (or source it: see the top of this file)" >&2
		exit 2
	fi
	shift
	trap redis_cluster_stop EXIT
	redis_cluster_start
	status=0
	"$@" || status=$?
	exit "$status"
fi
