#!/usr/bin/env bash
# Installs axe-core (pinned in package-lock.json) into tests/tools/axe/node_modules,
# for the browser tests (tests/browser), which inject node_modules/axe-core/axe.min.js
# into every page they open. Idempotent: does nothing when the pinned version is
# already there. Needs Node.js and npm; installs Debian's nodejs and npm when node
# is missing.
set -euo pipefail
cd "$(dirname "$0")"
want=$(sed -n 's/.*"axe-core": "\([^"]*\)".*/\1/p' package.json)
have=$(sed -n 's/^  "version": "\([^"]*\)".*/\1/p' node_modules/axe-core/package.json 2>/dev/null || true)
if [ -f node_modules/axe-core/axe.min.js ] && [ "$have" = "$want" ]; then
  exit 0
fi
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  echo "axe: installing nodejs and npm"
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -q
  $sudo apt-get install -y -q --no-install-recommends nodejs npm
fi
echo "axe: installing axe-core@$want into $(pwd)/node_modules"
npm ci --no-audit --no-fund --loglevel=error
