#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Usage: check-potfiles.sh SOURCE_ROOT PO_FILE
#
# Fails when a source file with translatable strings is missing from
# po/POTFILES.in, when POTFILES.in names a file that is gone, or when a
# message of those files has no translation in PO_FILE. A file left out
# of POTFILES.in never reaches the translators, and its messages show in
# English to an official working in Chinese; check-translation.sh cannot
# see that, since it reads only the .po file.
set -eu

root=$1
# Absolute, since the script works from $root.
case $2 in
  /*) po=$2 ;;
  *) po=$(pwd)/$2 ;;
esac
status=0
listed=$(mktemp)
found=$(mktemp)
pot=$(mktemp)
trap 'rm -f "$listed" "$found" "$pot"' EXIT

cd "$root"
grep -v '^#' po/POTFILES.in | grep -v '^$' | sort > "$listed"

while read -r file; do
  if [ ! -f "$file" ]; then
    printf 'po/POTFILES.in names %s, which does not exist\n' "$file"
    status=1
  fi
done < "$listed"

# gettext's calls as the code writes them (_, N_, C_, NC_, ngettext and
# GLib's g_d*gettext), and GtkBuilder's translatable properties.
grep -rlE '(^|[^A-Za-z0-9_])(N?C?_|g?n?gettext|g_d[a-z]*gettext2?) ?\(|translatable="yes"' \
  src ui --include='*.c' --include='*.ui' | sort > "$found"
for file in $(comm -23 "$found" "$listed"); do
  printf '%s has translatable strings but is not in po/POTFILES.in\n' "$file"
  status=1
done

# The same extraction as meson's i18n.gettext (preset glib), then every
# message must be translated in the .po file.
if command -v xgettext > /dev/null && command -v msgcmp > /dev/null; then
  xgettext --package-name=service-hall --from-code=UTF-8 -D . -f po/POTFILES.in -o "$pot" \
    --keyword=_ --keyword=N_ --keyword=C_:1c,2 --keyword=NC_:1c,2 --keyword=g_dcgettext:2 \
    --keyword=g_dngettext:2,3 --keyword=g_dpgettext2:2c,3
  if ! msgcmp "$po" "$pot"; then
    printf '%s lacks the translations above: run "meson compile -C _build service-hall-update-po"' "$po"
    printf ' and translate them\n'
    status=1
  fi
else
  printf 'xgettext or msgcmp is missing (Debian package gettext): translations not compared\n'
fi
exit $status
