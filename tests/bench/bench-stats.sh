#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# GET /v1/stats over a month of a city's hall (issue 14 item 6): 1,000,000
# cases and 3,000,000 events (an accept, a step decision, and a return or a
# reject or a final move) created in March 2026, on the server's SQLite
# storage. The fixture is written straight into the server's SQLite file
# with the sqlite3 shell (its audit-chain trigger, which needs the
# server's own SQL function, is set aside while it loads and put back);
# then the server is started on it and asked RUNS times for the month's
# figures by service. Prints each time and the median (curl's time_total,
# over loopback: the server's work, counted in the database).
#
# The figures come from the stats_ tables (server SQLite schema 10,
# PostgreSQL 7), which triggers keep: on SQLite the fixture is loaded with
# them at work. STORAGE=postgresql does the same month on PostgreSQL, in a
# throw-away cluster (initdb; run as the postgres user when root): the
# fixture is generated there with the stats_ tables set aside (schema
# back at 6), and the server's migration to 7 fills them, which is timed.
#
#   BUILDDIR=_build tests/bench/bench-stats.sh
#   CASES=1000000 RUNS=9 BY=service STORAGE=sqlite (defaults)
#
# DATA=DIR keeps the server's data in DIR (made if missing, never removed)
# and, on SQLite, loads the fixture only when DIR holds none yet, so a
# second run starts at once. PAGE=1 then also times the supervisor page
# opening on that server (tests/bench/bench-stats-page under xvfb-run;
# PAGE_RUNS=5): from the action to the first chart drawn.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${BUILDDIR:-$root/_build}
server_bin=$build/src/server/service-hall-server
cases=${CASES:-1000000}
runs=${RUNS:-9}
by=${BY:-service}
storage=${STORAGE:-sqlite}
export SERVICE_HALL_CATALOG=${SERVICE_HALL_CATALOG:-$root/data/catalog.json}

for tool in sqlite3 curl python3; do
  command -v $tool >/dev/null || { echo "bench-stats: $tool is missing" >&2; exit 1; }
done
[ -x "$server_bin" ] || { echo "bench-stats: build $build first" >&2; exit 1; }

if [ -n "${DATA:-}" ]; then
  mkdir -p "$DATA"
  data=$(cd "$DATA" && pwd)
  KEEP=1
else
  data=$(mktemp -d "${TMPDIR:-/var/tmp}/hall-bench-stats-XXXXXX")
fi
server_pid=
database_args=()
pg_dir=
stop_server() {
  if [ -n "$server_pid" ]; then
    kill -TERM "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
    server_pid=
  fi
}
as_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
stop_postgres() {
  [ -z "$pg_dir" ] || as_pg "$pg_bin/pg_ctl" -D "$pg_dir/data" -m fast -w stop >/dev/null 2>&1 || true
}
trap 'stop_server; stop_postgres; [ -n "${KEEP:-}" ] || rm -rf "$data" $pg_dir' EXIT

