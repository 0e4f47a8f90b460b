#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Durable case PUTs and GETs against service-hall-server with wrk (Debian
# package wrk), 32 connections: with group commit and without
# (--no-group-commit), each on a plain disk and with 1 ms added to every
# fsync/fdatasync (fsync-delay.so, LD_PRELOAD), to show what group commit is
# worth; and with group commit over HTTPS (a self-signed certificate made
# with openssl), to show what TLS costs. Prints req/s and p99 for each.
#
#   BUILDDIR=_build tests/bench/bench-server.sh
#   DURATION=10s CONNECTIONS=32 THREADS=2 (defaults)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${BUILDDIR:-$root/_build}
server_bin=$build/src/server/service-hall-server
shim=$build/tests/bench/fsync-delay.so
duration=${DURATION:-10s}
connections=${CONNECTIONS:-32}
threads=${THREADS:-2}
export SERVICE_HALL_CATALOG=${SERVICE_HALL_CATALOG:-$root/data/catalog.json}

for tool in wrk curl python3 openssl; do
  command -v $tool >/dev/null || { echo "bench-server: $tool is missing" >&2; exit 1; }
done
[ -x "$server_bin" ] && [ -f "$shim" ] || { echo "bench-server: build $build first" >&2; exit 1; }

json() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }

server_pid=
data=
stop_server() {
  if [ -n "$server_pid" ]; then
    kill -TERM "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
    server_pid=
  fi
  [ -n "$data" ] && rm -rf "$data"
  data=
}
tls=$(mktemp -d "${TMPDIR:-/var/tmp}/hall-bench-tls-XXXXXX")
trap 'stop_server; rm -rf "$tls"' EXIT
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
  -keyout "$tls/key.pem" -out "$tls/cert.pem" -subj /CN=127.0.0.1 \
  -addext subjectAltName=IP:127.0.0.1 2>/dev/null

# run LABEL PRELOAD SERVER-ARGS...
run() {
  local label=$1 preload=$2
  shift 2
  data=$(mktemp -d "${TMPDIR:-/var/tmp}/hall-bench-XXXXXX")
  coproc SERVER { LD_PRELOAD=$preload exec "$server_bin" --listen 127.0.0.1:0 --data "$data" --demo "$@"; }
  server_pid=$SERVER_PID
  local line
  read -r line <&"${SERVER[0]}"
  local base=${line#listening on }

  local token applicant kase
  token=$(curl -sf --cacert "$tls/cert.pem" -X POST -H 'Content-Type: application/json' -d '{"username":"demo","password":"demo"}' "$base/v1/sessions" | json '["token"]')
  applicant=$(python3 -c 'import uuid; print(uuid.uuid4())')
  curl -sf --cacert "$tls/cert.pem" -X PUT -H "Authorization: Bearer $token" \
    -H 'Content-Type: application/json' -d '{"kind":"person","name":"Bench Person","id_type":"resident_id","id_number":"11010519491231002X","phone":"13800138000"}' \
    "$base/v1/applicants/$applicant" >/dev/null
  kase=$(python3 -c 'import uuid; print(uuid.uuid4())')
  curl -sf --cacert "$tls/cert.pem" -X PUT -H "Authorization: Bearer $token" \
    -H 'Content-Type: application/json' -d "{\"number\":\"YC-$(date -u +%Y)-C01-1\",\"service\":\"company_business_license\",\"applicant\":\"$applicant\",\"state\":\"received\",\"counter\":\"C01\",\"official\":\"demo\",\"checklist\":[]}" \
    "$base/v1/cases/$kase" >/dev/null

  local put get
  put=$(TOKEN=$token APPLICANT=$applicant wrk -t"$threads" -c"$connections" -d"$duration" \
          -s "$here/bench-put-case.lua" "$base" | grep '^RESULT' | sed 's/^RESULT //')
  get=$(TOKEN=$token CASE=$kase wrk -t"$threads" -c"$connections" -d"$duration" \
          -s "$here/bench-get-case.lua" "$base" | grep '^RESULT' | sed 's/^RESULT //')
  printf '%-34s PUT %s\n%-34s GET %s\n' "$label" "$put" "" "$get"
  stop_server
}

echo "service-hall-server, $connections connections, $threads wrk threads, $duration each, $(nproc) CPUs"
run "group commit"                 ""
run "group commit, fsync +1 ms"    "$shim"
run "no group commit"              ""       --no-group-commit
run "no group commit, fsync +1 ms" "$shim"  --no-group-commit
run "group commit, HTTPS"          ""       --tls-cert "$tls/cert.pem" --tls-key "$tls/key.pem"
