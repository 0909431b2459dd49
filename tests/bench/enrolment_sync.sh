#!/usr/bin/env bash
# Issue 4's benchmark: one sync of an organisation of 1,000,000 people with
# 100,000 leave changes through the real plugin (validation, store, enrolment
# planning, outbox), against bulk-inserting the same rows into SQLite with
# prepared statements in one transaction. Each mode runs in its own process so
# peak memory is the plugin's own. Each mode runs RUNS times (default 3), alternating, and every
# figure is the median of its timed section, CPU time (user + sys) beside wall
# (tests/bench/lib/measure.sh).
#   tests/bench/enrolment_sync.sh [people] [leave]
# Last line: ratio=<plugin/baseline wall> peak_mb=<plugin peak RSS> seconds=<plugin wall time>
#            cpu_ratio=<plugin/baseline CPU>
set -euo pipefail
cd "$(dirname "$0")/../.."
people="${1:-1000000}"
leave="${2:-100000}"
. tests/bench/lib/measure.sh
scripts/setup.sh
cmake --preset release >/dev/null
cmake --build --preset release -j2 --target enrolment_bench mentoring_plugin >/dev/null
bench_begin
trap 'rm -rf "$bench_dir"' EXIT
for _ in $(seq "$RUNS"); do
  for mode in baseline plugin; do
    bench_run --section "$mode" build/release/bin/enrolment_bench --mode "$mode" --people "$people" \
      --leave "$leave" --dir "$bench_dir"
    echo "  $(cat "$bench_out")"
  done
done
bench_summary baseline plugin
bench_end
o=$(bench_median plugin wall)
echo "ratio=$(bench_ratio plugin baseline wall) peak_mb=$(bench_peak_mb plugin) seconds=$o cpu_ratio=$(bench_ratio plugin baseline cpu)"
