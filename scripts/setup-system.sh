#!/usr/bin/env bash
# Install what the tests need outside Python: Debian's Chromium (Playwright drives it;
# Playwright's own browser download does not work here), PostgreSQL and Redis (the scale-out
# and purge tests run throwaway servers on loopback), nginx (the test runs deploy/nginx.conf)
# and axe-core from npm.
# Idempotent: does nothing when both are present.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
[ -x /usr/sbin/nginx ] || missing+=(nginx)
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup-system: installing ${missing[*]} from Debian (about a minute)"
  if [ "$(id -u)" = 0 ]; then SUDO=""; elif command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "setup-system: ${missing[*]} missing and this user cannot install packages." >&2
    echo "  Install them yourself: apt-get install ${missing[*]}" >&2
    exit 1
  fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if [ ! -f node_modules/axe-core/axe.min.js ]; then
  command -v npm >/dev/null 2>&1 || { echo "setup-system: npm is needed for axe-core (apt-get install npm)" >&2; exit 1; }
  echo "setup-system: installing axe-core from npm"
  npm ci --no-audit --no-fund --silent
fi
echo "setup-system: Chromium, PostgreSQL, Redis, nginx and axe-core are ready"
