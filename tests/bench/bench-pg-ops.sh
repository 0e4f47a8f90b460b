#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The backend on SQLite and on PostgreSQL through the HTTP API, with wrk:
# durable case PUTs (writes/s) and pages of 100 changes of the feed
# (GET /v1/changes, reads/s), on SQLite, on PostgreSQL with one server,
# and with two servers on one database (each its own wrk, half the
# connections; the figure is their sum). Then --copy-to of a hall of
# 100,000 cases (and their 100,000 applicants and 200,000 changes, made
# straight into a SQLite file) and --backup of the same file, and from the
# copy the projected size of a city's year in PostgreSQL (5,000,000 cases,
# 30,000,000 page records; the pages' files apart). With ONLY=gets, only
# GETs of a case on SQLite and on PostgreSQL with 1, 2 and 4 servers.
# PostgreSQL is a throw-away cluster (initdb in a temporary folder, a Unix
# socket only, fsync on; as the postgres user when run as root).
#
#   BUILDDIR=_build tests/bench/bench-pg-ops.sh
#   DURATION=5s CONNECTIONS=32 THREADS=2 CASES=100000 (defaults)
#   ONLY=gets   just the GETs of a case with 1, 2 and 4 servers
#   ONLY=puts   just PUTs and the feed with one server on SQLite and on
#               PostgreSQL, RUNS times alternated (RUNS=1)
#   ONLY=two    just PUTs and the feed through two servers on PostgreSQL
#   ONLY=balancer  just a push of 10,000 cases and a pull of 100,000
#               changes (bench-sync) through HAProxy in front of two
#               servers on one database, and the CPU time PostgreSQL,
#               each server and HAProxy used during each
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${BUILDDIR:-$root/_build}
server_bin=$build/src/server/service-hall-server
duration=${DURATION:-5s}
connections=${CONNECTIONS:-32}
threads=${THREADS:-2}
cases=${CASES:-100000}
export SERVICE_HALL_CATALOG=${SERVICE_HALL_CATALOG:-$root/data/catalog.json}
export GIO_USE_PROXY_RESOLVER=dummy

for tool in wrk curl python3 pgrep; do
  command -v $tool >/dev/null || { echo "bench-pg-ops: $tool is missing" >&2; exit 1; }
done
[ -x "$server_bin" ] || { echo "bench-pg-ops: build $build first" >&2; exit 1; }
pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -x "$pgbin/initdb" ] || { echo "bench-pg-ops: PostgreSQL is not installed" >&2; exit 1; }

json() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }

work=$(mktemp -d "${TMPDIR:-/var/tmp}/hall-bench-pg-XXXXXX")
chmod 755 "$work"
as=()
if [ "$(id -u)" = 0 ]; then as=(runuser -u postgres --); fi
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  "${as[@]}" "$pgbin/pg_ctl" -D "$work/pg" -m fast stop >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

