#!/usr/bin/env bash
# Makes `npm test` a one-command set-up on a fresh machine: dependencies, then
# Debian's Chromium for the e2e tests (Playwright cannot download browsers here), Debian's
# nginx for the reverse-proxy test and Debian's redis-server for the Redis feed tests.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -d node_modules/fastify ]; then
  npm ci --no-audit --no-fund
fi

chromium_path="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [ ! -x "$chromium_path" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "Installing Chromium for the e2e tests (apt-get)..."
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium
  else
    echo "Chromium is missing at $chromium_path: install Debian's 'chromium' package (or set CHROMIUM_PATH)." >&2
    exit 1
  fi
fi

# Installs a Debian package whose service must not start: the tests start their own on free ports.
install_without_service() {
  # policy-rc.d answering 101 tells the package's scripts not to start the service. Docker images
  # ship one already; elsewhere add one only for this install, and remove it after.
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
    chmod +x /usr/sbin/policy-rc.d
    trap 'rm -f /usr/sbin/policy-rc.d' EXIT
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@"
}

# Debian's nginx for test/proxy/ (the app behind a reverse proxy). The test starts its own nginx
# on a free port with its own config; the package must not start the system service (port 80).
nginx_path="${NGINX_PATH:-/usr/sbin/nginx}"
if [ ! -x "$nginx_path" ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "Installing nginx for the reverse-proxy test (apt-get)..."
  install_without_service nginx
fi
if [ -x "$nginx_path" ]; then
  "$nginx_path" -v
elif [ -n "${CI:-}" ]; then
  echo "nginx is missing at $nginx_path: install Debian's 'nginx' package (or set NGINX_PATH)." >&2
  exit 1
fi

# Debian's redis-server for test/feed/redis-feed-log.test.ts (the feed shared through Redis). The
# tests start their own redis-server on a free port with nothing persisted, never the system service.
redis_server_path="${REDIS_SERVER_PATH:-/usr/bin/redis-server}"
if [ ! -x "$redis_server_path" ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "Installing redis-server for the Redis feed tests (apt-get)..."
  install_without_service redis-server
fi
if [ -x "$redis_server_path" ]; then
  "$redis_server_path" --version
elif [ -n "${CI:-}" ]; then
  echo "redis-server is missing at $redis_server_path: install Debian's 'redis-server' package (or set REDIS_SERVER_PATH)." >&2
  exit 1
fi
