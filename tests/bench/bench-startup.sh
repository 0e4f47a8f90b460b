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
xvfb=
trap 'rm -rf "$data"; [ -z "$xvfb" ] || kill "$xvfb"' EXIT

# The tool's own Xvfb resets whenever its last client leaves, between two
# starts, and a program started in that moment cannot open the display
# ("the program exited before showing a window"). One that never resets,
# as the tool's, 1280×800:
if [ -z "${DISPLAY:-}" ]; then
  for d in $(seq 150 199); do [ -e "/tmp/.X11-unix/X$d" ] || break; done
  Xvfb ":$d" -screen 0 1280x800x24 -nolisten tcp -noreset >/dev/null 2>&1 &
  xvfb=$!
  export DISPLAY=":$d"
  for i in $(seq 100); do [ -e "/tmp/.X11-unix/X$d" ] && break; sleep 0.05; done
fi
mkdir -p "$data/service-hall/bench"
ln -s "$fixture" "$data/service-hall/bench/hall.db"

export XDG_DATA_HOME=$data
export GSETTINGS_BACKEND=memory
export GSETTINGS_SCHEMA_DIR=$builddir/data

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "store: $(du -h "$fixture" | cut -f1) ($fixture)"
# The window class is the application ID: main.c sets it as the program name.
"$ratio_tool" -n "$runs" org.servicehall.Counter -- "$builddir/src/gui/service-hall" --profile bench
