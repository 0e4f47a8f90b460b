#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Fails on anything systemd-analyze verify says of a unit: it exits 0 on
# unknown keys and unparsable values, which systemd then ignores.
set -eu

out=$(systemd-analyze verify --man=no "$1" 2>&1) || { printf '%s\n' "$out"; exit 1; }
if [ -n "$out" ]; then
  printf '%s\n' "$out"
  exit 1
fi