start_server() {
  coproc SERVER { exec "$server_bin" --listen 127.0.0.1:0 --data "$data" --demo \
                    "${database_args[@]}"; }
  server_pid=$SERVER_PID
  local line
  read -r line <&"${SERVER[0]}"
  base=${line#listening on }
}

if [ "$storage" = postgresql ]; then
  pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
  pg_dir=$(mktemp -d /tmp/hall-bench-pg-XXXXXX)
  chmod 755 "$pg_dir"
  [ "$(id -u)" != 0 ] || chown postgres "$pg_dir"
  as_pg "$pg_bin/initdb" -D "$pg_dir/data" -U hall -A trust -E UTF8 >/dev/null
  as_pg "$pg_bin/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/log" -w \
    -o "-k $pg_dir -p 5491 -c listen_addresses='' -c fsync=off -c shared_buffers=512MB" start >/dev/null
  psql="psql -q -v ON_ERROR_STOP=1 -h $pg_dir -p 5491 -U hall postgres"
  database_args=(--database "postgresql://hall@/postgres?host=$pg_dir&port=5491")
  start_server
  stop_server
  echo "generating $cases cases and $((cases * 3)) events in PostgreSQL ..."
  load_start=$(date +%s)
  services=$(python3 -c 'import json,sys; print(",".join("'"'"'%s'"'"'" % s["id"] for s in json.load(open(sys.argv[1]))["services"]))' "$SERVICE_HALL_CATALOG")
  $psql <<EOF
DROP TABLE stats_cases, stats_cells, stats_steps, stats_reasons, stats_cell_deltas CASCADE;
DROP FUNCTION stats_cases_cells, stats_cells_fold, hall_put_entity, hall_put_event,
  stats_feed_case, stats_feed_event, stats_feed, stats_epoch CASCADE;
DROP TABLE tickets, ticket_transitions, queue_counters, appointments, blobs,
  blob_upload_parts, blob_uploads, stats_fed;
UPDATE hall_schema SET version = 6;
CREATE TEMP TABLE services AS SELECT row_number () OVER () - 1 AS n, id
  FROM unnest (ARRAY[$services]) AS id;
INSERT INTO cases (uuid, version, number, data)
SELECT u, 3, num, json_build_object (
         'uuid', u, 'number', num,
         'service', (SELECT id FROM services WHERE n = i % (SELECT count(*) FROM services)),
         'applicant', '00000000-0000-4000-9000-000000000001',
         'state', CASE i % 5 WHEN 0 THEN 'completed' WHEN 1 THEN 'rejected' WHEN 2 THEN 'returned'
                             WHEN 3 THEN 'in_review' ELSE 'completed' END,
         'created_at', to_char (t0 + make_interval (secs => i * 2678400 / $cases), f),
         'promised_at', to_char (t0 + make_interval (secs => i * 2678400 / $cases + 432000), f),
         'updated_at', to_char (t0 + make_interval (secs => i * 2678400 / $cases + (i % 7) * 86400), f),
         'counter', 'C' || lpad ((i % 40)::text, 2, '0'),
         'official', 'official.' || lpad ((i % 120)::text, 3, '0'),
         'checklist', json_build_array (), 'version', 3)::text
FROM (SELECT i, format ('00000000-0000-4000-8000-%s', lpad (i::text, 12, '0')) AS u,
             format ('YC-2026-C%s-%s', lpad ((i % 40)::text, 2, '0'), lpad (i::text, 7, '0')) AS num,
             timestamp '2026-03-01 00:00:00' AS t0, 'YYYY-MM-DD"T"HH24:MI:SS"Z"' AS f
      FROM generate_series (0::bigint, $cases - 1) AS i) AS g;
INSERT INTO events (uuid, case_uuid, case_version, data, prev_hash, entry_hash)
SELECT format ('00000000-0000-4000-a000-%s', lpad (i::text, 12, '0')),
       format ('00000000-0000-4000-8000-%s', lpad ((i / 3)::text, 12, '0')), 1 + i % 3,
       json_build_object (
         'uuid', format ('00000000-0000-4000-a000-%s', lpad (i::text, 12, '0')),
         'case', format ('00000000-0000-4000-8000-%s', lpad ((i / 3)::text, 12, '0')),
         'kind', 'decision', 'step', CASE i % 3 WHEN 0 THEN 'accept' ELSE 'review' END,
         'decision', CASE WHEN i % 3 = 2 AND (i / 3) % 5 = 2 THEN 'return'
                          WHEN i % 3 = 2 AND (i / 3) % 5 = 1 THEN 'reject' ELSE 'approve' END,
         'reasons', json_build_array (),
         'at', to_char (timestamp '2026-03-01 00:00:00'
                        + make_interval (secs => (i / 3) * 2678400 / $cases + (i % 3) * 3600),
                        'YYYY-MM-DD"T"HH24:MI:SS"Z"'))::text, '', ''
FROM generate_series (0::bigint, $cases * 3 - 1) AS i;
VACUUM ANALYZE;
EOF
  echo "generated in $(( $(date +%s) - load_start )) s"
  migrate_start=$(date +%s)
  start_server
  echo "migration to schema 9 (filling the stats_ tables) and start: $(( $(date +%s) - migrate_start )) s"
  $psql -c "VACUUM ANALYZE"
else

db=$data/hall.sqlite
if [ -s "$db" ] && [ "$(sqlite3 "$db" 'SELECT count(*) FROM cases')" -ge "$cases" ]; then
  echo "reusing the fixture in $db ($(du -h "$db" | cut -f1))"
else
# The server makes its schema; then it is stopped while the fixture loads.
start_server
stop_server
trigger=$(sqlite3 "$db" "SELECT sql FROM sqlite_master WHERE name = 'events_chain'")

echo "loading $cases cases and $((cases * 3)) events into $db ..."
load_start=$(date +%s)
sqlite3 "$db" <<EOF
PRAGMA journal_mode = WAL;
PRAGMA synchronous = OFF;
DROP TRIGGER events_chain;
BEGIN;
CREATE TEMP TABLE services (n INTEGER PRIMARY KEY, id TEXT);
INSERT INTO services (id) SELECT value FROM json_each (
  (SELECT json_group_array (json_extract (s.value, '\$.id'))
   FROM json_each (readfile ('$SERVICE_HALL_CATALOG'), '\$.services') AS s));
WITH RECURSIVE n (i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < $cases)
INSERT INTO cases (uuid, version, number, data)
SELECT printf ('00000000-0000-4000-8000-%012d', i), 3, printf ('YC-2026-C%02d-%07d', i % 40, i),
       json_object ('uuid', printf ('00000000-0000-4000-8000-%012d', i),
                    'number', printf ('YC-2026-C%02d-%07d', i % 40, i),
                    'service', (SELECT id FROM services WHERE n = 1 + i % (SELECT count(*) FROM services)),
                    'applicant', '00000000-0000-4000-9000-000000000001',
                    'state', CASE i % 5 WHEN 0 THEN 'completed' WHEN 1 THEN 'rejected'
                                        WHEN 2 THEN 'returned' WHEN 3 THEN 'in_review'
                                        ELSE 'completed' END,
                    'created_at', strftime ('%Y-%m-%dT%H:%M:%SZ', '2026-03-01T00:00:00Z',
                                            '+' || (i * 2678400 / $cases) || ' seconds'),
                    'promised_at', strftime ('%Y-%m-%dT%H:%M:%SZ', '2026-03-01T00:00:00Z',
                                             '+' || (i * 2678400 / $cases + 432000) || ' seconds'),
                    'updated_at', strftime ('%Y-%m-%dT%H:%M:%SZ', '2026-03-01T00:00:00Z',
                                            '+' || (i * 2678400 / $cases + (i % 7) * 86400) || ' seconds'),
                    'counter', printf ('C%02d', i % 40),
                    'official', printf ('official.%03d', i % 120),
                    'checklist', json_array (), 'version', 3)
FROM n;
WITH RECURSIVE n (i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < $cases * 3)
INSERT INTO events (uuid, case_uuid, case_version, data, prev_hash, entry_hash)
SELECT printf ('00000000-0000-4000-a000-%012d', i), printf ('00000000-0000-4000-8000-%012d', i / 3),
       1 + i % 3,
       json_object ('uuid', printf ('00000000-0000-4000-a000-%012d', i),
                    'case', printf ('00000000-0000-4000-8000-%012d', i / 3),
                    'kind', 'decision',
                    'step', CASE i % 3 WHEN 0 THEN 'accept' ELSE 'review' END,
                    'decision', CASE WHEN i % 3 = 2 AND (i / 3) % 5 = 2 THEN 'return'
                                     WHEN i % 3 = 2 AND (i / 3) % 5 = 1 THEN 'reject'
                                     ELSE 'approve' END,
                    'reasons', json_array (),
                    'at', strftime ('%Y-%m-%dT%H:%M:%SZ', '2026-03-01T00:00:00Z',
                                    '+' || ((i / 3) * 2678400 / $cases + (i % 3) * 3600) || ' seconds')),
       '', ''
FROM n;
COMMIT;
$trigger;
ANALYZE;
PRAGMA wal_checkpoint (TRUNCATE);
EOF
echo "loaded in $(( $(date +%s) - load_start )) s; $(du -h "$db" | cut -f1)"
fi

start_server
fi
token=$(curl -sf -X POST -H 'Content-Type: application/json' \
          -d '{"username":"demo","password":"demo"}' "$base/v1/sessions" \
        | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
url="$base/v1/stats?from=2026-03-01&to=2026-03-31&by=$by"
# One answer, to show the figures are real.
curl -sf -H "Authorization: Bearer $token" "$url" \
  | python3 -c 'import json,sys; t=json.load(sys.stdin)["total"]; print("total:", {k: v.get("count", v.get("value")) for k, v in t.items()})'
times=()
for _ in $(seq "$runs"); do
  times+=("$(curl -sf -o /dev/null -w '%{time_total}' -H "Authorization: Bearer $token" "$url")")
done
printf '%s\n' "${times[@]}" | python3 -c '
import statistics, sys
ms = [float(x) * 1000 for x in sys.stdin.read().split()]
print("GET /v1/stats by '"$by"' on '"$storage"', %d runs, ms:" % len(ms), " ".join("%.0f" % m for m in ms))
print("median %.0f ms" % statistics.median(ms))'

if [ -n "${PAGE:-}" ]; then
  page_bin=$build/tests/bench/bench-stats-page
  [ -x "$page_bin" ] || { echo "bench-stats: build $page_bin first (-Dbenchmarks=true)" >&2; exit 1; }
  xvfb-run -a -s '-screen 0 1366x768x24' env GTK_A11Y=none GSK_RENDERER=cairo GDK_BACKEND=x11 \
    GSETTINGS_BACKEND=memory GSETTINGS_SCHEMA_DIR="$build/data" \
    "$page_bin" --url "$base" --from 2026-03-01 --runs "${PAGE_RUNS:-5}"
fi