mkdir "$work/pg" "$work/sock"
[ ${#as[@]} -eq 0 ] || chown postgres "$work/pg" "$work/sock"
"${as[@]}" "$pgbin/initdb" -D "$work/pg" -U hall --auth=trust -E UTF8 >/dev/null
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"${as[@]}" "$pgbin/pg_ctl" -D "$work/pg" -w -l "$work/pg/log" \
  -o "-k $work/sock -p $port -c listen_addresses='' -c shared_buffers=256MB" start >/dev/null \
  || { cat "$work/pg/log" >&2; exit 1; }
newdb() { "$pgbin/createdb" -h "$work/sock" -p "$port" -U hall "$1"; echo "postgresql://hall@/$1?host=$work/sock&port=$port"; }

# start DATA [ARGS...]: a server; sets $base and appends its pid.
start() {
  local data=$1
  shift
  mkdir -p "$data"
  exec {out}< <(exec "$server_bin" --listen 127.0.0.1:0 --data "$data" --demo "$@" 2>"$data.log")
  pids+=($!)
  local line
  read -r line <&$out
  base=${line#listening on }
}

# fill BASE: signs in, writes one applicant and one case; sets $token
# $applicant $kase.
fill() {
  token=$(curl -sf -X POST -H 'Content-Type: application/json' -d '{"username":"demo","password":"demo"}' "$1/v1/sessions" | json '["token"]')
  applicant=$(python3 -c 'import uuid; print(uuid.uuid4())')
  curl -sf -X PUT -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
    -d '{"kind":"person","name":"Bench Person","id_type":"resident_id","id_number":"11010519491231002X","phone":"13800138000"}' \
    "$1/v1/applicants/$applicant" >/dev/null
}

# add_case BASE: a case of $applicant; sets $kase.
add_case() {
  kase=$(python3 -c 'import uuid; print(uuid.uuid4())')
  curl -sf -X PUT -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
    -d "{\"number\":\"YC-$(date -u +%Y)-C01-1\",\"service\":\"company_business_license\",\"applicant\":\"$applicant\",\"state\":\"received\",\"counter\":\"C01\",\"official\":\"demo\",\"checklist\":[]}" \
    "$1/v1/cases/$kase" >/dev/null
}

wrk_run() {   # SCRIPT BASE CONNECTIONS [SEED]
  SEED=${4:-0} TOKEN=$token APPLICANT=$applicant CASE=${kase:-} MAX_SEQ=${max_seq:-1000} wrk -t"$threads" -c"$3" -d"$duration" \
    -s "$here/$1" "$2" | grep '^RESULT' | sed 's/^RESULT //'
}

last_seq() {
  curl -sf -H "Authorization: Bearer $token" "$1/v1/changes?since=0&limit=1" >/dev/null
  python3 - "$1" "$token" <<'PY'
import json, sys, urllib.request
base, token = sys.argv[1], sys.argv[2]
since = 0
while True:
    req = urllib.request.Request(f"{base}/v1/changes?since={since}&limit=5000",
                                 headers={"Authorization": f"Bearer {token}"})
    changes = json.load(urllib.request.urlopen(req))["changes"]
    if not changes:
        break
    since = changes[-1]["seq"]
print(since)
PY
}

echo "bench-pg-ops: $connections connections, $threads wrk threads, $duration each, $(nproc) CPUs, PostgreSQL $("$pgbin/postgres" --version | awk '{print $3}')"

# sum_of FILES...: the sum of their req_per_s.
sum_of() {
  cat "$@" | sed -n 's/.*req_per_s=\([0-9]*\).*/\1/p' | paste -sd+ | bc
}

# GETs of one case: SQLite with one server, then PostgreSQL with 1, 2 and
# 4 servers on one database (each its own wrk with its share of the
# connections, started together; the figure is their sum).
gets() {
  start "$work/get-sqlite"
  fill "$base"
  add_case "$base"
  printf '%-28s GET     %s\n' "SQLite, 1 server" "$(wrk_run bench-get-case.lua "$base" "$connections")"
  kill -TERM "${pids[-1]}"; wait "${pids[-1]}" 2>/dev/null || true
  pids=()
  for n in 1 2 4; do
    local uri bases=() files=() wrk_pids=()
    uri=$(newdb "gets$n")
    for i in $(seq 1 "$n"); do
      mkdir -p "$work/get-pg$n-$i"
      [ "$i" = 1 ] || cp "$work/get-pg$n-1/session.key" "$work/get-pg$n-$i/"
      start "$work/get-pg$n-$i" --database "$uri"
      bases+=("$base")
    done
    fill "${bases[0]}"
    add_case "${bases[0]}"
    for i in $(seq 1 "$n"); do
      wrk_run bench-get-case.lua "${bases[$((i - 1))]}" $((connections / n)) > "$work/get-$n-$i" &
      wrk_pids+=($!)
      files+=("$work/get-$n-$i")
    done
    wait "${wrk_pids[@]}"
    printf '%-28s GET     %s/s in all (%s)\n' "PostgreSQL, $n server(s)" "$(sum_of "${files[@]}")" \
      "$(cat "${files[@]}" | sed 's/ requests=.*//' | paste -sd';')"
    for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
    pids=()
  done
}

# ticks PID: the CPU time (1/100 s) of PID and of its children it waited for.
ticks() { awk '{ print $14 + $15 + $16 + $17 }' "/proc/$1/stat"; }
# cpu_ticks: those of the cluster (the postmaster and its backends), the
# two servers and HAProxy, on one line.
cpu_ticks() {
  local postmaster t child
  postmaster=$(head -1 "$work/pg/postmaster.pid")
  t=$(ticks "$postmaster")
  for child in $(pgrep -P "$postmaster"); do t=$((t + $(ticks "$child" 2>/dev/null || echo 0))); done
  echo "$t $(ticks "${pids[0]}") $(ticks "${pids[1]}") $(ticks "${pids[2]}")"
}

# A push of 10,000 cases, then on a new database a pull of 100,000
# changes, by bench-sync through HAProxy (README's configuration) in front
# of two servers on one database.
balancer() {
  local kind
  command -v haproxy >/dev/null || { echo "bench-pg-ops: haproxy is missing" >&2; exit 1; }
  for kind in push pull; do
    local uri bases=() hport
    uri=$(newdb "balanced_$kind")
    for i in 1 2; do
      mkdir -p "$work/bal-$kind-$i"
      [ "$i" = 1 ] || cp "$work/bal-$kind-1/session.key" "$work/bal-$kind-2/"
      start "$work/bal-$kind-$i" --database "$uri"
      bases+=("${base#http://}")
    done
    hport=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    cat > "$work/haproxy-$kind.cfg" <<CFG
global
  maxconn 4096
defaults
  mode http
  option httpchk GET /v1/health
  timeout connect 5s
  timeout client 60s
  timeout server 60s
  timeout http-keep-alive 10s
frontend hall
  bind 127.0.0.1:$hport
  default_backend servers
backend servers
  balance roundrobin
  server a ${bases[0]} check
  server b ${bases[1]} check
CFG
    haproxy -f "$work/haproxy-$kind.cfg" -db >"$work/haproxy-$kind.log" 2>&1 &
    pids+=($!)
    sleep 1
    # The CPU each process used from the timed run's start to its end:
    # bench-sync prints a line as it starts timing (once the machine is
    # quiet) and one after.
    "$build/tests/bench/bench-sync" --runs 1 --url "http://127.0.0.1:$hport" \
      --after-seeding "$pgbin/psql -X -q -d $uri -c 'VACUUM ANALYZE'" \
      $([ "$kind" = push ] && echo --no-pull || echo --no-push) | while read -r line; do
        case "$line" in
          *"timed from here"*) cpu_ticks > "$work/cpu-start" ;;
          *"run 1"*) cpu_ticks > "$work/cpu-end"
                     echo "PostgreSQL, 2 servers behind HAProxy: $line" ;;
          *median*) echo "PostgreSQL, 2 servers behind HAProxy: $line" ;;
        esac
      done
    paste -d' ' "$work/cpu-start" "$work/cpu-end" | awk '{ printf "  CPU during the run: PostgreSQL %.2f s, servers %.2f + %.2f s, HAProxy %.2f s\n", ($5-$1)/100, ($6-$2)/100, ($7-$3)/100, ($8-$4)/100 }'
    for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
    pids=()
  done
}

