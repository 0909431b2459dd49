#!/usr/bin/env bash
# Installs Prism (@stoplight/prism-cli, pinned in package-lock.json) into
# tests/tools/prism/node_modules, for the BambooHR contract tests. Idempotent:
# does nothing when the pinned version is already there. Needs Node.js and npm;
# installs Debian's nodejs and npm when node is missing.
set -euo pipefail
cd "$(dirname "$0")"
want=$(sed -n 's/.*"@stoplight\/prism-cli": "\([^"]*\)".*/\1/p' package.json)
have=$(sed -n 's/^  "version": "\([^"]*\)".*/\1/p' node_modules/@stoplight/prism-cli/package.json 2>/dev/null || true)
if [ -x node_modules/.bin/prism ] && [ "$have" = "$want" ]; then
  exit 0
fi
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  echo "prism: installing nodejs and npm"
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -q
  $sudo apt-get install -y -q --no-install-recommends nodejs npm
fi
echo "prism: installing @stoplight/prism-cli@$want into $(pwd)/node_modules"
# Prism 5.16 declares node >= 24 but runs on Debian's and NodeSource's 20.
npm ci --no-audit --no-fund --loglevel=error
