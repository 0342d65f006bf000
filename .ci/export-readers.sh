#!/usr/bin/env bash
# Reads ipintel's MMDB export with software no one here wrote, installed
# from Debian: libmaxminddb's mmdblookup (mmdb-bin), python3-maxminddb, and
# nginx with the geoip2 module (libnginx-mod-http-geoip2).
#
# Interface:
#   .ci/export-readers.sh            run from anywhere inside the repository
#   Needs: go, and apt-get (as root or with sudo) when a tool (curl among them) is missing.
#   Under CI=true a tool that is missing and cannot be installed fails the
#   run; otherwise the script says so and exits 0 without checking.
#   It builds cmd/ipintel and exports the embedded data offline (with a small
#   Tor list it writes itself, passed as -feed tor=FILE) to a temp dir, then:
#     - mmdblookup --file out.mmdb --ip 8.8.8.8 autonomous_system_number
#       must print 15169;
#     - python3 -c 'import maxminddb …' must read the same record;
#     - nginx is started on 127.0.0.1 (a free port, its own prefix, pid and
#       logs in the temp dir) with a config that loads the geoip2 module and
#       the export, trusts the client address from X-Real-IP, and answers
#       403 for a Tor exit the data knows and 200 for a residential address;
#       both are checked with curl;
#     - where the kernel lets it, an export onto a 1 MiB tmpfs must fail
#       with a clear error and leave no file (skipped when mount is refused).
#   It exports nothing to the environment. nginx (started with its own pid
#   file) and the tmpfs are stopped/unmounted on exit, pass or fail, and the
#   temp dir removed. Exit status 0: every check passed (or skipped outside CI).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
ci=${CI:-false}

work=$(mktemp -d)
nginx_conf=""
tmpfs=""
cleanup() {
	if [ -n "$nginx_conf" ] && [ -f "$work/nginx.pid" ]; then
		nginx -p "$work" -c "$nginx_conf" -e "$work/error.log" -s quit 2>/dev/null || kill "$(cat "$work/nginx.pid")" 2>/dev/null || true
		for _ in $(seq 50); do [ -f "$work/nginx.pid" ] || break; sleep 0.1; done
	fi
	if [ -n "$tmpfs" ]; then umount "$tmpfs" 2>/dev/null || true; fi
	rm -rf "$work"
}
trap cleanup EXIT

fail() { echo "export-readers: FAIL: $*" >&2; exit 1; }

# --- tools -----------------------------------------------------------------
pypath=/usr/bin/python3 # the interpreter Debian's python3-maxminddb is for
have_tools() {
	command -v mmdblookup >/dev/null && command -v nginx >/dev/null &&
		[ -f /usr/lib/nginx/modules/ngx_http_geoip2_module.so ] &&
		[ -x "$pypath" ] && "$pypath" -c 'import maxminddb' 2>/dev/null &&
		command -v curl >/dev/null
}
if ! have_tools; then
	echo "== installing mmdb-bin python3-maxminddb nginx libnginx-mod-http-geoip2 curl"
	sudo=""
	[ "$(id -u)" -ne 0 ] && sudo=sudo
	if command -v apt-get >/dev/null; then
		$sudo apt-get update -qq >/dev/null 2>&1 || true
		DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq \
			mmdb-bin python3-maxminddb nginx libnginx-mod-http-geoip2 curl >/dev/null 2>&1 || true
		# The package may start a system nginx on port 80: stop it, so
		# nothing of this run is left listening (ours runs on its own port).
		if command -v systemctl >/dev/null; then
			$sudo systemctl stop nginx >/dev/null 2>&1 || true
		fi
		if [ -s /run/nginx.pid ]; then
			$sudo kill "$(cat /run/nginx.pid)" 2>/dev/null || true
		fi
	fi
	if ! have_tools; then
		if [ "$ci" = true ]; then
			fail "mmdblookup, python3-maxminddb, nginx, its geoip2 module or curl is missing and could not be installed"
		fi
		echo "export-readers: SKIP: mmdblookup, python3-maxminddb, nginx or its geoip2 module missing (CI=true makes this a failure)"
		exit 0
	fi
fi

# --- export ----------------------------------------------------------------
echo "== building cmd/ipintel"
(cd "$root/cmd/ipintel" && go build -o "$work/ipintel" .)
offline=(-offline) # the embedded data only: no network in CI
tor_exit=185.220.101.1
residential=73.0.0.1 # Comcast (AS7922): no anonymity signal in the data
printf '# Tor exits for this check\n%s\n185.220.101.2\n' "$tor_exit" >"$work/tor.txt"

echo "== ipintel export ${offline[*]} -feed tor=tor.txt -o out.mmdb"
"$work/ipintel" export "${offline[@]}" -feed "tor=$work/tor.txt" -format mmdb -o "$work/out.mmdb"
[ -s "$work/out.mmdb" ] || fail "no out.mmdb"

