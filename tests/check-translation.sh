#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Fails when a translation has an error, or a message that is untranslated
# or fuzzy: either would show English, or a stale guess, to an official.
set -eu

status=0
for po in "$@"; do
  if ! stats=$(LC_ALL=C msgfmt --check --statistics -o /dev/null "$po" 2>&1); then
    printf '%s\n' "$stats"
    status=1
    continue
  fi
  printf '%s: %s\n' "$po" "$stats"
  case $stats in
    *untranslated* | *fuzzy*) status=1 ;;
  esac
done
exit $status
