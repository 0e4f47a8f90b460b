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
#   BUILDDIR=_build tests/bench/bench-stats.sh
#   CASES=1000000 RUNS=9 BY=service (defaults)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${BUILDDIR:-$root/_build}
server_bin=$build/src/server/service-hall-server
cases=${CASES:-1000000}
runs=${RUNS:-9}
by=${BY:-service}
export SERVICE_HALL_CATALOG=${SERVICE_HALL_CATALOG:-$root/data/catalog.json}

for tool in sqlite3 curl python3; do
  command -v $tool >/dev/null || { echo "bench-stats: $tool is missing" >&2; exit 1; }
done
[ -x "$server_bin" ] || { echo "bench-stats: build $build first" >&2; exit 1; }

data=$(mktemp -d "${TMPDIR:-/var/tmp}/hall-bench-stats-XXXXXX")
server_pid=
stop_server() {
  if [ -n "$server_pid" ]; then
    kill -TERM "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
    server_pid=
  fi
}
trap 'stop_server; [ -n "${KEEP:-}" ] || rm -rf "$data"' EXIT

start_server() {
  coproc SERVER { exec "$server_bin" --listen 127.0.0.1:0 --data "$data" --demo; }
  server_pid=$SERVER_PID
  local line
  read -r line <&"${SERVER[0]}"
  base=${line#listening on }
}

# The server makes its schema; then it is stopped while the fixture loads.
start_server
stop_server
db=$data/hall.sqlite
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

start_server
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
print("GET /v1/stats by '"$by"', %d runs, ms:" % len(ms), " ".join("%.0f" % m for m in ms))
print("median %.0f ms" % statistics.median(ms))'
