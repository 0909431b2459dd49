#!/usr/bin/env bash
# Installs the Debian 12 packages the project builds with. Idempotent: does nothing
# when everything is already there, so every entry-point script can call it first.
set -euo pipefail

packages=(
  cmake ninja-build g++ pkg-config git
  libboost-dev libboost-filesystem-dev libboost-system-dev
  nlohmann-json3-dev libcurl4-openssl-dev libsqlite3-dev libsqlitecpp-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  libvalijson-dev libcli11-dev libspdlog-dev libfmt-dev libcpp-httplib-dev libical-dev
  libssl-dev tzdata sqlite3 ca-certificates ccache
  time  # /usr/bin/time: the benchmarks' wall, CPU and peak memory (tests/bench/lib/measure.sh)
  clang libclang-rt-14-dev  # the fuzz preset: clang with libFuzzer's runtime
  libkainjow-mustache-dev   # email and page templates
  libxxhash-dev             # the file adapter's content hash (XXH3-128)
  python3-aiosmtpd openssl  # the tests' loopback SMTP server (and the demo's mail catcher), its test certificate
  chromium chromium-driver python3-selenium  # ctest -L browser
  postgresql-15 libpqxx-dev  # the shared store (issue 17): libpqxx, and the tests' throwaway cluster (ctest -L postgres)
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -q
  $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# Test tools from npm (the BambooHR contract tests' Prism).
"$(dirname "$0")/../tests/tools/prism/install.sh"
# ... and the OpenAPI 3.1 schema validator for schemas/openapi.json.
"$(dirname "$0")/../tests/tools/openapi-validator/install.sh"
# ... and axe-core, which the browser tests inject into every page.
"$(dirname "$0")/../tests/tools/axe/install.sh"