# Durable case PUTs and the feed's pages with one server, on SQLite and
# then on PostgreSQL (RUNS times, alternated, so that both see the same
# machine).
one_server_each() {
  local run
  for run in $(seq 1 "${RUNS:-1}"); do
    start "$work/sqlite-$run"
    fill "$base"
    printf '%-28s PUT     %s\n' "SQLite, 1 server" "$(wrk_run bench-put-case.lua "$base" "$connections")"
    max_seq=$(last_seq "$base")
    printf '%-28s changes %s (feed of %s)\n' "" "$(wrk_run bench-changes.lua "$base" "$connections")" "$max_seq"
    kill -TERM "${pids[-1]}"; wait "${pids[-1]}" 2>/dev/null || true

    uri=$(newdb "one$run")
    start "$work/pg-one-$run" --database "$uri"
    fill "$base"
    printf '%-28s PUT     %s\n' "PostgreSQL, 1 server" "$(wrk_run bench-put-case.lua "$base" "$connections")"
    max_seq=$(last_seq "$base")
    printf '%-28s changes %s (feed of %s)\n' "" "$(wrk_run bench-changes.lua "$base" "$connections")" "$max_seq"
    kill -TERM "${pids[-1]}"; wait "${pids[-1]}" 2>/dev/null || true
  done
  pids=()
}

# PUTs and the feed's pages through two servers on one database at once,
# each with half the connections.
two_servers() {
  local uri base_a base_b half wrk_pid
  uri=$(newdb two)
  start "$work/pg-a" --database "$uri"
  base_a=$base
  mkdir -p "$work/pg-b" && cp "$work/pg-a/session.key" "$work/pg-b/"
  start "$work/pg-b" --database "$uri"
  base_b=$base
  fill "$base_a"
  half=$((connections / 2))
  wrk_run bench-put-case.lua "$base_a" "$half" > "$work/put-a" &
  wrk_pid=$!
  wrk_run bench-put-case.lua "$base_b" "$half" 1 > "$work/put-b"
  wait "$wrk_pid"
  printf '%-28s PUT     %s + %s\n' "PostgreSQL, 2 servers" "$(cat "$work/put-a")" "$(cat "$work/put-b")"
  max_seq=$(last_seq "$base_a")
  wrk_run bench-changes.lua "$base_a" "$half" > "$work/get-a" &
  wrk_pid=$!
  wrk_run bench-changes.lua "$base_b" "$half" 1 > "$work/get-b"
  wait "$wrk_pid"
  printf '%-28s changes %s + %s (feed of %s)\n' "" "$(cat "$work/get-a")" "$(cat "$work/get-b")" "$max_seq"
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  pids=()

  # A hall of $cases cases, made straight into its SQLite file (the schema
  # from a server that started and stopped on it), copied and backed up.
}

case "${ONLY:-}" in
  gets) gets; exit 0 ;;
  balancer) balancer; exit 0 ;;
  puts) one_server_each; exit 0 ;;
  two) two_servers; exit 0 ;;
  *) gets ;;
esac

one_server_each

# Two servers on one PostgreSQL database, one session key between them.
two_servers

