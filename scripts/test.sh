#!/usr/bin/env bash
# README command 2: install what is missing, build, run the whole test suite.
# Usage: scripts/test.sh [preset] [extra ctest args]   (preset: dev | asan | release | fuzz)
# fuzz: builds the libFuzzer targets with clang and fuzzes each for 20 s
# (MENTORING_FUZZ_SECONDS=600 scripts/test.sh fuzz -R bamboohr: longer, one target; tests/fuzz/README.md).
set -euo pipefail
cd "$(dirname "$0")/.."
preset="${1:-dev}"
shift || true
scripts/build.sh "$preset"
if [ "$preset" = fuzz ] && [ -n "${MENTORING_FUZZ_SECONDS:-}" ]; then
  set -- --timeout "$((MENTORING_FUZZ_SECONDS + 300))" "$@"
fi
ctest --preset "$preset" "$@"
