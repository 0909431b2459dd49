#!/usr/bin/env bash
# README command 2: install what is missing, build, run the whole test suite.
# Usage: scripts/test.sh [preset] [extra ctest args]   (preset: dev | asan | release)
set -euo pipefail
cd "$(dirname "$0")/.."
preset="${1:-dev}"
shift || true
scripts/build.sh "$preset"
ctest --preset "$preset" "$@"