# --- mmdblookup --------------------------------------------------------------
echo "== mmdblookup"
asn=$(mmdblookup --file "$work/out.mmdb" --ip 8.8.8.8 autonomous_system_number | awk '/uint32/ {print $1}')
[ "$asn" = 15169 ] || fail "mmdblookup 8.8.8.8 autonomous_system_number printed '$asn', want 15169"
tor=$(mmdblookup --file "$work/out.mmdb" --ip "$tor_exit" is_tor_exit_node | awk '/boolean/ {print $1}')
[ "$tor" = true ] || fail "mmdblookup $tor_exit is_tor_exit_node printed '$tor', want true"
echo "8.8.8.8 autonomous_system_number: $asn; $tor_exit is_tor_exit_node: $tor"

# --- python3-maxminddb -------------------------------------------------------
echo "== python3-maxminddb"
"$pypath" - "$work/out.mmdb" <<'PY' || fail "python3-maxminddb did not read the record"
import sys
import maxminddb

with maxminddb.open_database(sys.argv[1]) as r:
    rec = r.get("8.8.8.8")
    assert rec["autonomous_system_number"] == 15169, rec
    assert rec["country"]["iso_code"] == "US", rec
    tor = r.get("185.220.101.1")
    assert tor["is_tor_exit_node"] is True and tor["is_anonymous"] is True, tor
    assert r.metadata().database_type == "GeoIP2-Enterprise", r.metadata()
    print("8.8.8.8:", rec["autonomous_system_number"], rec["autonomous_system_organization"], rec["country"]["iso_code"])
PY

# --- nginx -------------------------------------------------------------------
echo "== nginx with the geoip2 module"
port=$("$pypath" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
mkdir -p "$work/tmp"
nginx_conf="$work/nginx.conf"
cat >"$nginx_conf" <<CONF
load_module /usr/lib/nginx/modules/ngx_http_geoip2_module.so;
pid $work/nginx.pid;
error_log $work/error.log;
worker_processes 1;
events { worker_connections 64; }
http {
    access_log $work/access.log;
    client_body_temp_path $work/tmp/body;
    proxy_temp_path $work/tmp/proxy;
    fastcgi_temp_path $work/tmp/fastcgi;
    uwsgi_temp_path $work/tmp/uwsgi;
    scgi_temp_path $work/tmp/scgi;

    # The client address comes from X-Real-IP, trusted from 127.0.0.1
    # only (the proxy in front); \$remote_addr is then that address.
    set_real_ip_from 127.0.0.1;
    real_ip_header X-Real-IP;

    geoip2 $work/out.mmdb {
        \$ipintel_tor     default=0 source=\$remote_addr is_tor_exit_node;
        \$ipintel_asn     source=\$remote_addr autonomous_system_number;
        \$ipintel_country source=\$remote_addr country iso_code;
    }

    server {
        listen 127.0.0.1:$port;
        location / {
            if (\$ipintel_tor = 1) {
                return 403 "tor exit\n";
            }
            add_header X-IPintel-ASN \$ipintel_asn;
            return 200 "ok \$ipintel_country AS\$ipintel_asn\n";
        }
    }
}
CONF
nginx -p "$work" -c "$nginx_conf" -e "$work/error.log" -t >/dev/null 2>&1 || { cat "$work/error.log" >&2; fail "nginx -t refused the config"; }
nginx -p "$work" -c "$nginx_conf" -e "$work/error.log" || { cat "$work/error.log" >&2; fail "nginx did not start"; }
for _ in $(seq 50); do
	curl -s -o /dev/null "http://127.0.0.1:$port/" && break
	sleep 0.1
done
code=$(curl -s -o "$work/tor.out" -w '%{http_code}' -H "X-Real-IP: $tor_exit" "http://127.0.0.1:$port/")
[ "$code" = 403 ] || fail "nginx answered $code for Tor exit $tor_exit, want 403 ($(cat "$work/tor.out"))"
code=$(curl -s -o "$work/res.out" -w '%{http_code}' -H "X-Real-IP: $residential" "http://127.0.0.1:$port/")
[ "$code" = 200 ] || fail "nginx answered $code for residential $residential, want 200"
grep -q "ok US AS7922" "$work/res.out" || fail "nginx's answer for $residential: $(cat "$work/res.out")"
echo "nginx: $tor_exit → 403, $residential → 200 ($(cat "$work/res.out"))"

# --- a full disk ---------------------------------------------------------------
echo "== export onto a full disk"
mkdir -p "$work/small"
if mount -t tmpfs -o size=1m tmpfs "$work/small" 2>/dev/null; then
	tmpfs="$work/small"
	if "$work/ipintel" export "${offline[@]}" -q -o "$work/small/out.mmdb" 2>"$work/full.err"; then
		fail "an export onto a 1 MiB tmpfs succeeded"
	fi
	grep -q "no space left on device" "$work/full.err" || fail "unclear error on a full disk: $(cat "$work/full.err")"
	[ -z "$(ls -A "$work/small")" ] || fail "a full disk kept a partial file: $(ls -A "$work/small")"
	echo "full disk: $(tail -1 "$work/full.err"); nothing left behind"
else
	echo "(mount refused here: skipped; the Go tests simulate a full disk)"
fi
echo "export-readers: OK"