hall="$work/big"
start "$hall"
kill -TERM "${pids[-1]}"; wait "${pids[-1]}" 2>/dev/null || true
pids=()
python3 - "$hall/hall.sqlite" "$cases" <<'PY'
import json, sqlite3, sys, uuid
path, n = sys.argv[1], int(sys.argv[2])
db = sqlite3.connect(path)
db.execute("PRAGMA synchronous = OFF")
seq = 0
with db:
    for i in range(n):
        a, c = str(uuid.uuid4()), str(uuid.uuid4())
        person = json.dumps({"uuid": a, "kind": "person", "name": "Bench Person %d" % i,
                             "id_type": "resident_id", "id_number": "110105%012d" % i,
                             "phone": "13800138000", "version": 1})
        number = "YC-2026-C01-%06d" % (i + 1)
        case = json.dumps({"uuid": c, "number": number, "service": "company_business_license",
                           "applicant": a, "state": "received", "counter": "C01",
                           "checklist": [], "version": 1})
        db.execute("INSERT INTO applicants (uuid, version, data, identity) VALUES (?, 1, ?, ?)",
                   (a, person, "person:resident_id:110105%012d" % i))
        db.execute("INSERT INTO cases (uuid, version, number, data) VALUES (?, 1, ?, ?)",
                   (c, number, case))
        db.execute("INSERT INTO changes (entity, uuid, version, data) VALUES ('applicant', ?, 1, ?)",
                   (a, person))
        db.execute("INSERT INTO changes (entity, uuid, version, data) VALUES ('case', ?, 1, ?)",
                   (c, case))
db.close()
PY
size=$(du -h "$hall/hall.sqlite" | cut -f1)
uri=$(newdb copied)
t0=$(date +%s.%N)
"$server_bin" --data "$hall" --copy-to "$uri" > "$work/copy.out"
t1=$(date +%s.%N)
printf '%-28s %.2f s (%s cases, SQLite file %s)\n' "--copy-to" "$(echo "$t1 - $t0" | bc)" "$cases" "$size"
grep -E '^(cases|changes):' "$work/copy.out" | sed 's/, sha256.*//' | sed 's/^/                             /'
t0=$(date +%s.%N)
"$server_bin" --data "$hall" --backup "$work/big-backup.sqlite" > /dev/null
t1=$(date +%s.%N)
printf '%-28s %.2f s\n' "--backup" "$(echo "$t1 - $t0" | bc)"
t0=$(date +%s.%N)
"$pgbin/pg_dump" --format=custom --file "$work/big.dump" "$uri"
t1=$(date +%s.%N)
printf '%-28s %.2f s (%s)\n' "pg_dump of the copy" "$(echo "$t1 - $t0" | bc)" "$(du -h "$work/big.dump" | cut -f1)"

# A city's year: the copy's bytes per case (its applicant, changes and
# stats rows and every index with them), and as many page records as
# cases (6 per case would be the city's 30,000,000 for 5,000,000), each as
# a counter sends one, all measured after VACUUM ANALYZE, scaled up.
psql_run() { "$pgbin/psql" -X -q -t -A -v ON_ERROR_STOP=1 "$uri" -c "$1"; }
psql_run "INSERT INTO pages (uuid, version, case_uuid, data)
  SELECT u, 1, c.uuid, json_build_object ('uuid', u, 'case', c.uuid, 'slot', 'business_license_application',
    'position', 0, 'turn', 0, 'sha256', encode (sha256 (u::bytea), 'hex'), 'kind', 'grey',
    'mime', 'image/jpeg', 'bytes', 254321, 'width', 2480, 'height', 3508, 'dpi', 300,
    'created_at', '2026-12-04T09:31:07+08:00', 'version', 1, 'recorded_by', 'wang.li',
    'recorded_at', '2026-12-04T01:31:09Z')::text
  FROM (SELECT uuid, gen_random_uuid ()::text AS u FROM cases) AS c"
psql_run "VACUUM ANALYZE"
python3 - "$(psql_run "SELECT sum (pg_total_relation_size (c.oid)) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relkind IN ('r', 'm') AND c.relname <> 'pages'")" \
          "$(psql_run "SELECT pg_total_relation_size ('pages')")" "$cases" <<'PY'
import sys
records, pages, cases = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
per_case, per_page = records / cases, pages / cases
year_cases, year_pages = 5_000_000, 30_000_000
total = per_case * year_cases + per_page * year_pages
print(f"{'a city year in PostgreSQL':28s} {per_case:.0f} bytes a case, {per_page:.0f} bytes a page record: "
      f"{per_case * year_cases / 1e9:.1f} GB for 5,000,000 cases + {per_page * year_pages / 1e9:.1f} GB "
      f"for 30,000,000 page records = {total / 1e9:.1f} GB, the pages' files apart")
PY
