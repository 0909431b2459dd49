#!/usr/bin/env bash
# One short fuzz run (the fuzz preset's fuzz_run_<target> tests, scripts/test.sh fuzz):
#   run.sh <fuzz binary> <corpus folder> <work folder> <seconds>
# (the environment variable MENTORING_FUZZ_SECONDS overrides <seconds>)
# Fuzzes from a fresh copy of the corpus in <work>/corpus (the checked-in
# corpus is only read); a crash is written to <work>/ and fails the test.
set -euo pipefail
binary="$1" corpus="$2" work="$3" seconds="${MENTORING_FUZZ_SECONDS:-$4}"
rm -rf "$work"
mkdir -p "$work/corpus"
cp "$corpus"/* "$work/corpus/"
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
# A fixed seed (MENTORING_FUZZ_SEED) makes a CI run repeatable from the same corpus.
if ! "$binary" -seed="${MENTORING_FUZZ_SEED:-1}" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 \
    -print_final_stats=1 -artifact_prefix="$work/" "$work/corpus" 2>"$work/log"; then
  tail -n 60 "$work/log"
  echo "fuzz: $(basename "$binary") found a crash, saved in $work/" \
       "(tests/fuzz/README.md: minimise it and add it to $corpus as a regression)" >&2
  exit 1
fi
grep -E '^(#[0-9]+.*DONE|stat::number_of_executed_units|stat::peak_rss_mb)' "$work/log" || true
