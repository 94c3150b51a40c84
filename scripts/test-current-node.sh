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
# timer or repeats, with more processes and longer, what the rest covers on this Node (about 110 s): the
# 100 random cuts per technique, and the suites that run several instances on their own Redis and nginx
# (two instances, the network cut, the cluster and its faults). The runs on the PATH's Node keep them;
# on this one every technique is still cut and resumed, and node-redis still talks to a real Redis (the
# Redis feed log, the shared room, the rate limits). The two timer-bound tests (a 50 s poll through nginx,
# SSE's default 15 s heartbeat) run only with WIREWATCH_SLOW_TESTS=1 anyway.
# All files in one process (--test-isolation=none, Node 22.8 and later): tsx's loader starts once instead of
# once per file, which was 100 s of 250. The PATH's Node runs every file in a process of its own, so a test
# that leaks into the next file is still caught there.
# shellcheck disable=SC2046 # one argument per test file
exec "$node_bin" --import tsx --test --test-isolation=none --test-reporter=spec --test-concurrency=1 \
  --test-skip-pattern='takes 50 s' --test-skip-pattern='first heartbeat within 15 s with the default settings' \
  --test-skip-pattern='through 100 random cuts' --test-skip-pattern='faults lose nothing' \
  --test-skip-pattern='two instances sharing one feed through Redis' \
  --test-skip-pattern='a network cut between one instance and Redis' \
  --test-skip-pattern='a cluster: Redis, two instances and nginx' --test-skip-pattern='npm run cluster \(cluster/main.ts\)' \
  $(find test -name '*.test.ts' | sort)
