#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# bench-startup.sh — time from start to the counter app's first window, with
# a million cases in its store, next to a bare libadwaita window measured in
# the same run by ../shared/tools/startup-ratio.
#
# Usage: tests/bench/bench-startup.sh [BUILDDIR] [RUNS]
# The fixture is the one bench-search builds (1,000,000 cases, 600,000
# applicants); it is built on first use and reused afterwards.
set -euo pipefail

here=$(cd "$(dirname "$0")/../.." && pwd)
builddir=$(cd "${1:-$here/_build}" && pwd)
runs=${2:-9}
ratio_tool=${STARTUP_RATIO:-$here/../shared/tools/startup-ratio}
fixture=${BENCH_DB:-$builddir/bench-search.db}

[ -x "$ratio_tool" ] || { echo "bench-startup: $ratio_tool not found" >&2; exit 2; }

if [ ! -f "$fixture" ]; then
  echo "bench-startup: building the million-case fixture (about a minute)…" >&2
  "$builddir/tests/bench/bench-search" --db "$fixture" --queries 1 >/dev/null
fi

data=$(mktemp -d)
trap 'rm -rf "$data"' EXIT
mkdir -p "$data/service-hall/bench"
ln -s "$fixture" "$data/service-hall/bench/hall.db"

export XDG_DATA_HOME=$data
export GSETTINGS_BACKEND=memory
export GSETTINGS_SCHEMA_DIR=$builddir/data

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "store: $(du -h "$fixture" | cut -f1) ($fixture)"
# The window class is the application ID: main.c sets it as the program name.
"$ratio_tool" -n "$runs" org.servicehall.Counter -- "$builddir/src/gui/service-hall" --profile bench
