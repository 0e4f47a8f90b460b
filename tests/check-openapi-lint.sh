#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Lints the REST contract with Redocly's CLI, an outside OpenAPI linter.
#
#   check-openapi-lint.sh --install PREFIX     installs it (build-aux/setup)
#   check-openapi-lint.sh PREFIX CONFIG SPEC   lints SPEC, installing first
#
# PREFIX is a folder of the build dir. Skipped (77), never passed, when the
# linter cannot be had: no npm, no registry, or a Node.js too old for it.
set -eu

# Pinned: the linter's rules, and so the test's verdict, stay the same.
package=@redocly/cli@2.77.0
node_needed=20.19

export REDOCLY_TELEMETRY=off
export REDOCLY_SUPPRESS_UPDATE_NOTICE=true
export npm_config_update_notifier=false

install () {
  prefix=$1
  [ -x "$prefix/node_modules/.bin/redocly" ] && return 0
  if ! command -v npm >/dev/null 2>&1; then
    echo "npm is not installed (build-aux/setup installs it): cannot install $package"
    return 77
  fi
  echo "Installing $package into $prefix"
  mkdir -p "$prefix"
  if ! npm install --no-audit --no-fund --fetch-retries=1 --prefix "$prefix" "$package"; then
    echo "npm could not install $package (is the registry reachable?)"
    return 77
  fi
}

if [ "${1-}" = --install ]; then
  install "$2"
  exit $?
fi

prefix=$1
config=$2
spec=$3

status=0
install "$prefix" || status=$?
if [ $status -ne 0 ]; then
  echo "SKIP: the OpenAPI lint did not run"
  exit $status
fi

# 2.77.0 refuses to start on an older Node.js (Debian 12's own is 18).
if ! node -e '
  const [want, have] = [process.argv[1], process.versions.node].map(v => v.split(".").map(Number));
  process.exit(have[0] > want[0] || (have[0] === want[0] && have[1] >= want[1]) ? 0 : 1);
' "$node_needed" 2>/dev/null; then
  echo "SKIP: $package needs Node.js $node_needed or later, not $(node --version 2>&1)"
  exit 77
fi

exec "$prefix/node_modules/.bin/redocly" lint --format=stylish --config "$config" "$spec"
