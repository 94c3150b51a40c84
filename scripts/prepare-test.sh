#!/usr/bin/env bash
# Makes `npm test` a one-command set-up on a fresh machine: dependencies, then
# Debian's Chromium for the e2e tests (Playwright cannot download browsers here) and Debian's
# nginx for the reverse-proxy test.
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

# Debian's nginx for test/proxy/ (the app behind a reverse proxy). The test starts its own nginx
# on a free port with its own config; the package must not start the system service (port 80).
nginx_path="${NGINX_PATH:-/usr/sbin/nginx}"
if [ ! -x "$nginx_path" ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "Installing nginx for the reverse-proxy test (apt-get)..."
  # policy-rc.d answering 101 tells the package's scripts not to start the service. Docker images
  # ship one already; elsewhere add one only for this install, and remove it after.
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
    chmod +x /usr/sbin/policy-rc.d
    trap 'rm -f /usr/sbin/policy-rc.d' EXIT
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nginx
fi
if [ -x "$nginx_path" ]; then
  "$nginx_path" -v
elif [ -n "${CI:-}" ]; then
  echo "nginx is missing at $nginx_path: install Debian's 'nginx' package (or set NGINX_PATH)." >&2
  exit 1
fi
