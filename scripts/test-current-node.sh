#!/usr/bin/env bash
# The server tests again on another Node line than the PATH's: by default 24, the current LTS (CI runs
# this beside `npm test`, which runs them on the machine's Node). `bash scripts/test-current-node.sh 26`
# runs them on the newest line.
#
# The npm registry's `node` package brings that Node as a binary. It goes into a private prefix, not the
# project's node_modules, so `npm ci` neither removes it nor sees it in package-lock.json, and it never
# becomes the PATH's `node`: only this suite runs on it (the test files, and the servers they spawn with
# process.execPath).
set -euo pipefail
cd "$(dirname "$0")/.."

line="${1:-24}"
# One prefix per line, kept between runs (WIREWATCH_NODE_DIR to put them elsewhere).
prefix="${WIREWATCH_NODE_DIR:-${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/wirewatch}/node-$line"
node_bin="$prefix/node_modules/.bin/node"

installed() {
  [ -x "$node_bin" ] && [[ "$("$node_bin" --version 2>/dev/null)" == "v$line."* ]]
}

mkdir -p "$prefix"
# The package's install script puts the binary in place: allowed here, and only here.
if [ ! -f "$prefix/package.json" ]; then
  printf '{\n  "private": true,\n  "allowScripts": { "node": true }\n}\n' >"$prefix/package.json"
fi
# Every run asks the registry for the newest release of the line, so a fresh machine proves the install.
if ! npm install --prefix "$prefix" --no-audit --no-fund --loglevel=error "node@$line"; then
  if [ -n "${CI:-}" ]; then
    echo "ERROR: could not install Node $line from the npm registry (npm's message above): CI tests on it, so CI fails." >&2
    exit 1
  fi
  if ! installed; then
    echo "ERROR: could not install Node $line from the npm registry (npm's message above), and none is in $prefix." >&2
    exit 1
  fi
  echo "WARNING: could not update Node $line from the npm registry; testing on the one installed before." >&2
fi
if ! installed; then
  echo "ERROR: $node_bin is not Node $line after the install." >&2
  exit 1
fi

echo "Server tests on Node $("$node_bin" --version) ($node_bin); the PATH's node is $(node --version)"
# The same command as package.json's test:unit, on that binary, less what only waits out a configured
# timer or repeats on a larger scale what the rest covers on this Node (about 110 s): nginx's 60 s read
# timeout against a 50 s poll, SSE's default 15 s heartbeat, the 100 random cuts per technique and the
# cluster's two long faults (every technique through a killed instance and a Redis restart). The runs on
# the PATH's Node keep them; on this one every technique is still cut, resumed across instances and
# followed through Redis by the shorter tests.
# shellcheck disable=SC2046 # one argument per test file
exec "$node_bin" --import tsx --test --test-reporter=spec --test-concurrency=1 \
  --test-skip-pattern='takes 50 s' --test-skip-pattern='first heartbeat within 15 s with the default settings' \
  --test-skip-pattern='through 100 random cuts' --test-skip-pattern='faults lose nothing' \
  $(find test -name '*.test.ts' | sort)
