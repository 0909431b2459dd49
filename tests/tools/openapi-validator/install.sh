#!/usr/bin/env bash
# Installs @seriousme/openapi-schema-validator (pinned in package-lock.json)
# into tests/tools/openapi-validator/node_modules, for the test that holds
# schemas/openapi.json to the official OpenAPI 3.1 schema. Idempotent: does
# nothing when the pinned version is already there. Needs Node.js and npm;
# installs Debian's nodejs and npm when node is missing.
set -euo pipefail
cd "$(dirname "$0")"
want=$(sed -n 's/.*"@seriousme\/openapi-schema-validator": "\([^"]*\)".*/\1/p' package.json)
have=$(sed -n 's/^\t*"version": "\([^"]*\)".*/\1/p' \
  node_modules/@seriousme/openapi-schema-validator/package.json 2>/dev/null | head -1 || true)
if [ -x node_modules/.bin/validate-api ] && [ "$have" = "$want" ]; then
  exit 0
fi
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  echo "openapi-validator: installing nodejs and npm"
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -q
  $sudo apt-get install -y -q --no-install-recommends nodejs npm
fi
echo "openapi-validator: installing @seriousme/openapi-schema-validator@$want into $(pwd)/node_modules"
npm ci --no-audit --no-fund --loglevel=error
